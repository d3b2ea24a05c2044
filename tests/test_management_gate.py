"""A second factor for every management act: every URL pattern of the portal, every profile.

`accounts/mfa.py` classifies each URL (by its resolved name, namespace included) as needing
a second factor or not. Here:
- every URL pattern of the URL configuration (the portal's, allauth's, the admin's) is in one
  of its tables: a new pattern in neither fails `test_every_url_pattern_is_classified`;
- as each profile (LR, RAE, co-RAE, GL, co-GL, user, agent, editor, superuser) without a
  second factor and `MFA_REQUIRED` on, every gated URL answers the explained 403 page to a GET
  and a POST (with the real form data of the CSRF test's ROUTES where it has a row) and
  nothing changes, while every exempt URL answers something else;
- with a second factor, the person allowed to use each gated portal URL does use it (the
  same POST changes state), so the gate is not "everything is refused".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from accounts import mfa
from accounts.tests.factories import UserFactory
from portal.groups import WIZARD_EDITORS

from .personas import build_world
from .security_helpers import enrol_totp, snapshot
from .test_csrf_and_safe_methods import ROUTES, client_for

pytestmark = pytest.mark.django_db

ROUTES_BY_NAME = {route.name: route for route in ROUTES}


@dataclass(frozen=True)
class Pattern:
    route: str  # as ResolverMatch.route spells it
    view_name: str
    namespaces: tuple[str, ...]

    def __str__(self) -> str:
        return self.view_name


def _join(route1: str, route2: str) -> str:
    # The way URLResolver joins the routes of nested patterns into ResolverMatch.route.
    return route2 if not route1 else route1 + route2.removeprefix("^")


def all_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(resolver: URLResolver, route: str, namespaces: tuple[str, ...]) -> None:
        for pattern in resolver.url_patterns:
            full = _join(route, str(pattern.pattern))
            if isinstance(pattern, URLResolver):
                inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
                walk(pattern, full, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or pattern.lookup_str
                found.append(Pattern(full, ":".join([*namespaces, name]), namespaces))

    walk(get_resolver(), "", ())
    return found


# A value for each kind of path argument; a regex group takes the first candidate it matches.
CONVERTER_SAMPLES = {"int": "1", "path": "1", "str": "x", "slug": "x"}
REGEX_CANDIDATES = ("1", "x", "auth", "x-1", "key")


def _sample(route: str) -> str:
    """`route` with each path converter and each regex group replaced by a value."""
    out, i = [], 0
    while i < len(route):
        converter = re.match(r"<(?:(\w+):)?\w+>", route[i:])
        if route[i] == "(":
            depth, j = 0, i
            while True:
                depth += {"(": 1, ")": -1}.get(route[j], 0)
                if depth == 0:
                    break
                j += 1
            group = route[i + 1 : j]
            group = group[group.index(">") + 1 :] if group.startswith("?P<") else group
            out.append(next(c for c in REGEX_CANDIDATES if re.fullmatch(group, c)))
            i = j + 1
        elif converter:
            out.append(CONVERTER_SAMPLES[converter.group(1) or "str"])
            i += converter.end()
        else:
            out.append(route[i] if route[i] not in "^$\\" else "")
            i += 1
    return "/" + "".join(out)


def sample_path(pattern: Pattern) -> str:
    """A path that resolves to exactly this pattern (checked against ResolverMatch.route)."""
    path = _sample(pattern.route)
    try:
        resolved = resolve(path)
    except Resolver404:
        resolved = None
    assert resolved is not None and resolved.route == pattern.route, (
        f"no sample path for {pattern.route!r} (tried {path!r})"
    )
    return path


def url_for(pattern: Pattern, world) -> str:
    route = ROUTES_BY_NAME.get(pattern.view_name)
    return route.url(world) if route else sample_path(pattern)


def post_data(pattern: Pattern, world) -> dict:
    route = ROUTES_BY_NAME.get(pattern.view_name)
    return route.data(world) if route and route.is_post else {}


def test_every_url_pattern_is_classified():
    unclassified = [
        p.view_name for p in all_patterns() if mfa.classify(p.view_name, p.namespaces) is None
    ]
    assert not unclassified, (
        "put these URLs in accounts/mfa.py, SECOND_FACTOR or NO_SECOND_FACTOR: "
        f"{sorted(set(unclassified))}"
    )


def test_a_url_nobody_classified_is_gated():
    # Fail closed: until the table says otherwise, a new URL asks for the second factor.
    assert mfa.classify("enterprises:something_new", ["enterprises"]) is None
    assert mfa.needs_second_factor("enterprises:something_new", ["enterprises"])


def test_every_gated_portal_url_has_a_real_row_in_routes():
    # The gated portal URLs are requested with real arguments and data (not just a sample
    # path that might answer 404 before anything else).
    gated = {p.view_name for p in all_patterns() if mfa.classify(p.view_name, p.namespaces)}
    missing = {n for n in gated if not n.startswith("admin:")} - set(ROUTES_BY_NAME)
    assert not missing, sorted(missing)


def _editor():
    editor = UserFactory(is_staff=True, national_number=None)
    editor.groups.add(Group.objects.get(name=WIZARD_EDITORS))
    return editor


PROFILES = {
    "lr": lambda w: w.chain.lr,
    "rae": lambda w: w.chain.rae,
    "co_rae": lambda w: w.chain.co_rae,
    "gl": lambda w: w.chain.gl,
    "co_gl": lambda w: w.chain.co_gl,
    "user": lambda w: w.chain.user,
    "agent": lambda w: w.agent,
    "editor": lambda w: _editor(),
    "superuser": lambda w: w.admin,
}


def _is_mfa_page(response) -> bool:
    return response.status_code == 403 and "accounts/mfa_required.html" in [
        t.name for t in response.templates
    ]


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED = True


@pytest.mark.usefixtures("mfa_on")
@pytest.mark.parametrize("profile", PROFILES)
def test_without_a_second_factor_every_gated_url_is_refused_and_every_exempt_one_is_not(
    profile,
):
    world = build_world()
    user = PROFILES[profile](world)
    client = client_for(user, enforce_csrf=False)  # signed in, freshly reauthenticated
    before = snapshot()
    not_refused, refused = [], []
    for pattern in all_patterns():
        gated = mfa.classify(pattern.view_name, pattern.namespaces)
        url = url_for(pattern, world)
        if gated:
            for response in (client.get(url), client.post(url, post_data(pattern, world))):
                if not _is_mfa_page(response):
                    not_refused.append(f"{pattern} {response.request['REQUEST_METHOD']}")
                elif response.context["next"] != url:
                    not_refused.append(f"{pattern}: next={response.context['next']}")
        elif _is_mfa_page(client.get(url)):
            # Exempt: a GET only (an exempt POST may sign out or accept an invitation).
            refused.append(str(pattern))
    assert not not_refused, f"gated but not refused: {not_refused}"
    assert not refused, f"exempt but refused: {refused}"
    assert snapshot() == before


GATED_ROUTES = [r for r in ROUTES if mfa.needs_second_factor(r.name, r.name.split(":")[:-1])]


def test_the_designating_and_managing_routes_are_all_gated():
    # The acts named in the rule (chain, qualities, role management, bulk, links, requests,
    # staff): a short list read by a person, so a table edit cannot drop one unnoticed.
    for name in (
        "enterprises:quality_deactivate",
        "enterprises:revoke",
        "enterprises:cancel",
        "enterprises:resend",
        "enterprises:contact_centre",
        "roles:direct",
        "roles:invite",
        "roles:attribution",
        "roles:export",
        "roles:bulk_upload",
        "roles:links",
        "roles:request_decide",
        "admin:index",
    ):
        assert mfa.needs_second_factor(name, name.split(":")[:-1]), name


@pytest.mark.usefixtures("mfa_on")
@pytest.mark.parametrize("route", GATED_ROUTES, ids=str)
def test_with_a_second_factor_the_allowed_person_uses_each_gated_url(route):
    world = build_world()
    user = route.who(world)
    enrol_totp(user)
    client = client_for(user, enforce_csrf=False)
    if route.is_post:
        before = snapshot()
        response = client.post(route.url(world), route.data(world))
        assert response.status_code in (200, 302), response.content[:2000]
        if route.changes:
            assert snapshot() != before
    else:
        response = client.get(route.url(world))
        assert response.status_code == 200, response.content[:2000]
    assert not _is_mfa_page(response)


@pytest.mark.usefixtures("mfa_on")
def test_a_person_who_is_not_signed_in_gets_the_sign_in_page_not_the_gate(client):
    world = build_world()
    response = client.get(ROUTES_BY_NAME["roles:list"].url(world))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")
