"""A second factor for every management act, and reauthentication before the sensitive ones.

The rule lives here, in one place: `ManagementGateMiddleware` looks up the resolved URL of
each request (its `view_name`, namespace included) in the tables below.

- `SECOND_FACTOR`: every state-changing route of an enterprise or a quality (the chain,
  qualities, role management, bulk, links, requests), every page or export that shows other
  people's national numbers or the people who manage an enterprise, and everything staff do
  (the whole admin, the contact centre). With `MFA_REQUIRED` (on by default in production)
  a signed-in person without an enrolled second factor (TOTP or passkey; recovery codes alone
  are not one) gets the explained 403 page with the link to enrol.
- `NO_SECOND_FACTOR`: pages that show the person their own data (profile, settings, the
  enterprises they act for, the wizard), signing in and enrolling, and what an invited person
  does with their own invitation, designation or published link: accepting a role or a
  designation is not a management act, the act was the manager's who gave it.
- `REAUTHENTICATE_FORMS` / `REAUTHENTICATE_ACTS`: the acts that hand out or take away access
  also ask for a recent authentication (allauth's, `ACCOUNT_REAUTHENTICATION_TIMEOUT`). For a
  form the prompt comes before it (its GET asks), so what the person types is never lost; a
  button (nothing typed) asks on its POST. When the time runs out between showing a form and
  sending it, the POST is kept in the session and sent again, at the form's own URL, right
  after the prompt: a form error then shows on the form's page with what was typed.

A URL in none of the tables is gated (fail closed), and `tests/test_management_gate.py` fails
until it is classified. A sign-in counts as a recent authentication (`sign_in_is_recent`).
"""

from __future__ import annotations

import time

from allauth.account.adapter import get_adapter
from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.http import urlencode

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]

# The authentication record a sign-in adds (see `sign_in_is_recent`); settings.py lists it in
# ACCOUNT_REAUTHENTICATION_METHODS so that allauth's own sensitive pages count it too.
SIGN_IN_METHOD = "sign-in"

# --- The tables ----------------------------------------------------------------------------

# Whole namespaces that need a second factor (everything staff do in the admin), but for the
# names listed in NO_SECOND_FACTOR.
SECOND_FACTOR_NAMESPACES = frozenset({"admin"})

SECOND_FACTOR = frozenset(
    {
        # Registration designates the RAE; the enterprise's chain and its history.
        "enterprises:register_designate",
        "enterprises:detail",
        "enterprises:chain",
        "enterprises:chain_svg",
        "enterprises:replace_rae",
        "enterprises:designate_co_rae",
        "enterprises:quality_activate",
        "enterprises:quality_deactivate",
        "enterprises:designate_gl",
        "enterprises:designate_co_gl",
        "enterprises:revoke",
        "enterprises:resend",
        "enterprises:cancel",
        # Mandates between enterprises: the lists and exports (other enterprises' names and
        # numbers) and every act on them.
        "mandates:list",
        "mandates:export",
        "mandates:propose",
        "mandates:detail",
        "mandates:validate",
        "mandates:refuse",
        "mandates:end",
        "mandates:transfer",
        # A file of proposals (its rows name other enterprises) and answering many at once.
        "mandates:bulk_upload",
        "mandates:bulk_example",
        "mandates:bulk_preview",
        "mandates:bulk_progress",
        "mandates:waiting",
        "mandates:validate_many",
        # Staff: the contact centre's look-ups and identity verifications.
        "enterprises:contact_centre",
        "identity_check",
        # Role management of a quality: lists, exports (national numbers), every act.
        "roles:list",
        "roles:export",
        "roles:attribution",
        "roles:invite",
        "roles:invitations",
        "roles:invitation_action",
        "roles:direct",
        "roles:links",
        "roles:link_disable",
        "roles:request_decide",
        "roles:bulk_upload",
        "roles:bulk_example",
        "roles:bulk_preview",
        "roles:bulk_progress",
        # A provider quality's clients (other enterprises' names and numbers), and giving its
        # staff a client's roles.
        "roles:clients",
        "roles:client_direct",
        "roles:client_invite",
        "roles:client_links",
        "roles:client_bulk_upload",
    }
)

