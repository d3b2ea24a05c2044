"""CSRF on every state change, and no state change over GET.

Every URL of the portal is in ROUTES with real arguments and the person allowed to use it
(`test_every_portal_url_is_in_the_table` fails when a view is added without a row). For each:
- a POST without the CSRF token, from that person, answers 403 and changes nothing;
- for the views that change state, the very same POST with its token does change it (so the
  403 above comes from the CSRF check, not from bad data or a missing permission);
- a GET changes nothing.

"Nothing" is every row count of the portal's tables (audit log included), the states of
designations, invitations, attributions, links and wizard pages, and the people's details.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from enterprises.models import Designation, Quality

from .personas import World, new_person
from .security_helpers import snapshot

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def client_for(user, *, enforce_csrf: bool) -> Client:
    """Signed in, with a fresh reauthentication (the sensitive views ask for one)."""
    client = Client(enforce_csrf_checks=enforce_csrf)
    if user is None:
        return client
    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


def _none(w: World) -> dict:
    return {}


@dataclass
class Route:
    name: str
    who: Callable[[World], object]
    kwargs: Callable[[World], dict] = _none
    data: Callable[[World], dict] | None = None  # None: a page only read with GET
    changes: bool = True  # a valid POST with its token changes the database
    query: str = ""

    @property
    def is_post(self) -> bool:
        return self.data is not None

    def url(self, w: World) -> str:
        return reverse(self.name, kwargs=self.kwargs(w)) + self.query

    def __str__(self) -> str:
        return self.name


def _number(w):
    return {"number": w.enterprise.number}


def _eq(w):
    return {"eq_id": w.eq.pk}


def _co_gl_designation(w):
    return Designation.objects.get(enterprise=w.enterprise, kind="co_gl", status="active")


def _inactive_quality(w):
    used = w.enterprise.qualities.values_list("quality_id", flat=True)
    return Quality.objects.exclude(pk__in=list(used)).order_by("pk").first()


def _group(w, code):
    from roles.models import ApplicationGroup

    return ApplicationGroup.objects.get(code=code)


def _at_provider(w, mandate):
    return {"number": w.extra["mandates"].provider.enterprise.number, "pk": mandate.pk}


def _next_quarter():
    from mandates.rules import next_quarter_start

    return next_quarter_start(timezone.localdate())


def _sec(w):
    """The world's provider: the GL of its secretariat quality, and the active mandate."""
    return w.extra["mandates"].provider


def _sec_eq(w):
    return {"eq_id": _sec(w).secretariat.pk}


def _client(w):
    return {"eq_id": _sec(w).secretariat.pk, "mandate_id": w.extra["mandates"].active.pk}


def _csv(w):
    upload = SimpleUploadedFile("p.csv", b"Bo,Smith,bo@example.test,dimona-declaration,,\n")
    return {"file": upload, "message": "Hello"}


