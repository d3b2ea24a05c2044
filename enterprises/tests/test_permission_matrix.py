"""The permission matrix of DESIGN.md, at the HTTP level, as one table.

Every action × every profile (of this enterprise and of ANOTHER one): the status code, and
a refused request changes nothing (Designation, EnterpriseQuality, Registration and
AuditEvent rows counted before and after).
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import national_number_for
from enterprises.models import Designation, EnterpriseQuality, Quality, Registration
from enterprises.tests.factories import EnterpriseFactory, MandateFactory
from portal.models import AuditEvent
from tests.personas import (
    build_chain,
    built_once,
    make_agent,
    make_impostor,
    make_staff,
    make_superuser,
    signed_in,
)

pytestmark = pytest.mark.django_db

PROFILES = [
    "lr", "rae", "co_rae", "gl", "co_gl", "user", "agent", "anonymous",
    "other_lr", "other_rae", "other_co_rae", "other_gl", "other_co_gl",
    "superuser", "staff", "impostor",
]  # fmt: skip
# Outsiders to this enterprise: another enterprise's chain; a superuser and a staff member
# with no designation (staff powers are the catalogue, the wizard and the contact centre,
# nothing inside an enterprise); an impostor who typed the legal representative's national
# number on their own account (a declared number unlocks nothing).
OTHERS = {
    p: 404 for p in PROFILES if p.startswith("other_") or p in ("superuser", "staff", "impostor")
}
LOGIN = 302  # anonymous: to the sign-in page

# action -> expected status per profile (2xx/302 with a change = allowed).
MATRIX = {
    "register": {
        "lr": 302, "rae": 403, "co_rae": 403, "gl": 403, "co_gl": 403, "user": 403,
        "agent": 403, "anonymous": LOGIN, **dict.fromkeys(OTHERS, 403),
    },
    "replace_rae": {
        "lr": 302, "rae": 403, "co_rae": 403, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS,
    },
    "designate_co_rae": {
        "lr": 403, "rae": 302, "co_rae": 403, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS,
    },
    "activate_quality": {
        "lr": 403, "rae": 302, "co_rae": 302, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS,
    },
    "deactivate_quality": {
        "lr": 403, "rae": 302, "co_rae": 302, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS,
    },
    "designate_gl": {
        "lr": 403, "rae": 302, "co_rae": 302, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS,
    },
    "designate_co_gl": {
        "lr": 403, "rae": 302, "co_rae": 302, "gl": 302, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS,
    },
    "revoke_gl": {
        "lr": 403, "rae": 302, "co_rae": 302, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS,
    },
    "view_chain": {
        "lr": 200, "rae": 200, "co_rae": 200, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS,
    },
    "contact_centre_lookup": {
        **dict.fromkeys(PROFILES, 403), "agent": 200, "anonymous": LOGIN,
    },
}  # fmt: skip
READ_ONLY = {"view_chain"}

CASES = [
    (action, profile, status) for action, row in MATRIX.items() for profile, status in row.items()
]


def new_person(**extra) -> dict:
    return {
        "first_name": "Nina",
        "last_name": "Nieuw",
        "national_number": national_number_for(987),
        "email": "nina@example.test",
        "language": "nl",
        **extra,
    }


def request_for(action: str, chain, unregistered) -> tuple[str, str, dict]:
    number = chain.enterprise.number
    eq = chain.employer.pk
    if action == "register":
        url = reverse("enterprises:register_designate", kwargs={"number": unregistered.number})
        data = {
            "rae-myself": "on",
            "rae-language": "fr",
            "co_rae-TOTAL_FORMS": "0",
            "co_rae-INITIAL_FORMS": "0",
        }
        return "post", url, data
    if action == "replace_rae":
        return "post", reverse("enterprises:replace_rae", args=[number]), new_person()
    if action == "designate_co_rae":
        return "post", reverse("enterprises:designate_co_rae", args=[number]), new_person()
    if action == "activate_quality":
        quality = Quality.objects.get(code="social-secretariat")
        url = reverse("enterprises:quality_activate", args=[number])
        return "post", url, {"quality": quality.pk}
    if action == "deactivate_quality":
        return "post", reverse("enterprises:quality_deactivate", args=[number, eq]), {}
    if action == "designate_gl":
        return "post", reverse("enterprises:designate_gl", args=[number, eq]), new_person()
    if action == "designate_co_gl":
        return "post", reverse("enterprises:designate_co_gl", args=[number, eq]), new_person()
    if action == "revoke_gl":
        gl = Designation.objects.get(person=chain.gl, kind="gl")
        return "post", reverse("enterprises:revoke", args=[number, gl.pk]), {}
    if action == "view_chain":
        return "get", reverse("enterprises:chain", args=[number]), {}
    if action == "contact_centre_lookup":
        data = {"number": number, "reason": "Caller asks who the RAE is"}
        return "post", reverse("enterprises:contact_centre"), data
    raise AssertionError(action)


def counts() -> tuple[int, ...]:
    return (
        Designation.objects.count(),
        Designation.objects.exclude(status__in=["pending", "active"]).count(),
        EnterpriseQuality.objects.filter(status="active").count(),
        Registration.objects.count(),
        AuditEvent.objects.count(),
    )


def build_matrix_world():
    chain = build_chain(name="Alpha SRL")
    other = build_chain(name="Beta SA")
    unregistered = EnterpriseFactory(name="Gamma SC")
    MandateFactory(enterprise=unregistered, national_number=chain.lr.national_number)
    users = {
        **chain.people,
        "agent": make_agent(),
        "anonymous": None,
        "superuser": make_superuser(),
        "staff": make_staff(),
        "impostor": make_impostor(chain.lr),
    }
    users.update({f"other_{k}": v for k, v in other.people.items()})
    return chain, unregistered, users


# Built once for the module's ~160 cases; each case starts from it (savepoint, fresh copies).
@pytest.fixture(scope="module")
def world_once(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, build_matrix_world) as built:
        yield built


@pytest.fixture
def world(world_once, db):
    return world_once.fresh()


@pytest.mark.parametrize(("action", "profile", "expected"), CASES)
def test_permission_matrix(world, action, profile, expected):
    chain, unregistered, users = world
    user = users[profile]
    client = Client() if user is None else signed_in(user)
    method, url, data = request_for(action, chain, unregistered)
    before = counts()
    response = getattr(client, method)(url, data)
    assert response.status_code == expected, response.content[:2000]
    if profile == "anonymous":
        assert "/accounts/" in response["Location"]
    allowed = expected in (200, 302) and profile != "anonymous"
    if allowed and action not in READ_ONLY:
        assert counts() != before
    else:
        assert counts() == before
    if expected == 403:
        # The explained refusal: who can, and the wizard answer.
        assert b"Who can do it" in response.content or b"Qui peut" in response.content
        assert b"/wizard/" in response.content
