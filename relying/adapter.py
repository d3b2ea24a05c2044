"""The portal's side of allauth's OpenID provider: the claims, `acr`, introspection.

Every answer about a token starts from the capacity bound to its grant
(`relying.capacities`) and re-reads the roles behind it, so an ended role shows at once.
"""

from __future__ import annotations

from typing import Any

from allauth.idp.oidc.adapter import DefaultOIDCAdapter
from allauth.idp.oidc.internal.oauthlib.utils import get_validator_context
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from relying import capacities

# eIDAS levels of assurance: a sign-in is "substantial" when the portal's own second factor
# (TOTP, passkey) was used in it, "low" otherwise.
ACR_LOW = "http://eidas.europa.eu/LoA/low"
ACR_SUBSTANTIAL = "http://eidas.europa.eu/LoA/substantial"
# The characters of a URI (RFC 3986): printable ASCII, no space.
_URI_FIRST, _URI_LAST = "\x21", "\x7e"


def current_grant_id() -> str | None:
    """The grant of the token being issued or checked, whichever step of oauthlib runs:
    the code's exchange (`grant_id`), a refresh (`refresh_token`), userinfo
    (`access_token`)."""
    ctx = get_validator_context()
    if ctx.grant_id:
        return ctx.grant_id
    for token in (ctx.refresh_token, ctx.access_token):
        if token is not None and token.get_grant_id():
            return token.get_grant_id()
    return None


def actor_claim(capacity) -> dict[str, Any]:
    """RFC 8693's `act` (section 4.1) for a capacity under a mandate: the provider acting
    for the enterprise of the `enterprise` claim, by its enterprise number (`sub`), in the
    quality that received the mandate, and the mandate (group of applications, period)
    that lets it. docs/integration.md says why `act` and not `authorization_details`."""
    provider = capacity.enterprise_quality.enterprise
    mandate = capacity.mandate
    return {
        "sub": provider.number,
        "name": provider.name,
        "quality": capacity.enterprise_quality.quality.code,
        "mandate": {
            "group": mandate.group.code,
            "start": mandate.start_date.isoformat(),
            "end": mandate.end_date.isoformat() if mandate.end_date else None,
        },
    }


def capacity_claims(capacity, scopes, registration) -> dict[str, Any]:
    """The portal's claims for a capacity: the same in the ID token, userinfo and
    introspection. Only this application's roles, only the enterprise acted for."""
    claims: dict[str, Any] = {
        "acr": ACR_SUBSTANTIAL if capacity.second_factor else ACR_LOW,
        "amr": ["pwd", "mfa"] if capacity.second_factor else ["pwd"],
    }
    if "enterprise" in scopes:
        if capacity.is_citizen:
            claims["enterprise"] = None
        elif capacity.is_mandated:
            claims["enterprise"] = {
                "number": capacity.enterprise.number,
                "name": capacity.enterprise.name,
                # The client's quality in this application (its roles are the client's),
                # not the provider's: the provider's is the actor's, in `act`.
                "quality": registration.application.quality.code,
            }
            claims["act"] = actor_claim(capacity)
        else:
            claims["enterprise"] = {
                "number": capacity.enterprise.number,
                "name": capacity.enterprise.name,
                "quality": capacity.enterprise_quality.quality.code,
            }
    if "roles" in scopes:
        claims["roles"] = capacities.role_codes(capacity, registration.application)
    if "egovnrn" in scopes and registration.allow_nrn:
        nrn = capacity.person.verified_national_number
        if nrn:
            claims["egovnrn"] = nrn
    return claims


class PortalOIDCAdapter(DefaultOIDCAdapter):
    scope_display = {
        "openid": _("Who you are on the portal (an identifier of your account)"),
        "email": _("Your e-mail address"),
        "profile": _("Your name"),
        "enterprise": _("The enterprise you act for, and in which quality"),
        "roles": _("Your roles in this application for that enterprise"),
        "egovnrn": _("Your national number"),
    }

    def get_issuer(self) -> str:
        # Fixed by settings, never from the request's Host header: tokens must name the
        # same issuer whatever address a client used.
        return settings.SITE_URL

    def get_claims(self, purpose, user, client, scopes, email=None, **kwargs):
        claims = super().get_claims(purpose, user, client, scopes, email=email, **kwargs)
        capacity = capacities.for_grant(current_grant_id())
        if capacity is not None and capacity.client_id == client.pk:
            claims.update(capacity_claims(capacity, scopes, client.application_registration))
        return claims

    def validate_resource_uris(self, *, uris, **kwargs) -> None:
        # allauth keeps the resources (RFC 8707) in the tokens' JSON, which PostgreSQL
        # cannot hold with a NUL in it (a DataError, a 500), and checks only the URI's
        # parts. An absolute URI (RFC 3986) is printable ASCII without a space: anything
        # else is refused as allauth refuses a malformed resource.
        super().validate_resource_uris(uris=uris, **kwargs)
        if not all(_URI_FIRST <= char <= _URI_LAST for uri in uris for char in uri):
            raise ValidationError("Resource must be an absolute URI.")

    def populate_server_metadata(self, data) -> None:
        data["scopes_supported"] = ["openid", "profile", "email", "enterprise", "roles", "egovnrn"]
        data["claims_supported"] = [
            "sub", "name", "given_name", "family_name", "email", "email_verified",
            "enterprise", "act", "roles", "egovnrn", "acr", "amr",
        ]  # fmt: skip
        data["acr_values_supported"] = [ACR_LOW, ACR_SUBSTANTIAL]
        data["response_types_supported"] = ["code"]
        data["grant_types_supported"] = [
            "authorization_code",
            "refresh_token",
            "client_credentials",
        ]
        data.pop("device_authorization_endpoint", None)

    def is_introspection_allowed(self, token, *, caller_client) -> bool:
        if token.user_id is None:
            return True  # a client-credentials token: no person, no capacity behind it
        capacity = capacities.for_grant(token.get_grant_id())
        if capacity is None or capacity.client_id != token.client_id:
            return False
        return capacities.is_current(capacity, capacity.client.application_registration)

    def populate_introspection_response(self, *, response, token) -> None:
        if token.user_id is None:
            return
        capacity = capacities.for_grant(token.get_grant_id())
        if capacity is not None:
            response.update(
                capacity_claims(
                    capacity, token.get_scopes(), capacity.client.application_registration
                )
            )