ROUTES = [
    # --- portal, accounts -----------------------------------------------------------------
    Route("home", lambda w: w.chain.user),
    Route("healthz", lambda w: None),
    Route("healthz_ready", lambda w: None),
    Route("set_language", lambda w: w.chain.user, data=lambda w: {"language": "nl"}, changes=False),
    Route(
        "accounts:settings",
        lambda w: w.chain.user,
        data=lambda w: {
            "first_name": "Changed",
            "last_name": "Name",
            "language": "nl",
            "national_number": w.chain.user.national_number,
        },
    ),
    Route("accounts:mfa_required", lambda w: w.chain.user),
    Route("account_logout", lambda w: w.chain.user, data=lambda w: {}, changes=False),
    Route(
        "account_email",
        lambda w: w.chain.user,
        data=lambda w: {"action_add": "", "email": "second@example.test"},
    ),
    Route(
        "account_change_password",
        lambda w: w.chain.user,
        data=lambda w: {
            "oldpassword": PASSWORD,
            "password1": "a-new-Passphrase-2026",
            "password2": "a-new-Passphrase-2026",
        },
    ),
    # --- enterprises ----------------------------------------------------------------------
    Route("enterprises:search", lambda w: None, query="?q=Boulangerie"),
    Route("enterprises:register", lambda w: w.lr_new, query="?number=x"),
    Route(
        "enterprises:register_designate",
        lambda w: w.lr_new,
        lambda w: {"number": w.unregistered.number},
        data=lambda w: {
            **new_person(1, "rae-"),
            "co_rae-TOTAL_FORMS": "0",
            "co_rae-INITIAL_FORMS": "0",
        },
    ),
    Route("enterprises:mine", lambda w: w.chain.rae),
    Route(
        "enterprises:accept",
        lambda w: w.chain.user,
        lambda w: {"token": w.pending_token},
        data=lambda w: {},
    ),
    Route("enterprises:detail", lambda w: w.chain.rae, _number),
    Route("enterprises:chain", lambda w: w.chain.rae, _number),
    Route("enterprises:chain_svg", lambda w: w.chain.rae, _number),
    Route("enterprises:replace_rae", lambda w: w.chain.lr, _number, data=lambda w: new_person(2)),
    Route(
        "enterprises:designate_co_rae", lambda w: w.chain.rae, _number, data=lambda w: new_person(3)
    ),
    Route(
        "enterprises:quality_activate",
        lambda w: w.chain.rae,
        _number,
        data=lambda w: {"quality": _inactive_quality(w).pk},
    ),
    Route(
        "enterprises:quality_deactivate",
        lambda w: w.chain.co_rae,
        lambda w: {"number": w.enterprise.number, "pk": w.spare_eq.pk},
        data=lambda w: {},
    ),
    Route(
        "enterprises:designate_gl",
        lambda w: w.chain.rae,
        lambda w: {"number": w.enterprise.number, "pk": w.eq.pk},
        data=lambda w: new_person(4),
    ),
    Route(
        "enterprises:designate_co_gl",
        lambda w: w.chain.gl,
        lambda w: {"number": w.enterprise.number, "pk": w.eq.pk},
        data=lambda w: new_person(5),
    ),
    Route(
        "enterprises:revoke",
        lambda w: w.chain.rae,
        lambda w: {"number": w.enterprise.number, "pk": _co_gl_designation(w).pk},
        data=lambda w: {},
    ),
    Route(
        "enterprises:resend",
        lambda w: w.chain.rae,
        lambda w: {"number": w.enterprise.number, "pk": w.pending.pk},
        data=lambda w: {},
    ),
    Route(
        "enterprises:cancel",
        lambda w: w.chain.rae,
        lambda w: {"number": w.enterprise.number, "pk": w.pending.pk},
        data=lambda w: {},
    ),
    Route(
        "enterprises:contact_centre",
        lambda w: w.agent,
        data=lambda w: {"number": w.enterprise.number, "reason": "The caller asks who the RAE is"},
    ),
    Route(
        "identity_check",
        lambda w: w.agent,
        data=lambda w: {
            "email": w.declared.email,
            "national_number": w.declared.national_number,
            "document_kind": "eid",
            "reason": "Identity card checked at the desk",
        },
    ),
    # --- roles ----------------------------------------------------------------------------
    Route("roles:manage_home", lambda w: w.chain.gl),
    Route("roles:list", lambda w: w.chain.gl, _eq),
    Route("roles:export", lambda w: w.chain.gl, _eq),
    Route("roles:bulk_example", lambda w: w.chain.gl, _eq),
    Route(
        "roles:attribution",
        lambda w: w.chain.gl,
        lambda w: {"eq_id": w.eq.pk, "pk": w.attribution.pk},
        data=lambda w: {"action": "revoke"},
    ),
    Route(
        "roles:invite",
        lambda w: w.chain.gl,
        _eq,
        data=lambda w: {"roles": [w.dimona.pk], "invitees": "Ann; Smith; ann@example.test"},
    ),
    Route("roles:invitations", lambda w: w.chain.gl, _eq),
    Route(
        "roles:invitation_action",
        lambda w: w.chain.co_gl,
        lambda w: {"eq_id": w.eq.pk, "pk": w.invitation.pk},
        data=lambda w: {"action": "revoke"},
    ),
    Route(
        "roles:direct",
        lambda w: w.chain.gl,
        _eq,
        data=lambda w: {
            "roles": [w.dimona.pk],
            **{k: v for k, v in new_person(6).items() if k != "language"},
        },
    ),
    Route(
        "roles:links",
        lambda w: w.chain.gl,
        _eq,
        data=lambda w: {
            "label": "Intranet",
            "roles": [w.dimona.pk],
            "expires_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "max_uses": "5",
        },
    ),
    Route(
        "roles:link_disable",
        lambda w: w.chain.gl,
        lambda w: {"eq_id": w.eq.pk, "pk": w.link.pk},
        data=lambda w: {},
    ),
    Route(
        "roles:request_decide",
        lambda w: w.chain.gl,
        lambda w: {"eq_id": w.eq.pk, "pk": w.access_request.pk},
        data=lambda w: {"decision": "approve"},
    ),
    Route("roles:bulk_upload", lambda w: w.chain.gl, _eq, data=_csv),
    # A provider quality's clients, and giving its staff a client's roles under a mandate.
    Route("roles:clients_home", lambda w: _sec(w).sec_gl),
    Route("roles:clients", lambda w: _sec(w).sec_gl, _sec_eq),
    Route(
        "roles:client_direct",
        lambda w: _sec(w).sec_gl,
        _client,
        data=lambda w: {
            "roles": [w.dimona.pk],
            **{k: v for k, v in new_person(7).items() if k != "language"},
        },
    ),
    Route(
        "roles:client_invite",
        lambda w: _sec(w).sec_gl,
        _client,
        data=lambda w: {"roles": [w.dimona.pk], "invitees": "Ann; Smith; ann@example.test"},
    ),
    Route(
        "roles:client_links",
        lambda w: _sec(w).sec_gl,
        _client,
        data=lambda w: {
            "label": "Staff for the client",
            "roles": [w.dimona.pk],
            "expires_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
            "max_uses": "5",
        },
    ),
    Route("roles:client_bulk_upload", lambda w: _sec(w).sec_gl, _client, data=_csv),
    Route(
        "roles:bulk_preview",
        lambda w: w.chain.gl,
        lambda w: {"eq_id": w.eq.pk, "pk": w.batch.pk},
        data=lambda w: {},
    ),
    Route(
        "roles:bulk_progress",
        lambda w: w.chain.gl,
        lambda w: {"eq_id": w.eq.pk, "pk": w.batch.pk},
    ),
    Route(
        "roles:invitation",
        lambda w: w.chain.user,
        lambda w: {"token": w.invitation_token},
        data=lambda w: {"action": "accept"},
    ),
    Route(
        "roles:invitation_renew",
        lambda w: w.chain.user,
        lambda w: {"token": w.expired_token},
        data=lambda w: {},
    ),
    Route(
        "roles:link_follow",
        lambda w: w.chain.co_rae,
        lambda w: {"slug": w.link.slug},
        data=lambda w: {},
    ),
    Route("roles:profile", lambda w: w.chain.user),
    Route(
        "roles:profile_deactivate",
        lambda w: w.chain.user,
        lambda w: {"pk": w.attribution.pk},
        data=lambda w: {},
    ),
    Route(
        "roles:profile_email",
        lambda w: w.chain.user,
        data=lambda w: {"attributions": [w.attribution.pk], "new_email": "other@example.test"},
    ),
    # A GET that changes state on purpose: see test_the_email_verification_link_below.
    Route(
        "roles:profile_email_verify",
        lambda w: w.chain.user,
        lambda w: {"token": "not-a-valid-signature"},
    ),
    # Refused whatever the method (there is no way to ask for a role): nothing ever changes.
    Route("roles:request_role", lambda w: w.chain.user, data=lambda w: {}, changes=False),
    # --- mandates between enterprises ----------------------------------------------------
    Route("mandates:home", lambda w: w.chain.rae),
    Route("mandates:list", lambda w: w.chain.rae, _number),
    Route("mandates:export", lambda w: w.chain.rae, _number),
    Route(
        "mandates:propose",
        lambda w: w.chain.rae,
        _number,
        data=lambda w: {
            "side": "mandator",
            "other": w.extra["mandates"].spare.number,
            "group": _group(w, "ebox").pk,
            "start_date": (timezone.localdate() + timedelta(days=2)).isoformat(),
        },
    ),
    Route(
        "mandates:detail",
        lambda w: w.chain.rae,
        lambda w: {"number": w.enterprise.number, "pk": w.extra["mandates"].active.pk},
    ),
    Route(
        "mandates:validate",
        lambda w: w.extra["mandates"].provider.rae,
        lambda w: _at_provider(w, w.extra["mandates"].proposed),
        data=lambda w: {},
    ),
    Route(
        "mandates:refuse",
        lambda w: w.extra["mandates"].provider.co_rae,
        lambda w: _at_provider(w, w.extra["mandates"].proposed),
        data=lambda w: {},
    ),
    Route(
        "mandates:end",
        lambda w: w.chain.rae,
        lambda w: {"number": w.enterprise.number, "pk": w.extra["mandates"].active.pk},
        data=lambda w: {},
    ),
    Route(
        "mandates:transfer",
        lambda w: w.chain.co_rae,
        lambda w: {"number": w.enterprise.number, "pk": w.extra["mandates"].active.pk},
        data=lambda w: {
            "other": w.extra["mandates"].spare.number,
            "start_date": _next_quarter().isoformat(),
        },
    ),
    Route(
        "mandates:bulk_upload",
        lambda w: w.extra["mandates"].provider.rae,
        lambda w: {"number": w.extra["mandates"].provider.enterprise.number},
        data=lambda w: {
            "file": SimpleUploadedFile(
                "m.csv", f"{w.enterprise.number};ebox;{_next_quarter()};".encode()
            )
        },
    ),
    Route(
        "mandates:bulk_example",
        lambda w: w.extra["mandates"].provider.rae,
        lambda w: {"number": w.extra["mandates"].provider.enterprise.number},
    ),
    Route(
        "mandates:bulk_preview",
        lambda w: w.extra["mandates"].provider.rae,
        lambda w: _at_provider(w, w.extra["mandates"].batch),
        data=lambda w: {},
    ),
    Route(
        "mandates:bulk_progress",
        lambda w: w.extra["mandates"].provider.rae,
        lambda w: _at_provider(w, w.extra["mandates"].batch),
    ),
    Route(
        "mandates:waiting",
        lambda w: w.extra["mandates"].provider.rae,
        lambda w: {"number": w.extra["mandates"].provider.enterprise.number},
    ),
    Route(
        "mandates:validate_many",
        lambda w: w.extra["mandates"].provider.rae,
        lambda w: {"number": w.extra["mandates"].provider.enterprise.number},
        data=lambda w: {"scope": "all"},
    ),
    # --- wizard and its admin -------------------------------------------------------------
    Route("wizard:home", lambda w: None),
    Route("wizard:page", lambda w: None, lambda w: {"slug": "rae"}),
    Route(
        "admin:wizard_page_publish",
        lambda w: w.admin,
        lambda w: {"object_id": w.wizard_page.pk},
        data=lambda w: {},
    ),
    # The admin's own forms: the same middleware guards them (no valid body needed to show it).
    Route(
        "admin:wizard_page_change",
        lambda w: w.admin,
        lambda w: {"object_id": w.wizard_page.pk},
        data=lambda w: {"slug": "changed", "title": "Changed"},
        changes=False,
    ),
    Route("admin:wizard_page_changelist", lambda w: w.admin),
    Route("admin:enterprises_enterprise_changelist", lambda w: w.admin),
]
POST_ROUTES = [r for r in ROUTES if r.is_post]
CHANGING_ROUTES = [r for r in POST_ROUTES if r.changes]

