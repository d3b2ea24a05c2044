"""Signing in through the federal identity provider (eID, itsme) over OpenID Connect.

allauth's `openid_connect` provider does the protocol (discovery, PKCE, state, the code for
tokens exchange, the ID token's audience, expiry and issuer against the discovery document).
Two checks it leaves out are added here, because the ID token is what vouches for a national
number and so for every power hanging on it:

- a **nonce**: a fresh random value per authorization request, kept in allauth's per-request
  state (server side, in the session) and required back in the ID token, so a code or token
  obtained for another authorization request cannot complete this one;
- the **issuer**: the discovery document must name the issuer the portal is configured with
  (OpenID Connect Discovery 1.0, section 4.3), and so must the ID token; allauth only
  compares the token with whatever issuer the discovery document claims.

Every refusal of a sign-in (these checks, a missing or malformed national number, a number
verified on another account, allauth's own protocol errors) renders one translated page,
`accounts/identity_refused.html`, and changes nothing.
"""

import secrets
from dataclasses import dataclass
from http import HTTPStatus

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.conf import settings
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_national_number

# Key of the nonce in allauth's stashed state (it never leaves the server).
NONCE_STATE_KEY = "oidc_nonce"
WELL_KNOWN = "/.well-known/openid-configuration"


@dataclass(frozen=True)
class Refusal:
    title: Promise
    reason: Promise
    status: int = HTTPStatus.FORBIDDEN


UNCHECKED = Refusal(
    _("The sign-in could not be checked"),
    _(
        "The answer of the identity provider did not match the sign-in this browser started "
        "(it may have been used already, have expired, or come from elsewhere). Nothing was "
        "changed. Start again from the sign-in page."
    ),
    HTTPStatus.BAD_REQUEST,
)
UNREACHABLE = Refusal(
    _("The identity provider cannot be reached"),
    _(
        "The portal could not reach the identity provider. Nothing was changed. Try again in "
        "a few minutes, or sign in with your e-mail address and password."
    ),
    HTTPStatus.SERVICE_UNAVAILABLE,
)
WRONG_ISSUER = Refusal(
    _("The identity provider is not the expected one"),
    _(
        "The identity provider answered with another identity than the one this portal is "
        "configured for, so its answer cannot be trusted. Nothing was changed. Please tell "
        "the portal's administrators."
    ),
    HTTPStatus.BAD_GATEWAY,
)
NUMBER_MISSING = Refusal(
    _("Your national number was not received"),
    _(
        "The identity provider signed you in but did not send your national number, so the "
        "portal cannot tell who you are. Nothing was changed. Sign in again and allow the "
        "national number to be shared, or ask the contact centre."
    ),
)
NUMBER_MALFORMED = Refusal(
    _("Your national number could not be read"),
    _(
        "The identity provider sent a national number that is not a valid Belgian national "
        "number. Nothing was changed. Please contact the contact centre."
    ),
)
NUMBER_TAKEN = Refusal(
    _("This national number belongs to another account"),
    _(
        "The national number you signed in with is already verified on another account of "
        "this portal. Nothing was changed. Sign in with that account; if it is not yours, "
        "the contact centre can help."
    ),
)
LINKED_ELSEWHERE = Refusal(
    _("This eID or itsme identity is linked to another account"),
    _(
        "The identity you signed in with is already linked to another account of this "
        "portal. Nothing was changed. Sign out and sign in with eID or itsme to reach that "
        "account."
    ),
)
EMAIL_OTHER_NUMBER = Refusal(
    _("This e-mail address belongs to another person's account"),
    _(
        "An account with the e-mail address the identity provider sent is verified with "
        "another national number, so it was not linked to you. Nothing was changed. The "
        "contact centre can help."
    ),
)


def refuse(request, refusal: Refusal) -> ImmediateHttpResponse:
    """The response that stops a sign-in, ready to raise (allauth returns it as is)."""
    response = render(
        request,
        "accounts/identity_refused.html",
        {"refusal": refusal},
        status=refusal.status,
    )
    return ImmediateHttpResponse(response)


def configured_issuer(server_url: str) -> str:
    """The issuer the portal trusts: `server_url` without the discovery path."""
    if server_url.endswith(WELL_KNOWN):
        server_url = server_url[: -len(WELL_KNOWN)]
    return server_url.rstrip("/")


def same_issuer(claimed, server_url: str) -> bool:
    # Exact comparison, as the specification asks; only a trailing slash is forgiven.
    return isinstance(claimed, str) and claimed.rstrip("/") == configured_issuer(server_url)


def provider_claims(sociallogin) -> dict:
    """The person's claims: the userinfo answer (fetched with the access token over TLS),
    falling back to the ID token, as allauth reads them."""
    extra = sociallogin.account.extra_data or {}
    return extra.get("userinfo") or extra.get("id_token") or {}


def claimed_national_number(request, sociallogin) -> str:
    """The 11 digits of the national number claim, or a refusal to raise."""
    raw = provider_claims(sociallogin).get(settings.OIDC_NATIONAL_NUMBER_CLAIM)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise refuse(request, NUMBER_MISSING)
    if not isinstance(raw, str | int) or isinstance(raw, bool):
        raise refuse(request, NUMBER_MALFORMED)
    try:
        return normalize_national_number(str(raw))
    except Exception:  # ValidationError, or anything stdnum raises on odd input
        raise refuse(request, NUMBER_MALFORMED) from None


def check_id_token(request, sociallogin) -> None:
    """The nonce and issuer checks allauth does not make (see the module docstring)."""
    id_token = (sociallogin.account.extra_data or {}).get("id_token")
    expected = sociallogin.state.get(NONCE_STATE_KEY)
    if not isinstance(id_token, dict) or not expected:
        raise refuse(request, UNCHECKED)
    nonce = id_token.get("nonce")
    if not isinstance(nonce, str) or not secrets.compare_digest(nonce, expected):
        raise refuse(request, UNCHECKED)
    if not same_issuer(id_token.get("iss"), sociallogin.provider.app.settings["server_url"]):
        raise refuse(request, WRONG_ISSUER)


def is_identity_provider_login(sociallogin) -> bool:
    return isinstance(sociallogin.provider, FederalIdentityProvider)


class FederalIdentityProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider with a nonce and the discovery issuer check.

    Installed through `SOCIALACCOUNT_PROVIDERS["openid_connect"]["provider_class"]`, so it
    keeps allauth's id, URLs and templates.
    """

    package = "allauth.socialaccount.providers.openid_connect"  # where allauth finds its URLs

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        try:
            discovered = self.get_oauth2_adapter(request).openid_config.get("issuer")
        except (requests.RequestException, ValueError):
            return refuse(request, UNREACHABLE).response
        if not same_issuer(discovered, self.app.settings["server_url"]):
            # Refused before the person is sent anywhere: the discovery document names
            # another issuer, so nothing this provider returns could be checked.
            return refuse(request, WRONG_ISSUER).response
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        nonce = secrets.token_urlsafe(32)
        return super().redirect(
            request,
            process,
            next_url,
            data,
            auth_params={**auth_params, "nonce": nonce},
            **{NONCE_STATE_KEY: nonce},
            **kwargs,
        )
