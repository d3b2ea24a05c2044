"""The permission matrix of DESIGN.md, at the HTTP level, as one table.

Every action × every profile (of this enterprise and of ANOTHER one): the status code, and
a refused request changes nothing (Designation, EnterpriseQuality, Registration and
AuditEvent rows counted before and after). Each refusal shows the "who can" text and the
wizard answer the chain table (`enterprises/chain.py`) declares for the refused permission.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from accounts.tests.factories import UserFactory, national_number_for
from enterprises import chain as chain_table
from enterprises import services
from enterprises.access import NOT_ALLOWED
from enterprises.models import Designation, EnterpriseQuality, Quality, Registration
from enterprises.tests.conftest import build_chain, person, signed_in
from enterprises.tests.factories import EnterpriseFactory, MandateFactory
from portal.models import AuditEvent
from tests.personas import built_once, make_agent

pytestmark = pytest.mark.django_db

PROFILES = [
    "lr", "rae", "co_rae", "gl", "co_gl", "user", "agent", "anonymous",
    "other_lr", "other_rae", "other_co_rae", "other_gl", "other_co_gl",
    "superuser", "staff", "impostor", "pending",
]  # fmt: skip
# Outsiders to this enterprise: another enterprise's chain; a superuser and a staff member
# with no designation (staff powers are the catalogue, the wizard and the contact centre,
# nothing inside an enterprise); an impostor who typed the legal representative's national
# number on their own account (a declared number unlocks nothing). "pending" was designated
# local manager of the enterprise's quality and has not accepted yet: the designation names a
# national number, not an account, until it is accepted through its link, so the enterprise
# is none of their business yet (404, its page too).
OTHERS = {
    p: 404 for p in PROFILES if p.startswith("other_") or p in ("superuser", "staff", "impostor")
}
LOGIN = 302  # anonymous: to the sign-in page

# action -> expected status per profile (2xx/302 with a change = allowed).
MATRIX = {
    "register": {
        "lr": 302, "rae": 403, "co_rae": 403, "gl": 403, "co_gl": 403, "user": 403,
        "agent": 403, "anonymous": LOGIN, **dict.fromkeys(OTHERS, 403), "pending": 403,
    },
    "replace_rae": {
        "lr": 302, "rae": 403, "co_rae": 403, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    "designate_co_rae": {
        "lr": 403, "rae": 302, "co_rae": 403, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    "activate_quality": {
        "lr": 403, "rae": 302, "co_rae": 302, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    "deactivate_quality": {
        "lr": 403, "rae": 302, "co_rae": 302, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    "designate_gl": {
        "lr": 403, "rae": 302, "co_rae": 302, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    "designate_co_gl": {
        "lr": 403, "rae": 302, "co_rae": 302, "gl": 302, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    "revoke_gl": {
        "lr": 403, "rae": 302, "co_rae": 302, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    "view_chain": {
        "lr": 200, "rae": 200, "co_rae": 200, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    "contact_centre_lookup": {
        **dict.fromkeys(PROFILES, 403), "agent": 200, "anonymous": LOGIN,
    },
    # The enterprise's page: everyone of its chain, and whoever has a designation pending.
    "enterprise_page": {
        "lr": 200, "rae": 200, "co_rae": 200, "gl": 200, "co_gl": 200, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    # Ending a co-RAE designated by the RAE: the RAE only (no legal representative).
    "revoke_co_rae": {
        "lr": 403, "rae": 302, "co_rae": 403, "gl": 403, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    # Ending a co-local manager: who sits above it (the GL of its quality, the RAE, a co-RAE).
    "revoke_co_gl": {
        "lr": 403, "rae": 302, "co_rae": 302, "gl": 302, "co_gl": 403, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    # Registering an enterprise already registered: refused to everyone, its LR included.
    "register_again": {
        **dict.fromkeys(PROFILES, 403), "anonymous": LOGIN,
    },
    # An unknown designation of this enterprise, an unknown enterprise: 404.
    "revoke_unknown": {
        "lr": 404, "rae": 404, "co_rae": 404, "gl": 404, "co_gl": 404, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
    "unknown_enterprise_page": {
        **dict.fromkeys(PROFILES, 404), "anonymous": LOGIN,
    },
    # An unknown quality of this enterprise: 404 before any question of permission.
    "designate_gl_unknown_quality": {
        "lr": 404, "rae": 404, "co_rae": 404, "gl": 404, "co_gl": 404, "user": 404,
        "agent": 404, "anonymous": LOGIN, **OTHERS, "pending": 404,
    },
}  # fmt: skip
READ_ONLY = {"view_chain", "enterprise_page", "unknown_enterprise_page"}

RULES = chain_table.RULES
Kind = chain_table.Kind
# The permission each action's refusal explains, read from the chain table: swapping two
# refusals in the code (or in the table's rows) fails the matrix.
REFUSED_PERMISSION = {
    "register": chain_table.LEGAL_REPRESENTATIVE,
    "replace_rae": RULES[Kind.RAE].designated_by,
    "designate_co_rae": RULES[Kind.CO_RAE].designated_by,
    "activate_quality": RULES[Kind.GL].designated_by,
    "deactivate_quality": RULES[Kind.GL].designated_by,
    "designate_gl": RULES[Kind.GL].designated_by,
    "designate_co_gl": RULES[Kind.CO_GL].designated_by,
    "revoke_gl": RULES[Kind.GL].ended_by,
    "revoke_co_rae": RULES[Kind.CO_RAE].ended_by,
    "revoke_co_gl": RULES[Kind.CO_GL].ended_by,
    "register_again": chain_table.LEGAL_REPRESENTATIVE,
    "view_chain": "view_chain",
}

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
    if action == "revoke_co_rae":
        co_rae = Designation.objects.get(person=chain.co_rae, kind=Kind.CO_RAE)
        return "post", reverse("enterprises:revoke", args=[number, co_rae.pk]), {}
    if action == "revoke_co_gl":
        co_gl = Designation.objects.get(person=chain.co_gl, kind=Kind.CO_GL)
        return "post", reverse("enterprises:revoke", args=[number, co_gl.pk]), {}
    if action == "register_again":
        url = reverse("enterprises:register_designate", kwargs={"number": number})
        return "post", url, request_for("register", chain, unregistered)[2]
    if action == "revoke_unknown":
        unknown = Designation.objects.order_by("-pk").first().pk + 1000
        return "post", reverse("enterprises:revoke", args=[number, unknown]), {}
    if action == "unknown_enterprise_page":
        return "get", reverse("enterprises:detail", args=[unregistered_number()]), {}
    if action == "designate_gl_unknown_quality":
        unknown = EnterpriseQuality.objects.order_by("-pk").first().pk + 1000
        url = reverse("enterprises:designate_gl", args=[number, unknown])
        return "post", url, new_person()
    if action == "view_chain":
        return "get", reverse("enterprises:chain", args=[number]), {}
    if action == "enterprise_page":
        return "get", reverse("enterprises:detail", args=[number]), {}
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


def _pending_gl(chain):
    pending = UserFactory()
    designation = services.gl_designate(
        actor=chain.rae, enterprise_quality=chain.employer, person=person(pending), kind=Kind.GL
    )
    assert designation.is_pending
    return pending


def unregistered_number() -> str:
    """A valid enterprise number no enterprise of the test has."""
    from enterprises.tests.factories import enterprise_number_for

    return enterprise_number_for(8_999_999)


# The registration's refusals that are not the chain's: the wizard answer each shows.
REGISTRATION_SLUGS = {"unverified": "lr-register", "already_registered": "lr-designate-rae"}


def expected_refusal(action: str, user, chain) -> chain_table.Refusal | str | None:
    """What the refusal page must say: the chain table's refusal, or only the wizard slug
    where the refusal is the registration's own; None for the contact centre's."""
    if action in ("register", "register_again"):
        if not user.verified_national_number:
            return REGISTRATION_SLUGS["unverified"]
        if action == "register_again" and user == chain.lr:
            return REGISTRATION_SLUGS["already_registered"]
    perm = REFUSED_PERMISSION.get(action)
    return chain_table.REFUSALS[perm] if perm else None


def assert_refusal_shown(response, refusal: chain_table.Refusal) -> None:
    shown = response.context["refusal"]
    assert (str(shown.who_can), shown.help_slug) == (str(refusal.who_can), refusal.help_slug)
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        text = escape(str(refusal.who_can))
    body = response.content.decode()
    assert text in body
    assert reverse("wizard:page", kwargs={"slug": refusal.help_slug}) in body


def build_matrix_world():
    chain = build_chain(name="Alpha SRL")
    other = build_chain(name="Beta SA")
    unregistered = EnterpriseFactory(name="Gamma SC")
    MandateFactory(enterprise=unregistered, national_number=chain.lr.national_number)
    users = {
        **chain.people,
        "agent": make_agent(),
        "anonymous": None,
        "superuser": UserFactory(is_staff=True, is_superuser=True, national_number=None),
        "staff": UserFactory(is_staff=True, national_number=None),
        "impostor": UserFactory(declared=True, national_number=chain.lr.national_number),
        "pending": _pending_gl(chain),
    }
    users.update({f"other_{k}": v for k, v in other.people.items()})
    return chain, unregistered, users


# Built once for the module's few hundred cases; each case starts from it (its own savepoint,
# fresh copies of the objects): see tests/personas.py `built_once`.
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
        refusal = expected_refusal(action, user, chain)
        if isinstance(refusal, str):
            assert response.context["refusal"].help_slug == refusal
        elif refusal is not None:
            assert_refusal_shown(response, refusal)
        if not action.startswith("register") and refusal is not None:
            # The registration's refusals give their own reason; the others the common one.
            assert str(response.context["refusal"].reason) == str(NOT_ALLOWED)


# --- Which legal representative may end a co-RAE designated at registration -------------------

# The legal representative who designated the co-RAE when registering the enterprise may end
# it (as the RAE may); another legal representative of the same enterprise may not.
CO_RAE_OF_REGISTRATION = {
    "registering_lr": 302,
    "second_lr": 403,
    "rae": 302,
    "other_co_rae": 403,
    "user": 404,
}


@pytest.fixture
def registration_world(db):
    enterprise = EnterpriseFactory(name="Delta SRL")
    lr, second_lr, rae, co_rae, other_co_rae, user = (UserFactory() for _ in range(6))
    for representative in (lr, second_lr):
        MandateFactory(enterprise=enterprise, national_number=representative.national_number)
    services.enterprise_register(
        actor=lr, enterprise=enterprise, rae=person(rae), co_raes=[person(co_rae)]
    )
    for invited in (rae, co_rae):
        designation = Designation.objects.get(
            enterprise=enterprise, national_number=invited.national_number
        )
        services.designation_accept(actor=invited, designation=designation)
    co_rae_by_rae = services.co_rae_designate(
        actor=rae, enterprise=enterprise, person=person(other_co_rae)
    )
    services.designation_accept(actor=other_co_rae, designation=co_rae_by_rae)
    target = Designation.objects.get(enterprise=enterprise, person=co_rae)
    assert target.designated_by == lr
    people = {
        "registering_lr": lr,
        "second_lr": second_lr,
        "rae": rae,
        "other_co_rae": other_co_rae,
        "user": user,
    }
    return enterprise, target, people


@pytest.mark.parametrize(("profile", "expected"), sorted(CO_RAE_OF_REGISTRATION.items()))
def test_who_ends_a_co_rae_designated_at_registration(registration_world, profile, expected):
    enterprise, target, people = registration_world
    client = signed_in(people[profile])
    before = counts()
    response = client.post(reverse("enterprises:revoke", args=[enterprise.number, target.pk]))
    assert response.status_code == expected
    target.refresh_from_db()
    if expected == 302:
        assert target.status == Designation.Status.REVOKED
        assert counts() != before
    else:
        assert target.status == Designation.Status.ACTIVE
        assert counts() == before
    if expected == 403:
        assert_refusal_shown(response, RULES[Kind.CO_RAE].refusal_to_end)


# --- What each profile sees on the enterprise page ----------------------------------------------

# The actions the page offers, by the URL each links to.
PAGE_LINKS = {
    "whole_chain": lambda number, eq: reverse("enterprises:chain", args=[number]),
    "replace_rae": lambda number, eq: reverse("enterprises:replace_rae", args=[number]),
    "designate_co_rae": lambda number, eq: reverse("enterprises:designate_co_rae", args=[number]),
    "activate_quality": lambda number, eq: reverse("enterprises:quality_activate", args=[number]),
    "designate_gl": lambda number, eq: reverse("enterprises:designate_gl", args=[number, eq]),
    "designate_co_gl": lambda number, eq: reverse("enterprises:designate_co_gl", args=[number, eq]),
    "manage_roles": lambda number, eq: reverse("roles:list", args=[eq]),
}
# profile -> (sees the whole chain, qualities listed as its own, the links offered, help slug)
ENTERPRISE_PAGE = {
    "lr": (False, False, {"whole_chain", "replace_rae"}, "lr-designate-rae"),
    "rae": (
        True, False,
        {"whole_chain", "designate_co_rae", "activate_quality", "designate_gl", "designate_co_gl"},
        "rae-who-is",
    ),
    "co_rae": (
        True, False, {"whole_chain", "activate_quality", "designate_gl", "designate_co_gl"},
        "rae-who-is",
    ),
    "gl": (False, True, {"manage_roles", "designate_co_gl"}, "gl-designate-co-gl"),
    # A co-local manager manages the roles of its quality, and designates no one.
    "co_gl": (False, True, {"manage_roles"}, "gl-designate-co-gl"),
}  # fmt: skip


@pytest.mark.parametrize("profile", sorted(ENTERPRISE_PAGE))
def test_what_each_profile_sees_on_the_enterprise_page(world, profile):
    chain, _unregistered, users = world
    full, lists_own_quality, links, help_slug = ENTERPRISE_PAGE[profile]
    number, eq = chain.enterprise.number, chain.employer.pk
    response = signed_in(users[profile]).get(reverse("enterprises:detail", args=[number]))
    assert response.status_code == 200
    assert response.context["chain"]["full"] is full
    managed = [entry["enterprise_quality"].pk for entry in response.context["managed"]]
    assert managed == ([eq] if lists_own_quality else [])
    assert response.context["help_slug"] == help_slug
    body = response.content.decode()
    offered = {name for name, url in PAGE_LINKS.items() if f'href="{url(number, eq)}' in body}
    # The LR's diagram link is the chain's page too.
    assert offered == links


def test_a_pending_designation_opens_nothing_until_it_is_accepted(world):
    chain, _unregistered, users = world
    client = signed_in(users["pending"])
    url = reverse("enterprises:detail", args=[chain.enterprise.number])
    assert client.get(url).status_code == 404
    designation = Designation.objects.get(
        national_number=users["pending"].verified_national_number, kind=Kind.GL
    )
    services.designation_accept(actor=users["pending"], designation=designation)
    response = client.get(url)
    assert response.status_code == 200
    managed = [entry["enterprise_quality"].pk for entry in response.context["managed"]]
    assert managed == [chain.employer.pk]


def test_an_inactive_enterprise_cannot_be_registered(world):
    chain, unregistered, _users = world
    unregistered.status = unregistered.Status.STOPPED
    unregistered.save()
    _method, url, data = request_for("register", chain, unregistered)
    before = counts()
    response = signed_in(chain.lr).post(url, data)
    assert response.status_code == 403
    assert_refusal_shown(response, chain_table.REFUSALS[chain_table.LEGAL_REPRESENTATIVE])
    assert counts() == before