# The portal's own URL names (the apps' namespaces and the portal's top level); allauth's and
# the admin's internals are covered by their own projects and by the rows above.
PORTAL_NAMESPACES = ("enterprises", "roles", "mandates", "accounts", "wizard")
PORTAL_TOP_LEVEL = ("home", "healthz", "healthz_ready", "set_language")


def _portal_url_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if namespace in PORTAL_NAMESPACES:
                    names.add(f"{namespace}:{pattern.name}")
                elif namespace is None and pattern.name in PORTAL_TOP_LEVEL:
                    names.add(pattern.name)

    walk(get_resolver(), None)
    return names


def test_every_portal_url_is_in_the_table():
    missing = _portal_url_names() - {r.name for r in ROUTES}
    assert not missing, f"add these URLs to ROUTES: {sorted(missing)}"


@pytest.mark.parametrize("route", POST_ROUTES, ids=str)
def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(world, route):
    client = client_for(route.who(world), enforce_csrf=True)
    session_key = client.session.session_key
    before = snapshot()
    response = client.post(route.url(world), route.data(world))
    assert response.status_code == 403
    assert b"CSRF" in response.content or response.templates  # Django's CSRF failure page
    assert snapshot() == before
    # The person is still signed in (a forged logout is refused too).
    assert Session.objects.filter(session_key=session_key).exists()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize("route", CHANGING_ROUTES, ids=str)