NO_SECOND_FACTOR = frozenset(
    {
        # The portal's public pages, and the person's own.
        "home",
        "healthz",
        "healthz_ready",
        "set_language",
        "wizard:home",
        "wizard:page",
        "enterprises:search",
        # Step 1 only looks the number up; step 2 (designating the RAE) is gated.
        "enterprises:register",
        "enterprises:mine",
        "roles:manage_home",  # the qualities the person manages; each one is gated
        "roles:clients_home",  # the provider qualities the person manages; each is gated
        "mandates:home",  # the enterprises whose mandates the person manages; each is gated
        "roles:profile",
        "roles:profile_deactivate",
        "roles:profile_email",
        "roles:profile_email_verify",
        "roles:request_role",
        "accounts:settings",
        "accounts:mfa_required",
        # The invited person answers their own invitation, designation or published link.
        "enterprises:accept",
        "roles:invitation",
        "roles:invitation_renew",
        "roles:link_follow",
        # Signing in, out and up, the person's own addresses and password, and enrolling the
        # second factor itself (allauth).
        "account_change_password",
        "account_confirm_email",
        "account_confirm_login_code",
        "account_confirm_reauthentication_code",
        "account_email",
        "account_email_verification_sent",
        "account_inactive",
        "account_login",
        "account_logout",
        "account_reauthenticate",
        "account_request_reauthentication_code",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_set_password",
        "account_signup",
        "mfa_activate_totp",
        "mfa_add_webauthn",
        "mfa_authenticate",
        "mfa_deactivate_totp",
        "mfa_download_recovery_codes",
        "mfa_edit_webauthn",
        "mfa_generate_recovery_codes",
        "mfa_index",
        "mfa_list_webauthn",
        "mfa_login_webauthn",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
        "mfa_remove_webauthn",
        "mfa_view_recovery_codes",
        "mfa_signup_webauthn",
        "openid_connect_callback",
        "openid_connect_login",
        "socialaccount_connections",
        "socialaccount_login_cancelled",
        "socialaccount_login_error",
        "socialaccount_signup",
        # allauth's legacy /accounts/social/... addresses: bare redirects to the names above.
        "django.views.generic.base.RedirectView",
        # Leaving the admin.
        "admin:logout",
        # The OpenID provider: a person signs in to an application of the catalogue (the
        # tokens' `acr` tells the application whether a second factor was used, and it
        # decides); the other endpoints answer applications, authenticated by their tokens.
        "idp:oidc:authorization",
        "idp:oidc:configuration",
        "idp:oidc:device_authorization",
        "idp:oidc:device_code",
        "idp:oidc:introspect",
        "idp:oidc:jwks",
        "idp:oidc:logout",
        "idp:oidc:revoke",
        "idp:oidc:token",
        "idp:oidc:userinfo",
        # The decision API: applications' back-ends, authenticated by their access tokens.
        "authzen:configuration",
        "authzen:evaluation",
        "authzen:evaluations",
        "authzen:openapi",
        # The development mailbox (DEBUG only): the developer's own machine.
        "dev_mailbox",
        "dev_mailbox_message",
    }
)

# Forms that hand out or take away access: their GET asks for a recent authentication first.
REAUTHENTICATE_FORMS = frozenset(
    {
        "enterprises:register_designate",
        "enterprises:replace_rae",
        "enterprises:designate_co_rae",
        "enterprises:designate_gl",
        "enterprises:designate_co_gl",
        "enterprises:revoke",
        "enterprises:quality_activate",
        "enterprises:quality_deactivate",
        "roles:invite",
        "roles:direct",
        "roles:links",
        "roles:bulk_upload",
        "roles:client_direct",
        "roles:client_invite",
        "roles:client_links",
        "roles:client_bulk_upload",
        # Giving or moving a mandate hands a provider access to a client's applications.
        "mandates:propose",
        "mandates:transfer",
        "mandates:bulk_upload",
        # Verifying a number gives it power over mandates, designations and attributions.
        "identity_check",
    }
)
# Buttons (nothing typed): only their POST asks.
REAUTHENTICATE_ACTS = frozenset(
    {
        "enterprises:resend",
        "enterprises:cancel",
        "roles:attribution",
        "roles:invitation_action",
        "roles:link_disable",
        "roles:request_decide",
        "roles:bulk_preview",
        "mandates:validate",
        "mandates:refuse",
        "mandates:end",
        "mandates:bulk_preview",
        "mandates:validate_many",
    }
)

# --- The second factor ---------------------------------------------------------------------


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def mfa_missing(user) -> bool:
    return bool(settings.MFA_REQUIRED and user.is_authenticated and not has_second_factor(user))


