"""The provider's pages for working under a mandate in the permission matrix: every profile of
the client and of its provider (the GL of the provider's secretariat quality and its staff
included) and outsiders. Only the secretariat's local managers open them; the provider's
access managers and legal representative get the explained 403 of role management; anyone
else 404, and a mandate of another provider through this quality is 404 for everyone. A
refused request changes nothing."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from enterprises.access import ROLE_MANAGEMENT_WHO_CAN
from mandates.tests.test_permission_matrix import PROFILES, build_matrix_world
from roles.models import Role
from tests.personas import built_once, signed_in
from tests.security_helpers import snapshot

pytestmark = pytest.mark.django_db

ALL = [*PROFILES, "p_sec_gl", "p_staff"]
NOT_FOUND = dict.fromkeys(ALL, 404) | {"anonymous": 302}
# The provider's LR, RAE and co-RAE: "you cannot manage role attributions directly".
EXPLAINED = {"p_lr": 403, "p_rae": 403, "p_co_rae": 403}
MATRIX = {
    "clients": NOT_FOUND | EXPLAINED | {"p_sec_gl": 200},
    "client_direct": NOT_FOUND | EXPLAINED | {"p_sec_gl": 302},
    "client_links": NOT_FOUND | EXPLAINED | {"p_sec_gl": 302},
    "client_invite_form": NOT_FOUND | EXPLAINED | {"p_sec_gl": 200},
    # Another provider's mandate, through this quality: nobody may tell it exists.
    "other_providers_mandate": NOT_FOUND | EXPLAINED,
}
CASES = [(a, p, s) for a, row in MATRIX.items() for p, s in row.items()]
READ_ONLY = {"clients", "client_invite_form", "other_providers_mandate"}


@pytest.fixture(scope="module")
def world_once(django_db_setup, django_db_blocker):
    def build():
        world, outsider_mandates, users = build_matrix_world()
        provider = world.extra["mandates"].provider
        users |= {"p_sec_gl": provider.sec_gl, "p_staff": provider.staff}
        return world, outsider_mandates, users

    with built_once(django_db_blocker, build) as built:
        yield built


@pytest.fixture
def world(world_once, db):
    return world_once.fresh()


def _request(action, world, outsider_mandates):
    mandates = world.extra["mandates"]
    eq = mandates.provider.secretariat
    dimona = Role.objects.get(code="dimona-declaration")

    def url(name, mandate):
        return reverse(f"roles:{name}", kwargs={"eq_id": eq.pk, "mandate_id": mandate.pk})

    if action == "clients":
        return "get", reverse("roles:clients", args=[eq.pk]), {}
    if action == "client_invite_form":
        return "get", url("client_invite", mandates.active), {}
    if action in ("client_direct", "other_providers_mandate"):
        mandate = mandates.active if action == "client_direct" else outsider_mandates.active
        staff = mandates.provider.staff
        data = {
            "roles": [dimona.pk],
            "national_number": staff.national_number,
            "first_name": "Staff",
            "last_name": "Member",
            "email": staff.email,
        }
        return "post", url("client_direct", mandate), data
    if action == "client_links":
        data = {
            "label": "Staff",
            "roles": [dimona.pk],
            "expires_on": (timezone.localdate() + timezone.timedelta(days=3)).isoformat(),
            "max_uses": "2",
        }
        return "post", url("client_links", mandates.active), data
    raise AssertionError(action)


@pytest.mark.parametrize(("action", "profile", "expected"), CASES)
def test_provider_pages_permission_matrix(world, action, profile, expected):
    world, outsider_mandates, users = world
    user = users[profile]
    client = Client() if user is None else signed_in(user)
    method, url, data = _request(action, world, outsider_mandates)
    before = snapshot()
    response = getattr(client, method)(url, data)
    assert response.status_code == expected, (action, profile, response.content[:300])
    changed = snapshot() != before
    if expected in (200, 302) and user is not None and action not in READ_ONLY:
        assert changed, (action, profile)
    else:
        assert not changed, (action, profile)
    if expected == 403:
        assert str(response.context["refusal"].who_can) == str(ROLE_MANAGEMENT_WHO_CAN)