def test_the_same_post_with_its_token_does_change_state(world, route):
    # Proof that the request above was a real, allowed state change: only the token was missing.
    client = client_for(route.who(world), enforce_csrf=False)
    before = snapshot()
    response = client.post(route.url(world), route.data(world))
    assert response.status_code in (200, 302), response.content[:3000]
    assert snapshot() != before


def test_a_forged_logout_or_language_switch_is_refused_while_the_real_ones_work(world):
    user = world.chain.user
    strict = client_for(user, enforce_csrf=True)
    strict.get(reverse("accounts:settings"))  # the page sets the CSRF cookie
    token = strict.cookies[settings.CSRF_COOKIE_NAME].value
    response = strict.post(
        reverse("set_language"), {"language": "nl", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    key = strict.session.session_key
    strict.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_get_changes_nothing(world, route):
    client = client_for(route.who(world), enforce_csrf=True)
    before = snapshot()
    response = client.get(route.url(world))
    assert response.status_code < 500
    assert snapshot() == before


def test_the_email_verification_link_below_is_the_one_get_that_changes_state(world):
    """It is the link sent to the new address: it needs the signed token only that mailbox
    received, and the signed-in owner. A forged or another person's token changes nothing."""
    from roles.models import RoleAttribution

    url = reverse("roles:profile_email_verify", kwargs={"token": world.email_change_token})
    before = snapshot()
    assert client_for(world.chain.gl, enforce_csrf=True).get(url).status_code == 400
    assert snapshot() == before
    assert client_for(world.chain.user, enforce_csrf=True).get(url).status_code == 302
    assert RoleAttribution.objects.get(pk=world.attribution.pk).email == "new-address@example.test"