def classify(view_name: str, namespaces: list[str]) -> bool | None:
    """True: a second factor is needed; False: not; None: nobody classified this URL."""
    if view_name in SECOND_FACTOR:
        return True
    if view_name in NO_SECOND_FACTOR:
        return False
    if SECOND_FACTOR_NAMESPACES.intersection(namespaces):
        return True
    return None


def needs_second_factor(view_name: str, namespaces: list[str]) -> bool:
    # A URL nobody classified is gated (fail closed) until it is put in a table.
    return classify(view_name, namespaces) is not False


def mfa_required_response(request, *, status: int = 403):
    """The page that explains why and sends the person to enrol a second factor."""
    return render(
        request,
        "accounts/mfa_required.html",
        {"next": request.get_full_path(), "mfa_url": reverse("mfa_index")},
        status=status,
    )


# --- Reauthentication ----------------------------------------------------------------------

STASH_SESSION_KEY = "portal_reauthentication_stash"


def sign_in_is_recent(sender, request, user, **kwargs) -> None:
    """Connected to `user_logged_in` (accounts/apps.py): a person who has just signed in
    has just proved who they are. allauth records the sign-in's methods (password, second
    factor, identity provider) but counts only records marked as a reauthentication, so
    without this the portal would ask for the password again seconds after the sign-in. The
    record has its own method name, so the session's log still says how the person signed
    in."""
    if request is None or not hasattr(request, "session"):
        return
    record_authentication(request, user, method=SIGN_IN_METHOD, reauthenticated=True)


def _last_reauthentication_at(request) -> float:
    records = get_authentication_records(request, request.user)
    return max((r.get("at", 0) for r in records if r.get("reauthenticated")), default=0)


def _prompt(request, *, keep_post: bool):
    methods = get_adapter().get_reauthentication_methods(request.user)
    if not methods:
        raise PermissionDenied
    path = request.get_full_path()
    if keep_post:
        # Only the fields: a file must be chosen again (a form's GET asks first, so for a
        # form this happens only when the time ran out while it was open).
        request.session[STASH_SESSION_KEY] = {
            "path": request.path,
            "post": request.POST.urlencode(),
            "at": time.time(),
        }
    return HttpResponseRedirect(f"{methods[0]['url']}?{urlencode({REDIRECT_FIELD_NAME: path})}")


def _resume_kept_post(request) -> None:
    """The GET that follows the prompt becomes the POST it interrupted, at its own URL."""
    stash = request.session.pop(STASH_SESSION_KEY, None)
    if not (
        stash
        and request.method == "GET"
        and stash.get("path") == request.path
        and time.time() - stash.get("at", 0) < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
        and _last_reauthentication_at(request) > stash.get("at", 0)
    ):
        return
    # The kept POST passed the CSRF check when it was sent; it is this person's own session.
    request.method = "POST"
    request.META["REQUEST_METHOD"] = "POST"
    request.POST = QueryDict(stash["post"])
    request._files = MultiValueDict()


def reauthentication_missing(request, view_name: str) -> bool:
    asks = view_name in REAUTHENTICATE_FORMS or (
        view_name in REAUTHENTICATE_ACTS and request.method == "POST"
    )
    return asks and not did_recently_reauthenticate(request)


# --- The middleware ------------------------------------------------------------------------

# allauth's prompt pages: a visit there keeps the stashed POST for the GET that follows.
_PROMPT_VIEWS = frozenset(
    {
        "account_reauthenticate",
        "account_request_reauthentication_code",
        "account_confirm_reauthentication_code",
        "mfa_reauthenticate",
        "mfa_reauthenticate_webauthn",
    }
)


class ManagementGateMiddleware:
    """Applies the tables above to every request of a signed-in person (after URL resolution,
    before the view; after the CSRF check, which runs earlier in the middleware list)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        match = request.resolver_match
        if user is None or not user.is_authenticated or match is None:
            return None
        view_name = match.view_name
        if needs_second_factor(view_name, match.namespaces) and mfa_missing(user):
            return mfa_required_response(request)
        if STASH_SESSION_KEY in request.session and view_name not in _PROMPT_VIEWS:
            _resume_kept_post(request)
        if reauthentication_missing(request, view_name):
            return _prompt(request, keep_post=request.method == "POST")
        return None
