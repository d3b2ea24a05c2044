"""The mandate actions in the permission matrix: every profile of both enterprises (the
client and its provider) and outsiders, as one table. Each person acts from their own
enterprise's address (a client profile through the client's number, a provider profile
through the provider's, an outsider through the client's). Only the access managers (RAE,
co-RAEs) of the two enterprises see a mandate; anyone else gets 404, even a local manager of
one of them. A refused request changes nothing (every table counted, states included)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from enterprises.tests.factories import EnterpriseFactory
from mandates import rules
from mandates import services as mandate_services
from roles.models import ApplicationGroup
from tests.personas import (
    activate,
    build_chain,
    build_mandates,
    build_world,
    built_once,
    make_agent,
    register,
    signed_in,
)
from tests.security_helpers import snapshot

pytestmark = pytest.mark.django_db

CLIENT = ["lr", "rae", "co_rae", "gl", "co_gl", "user"]
PROVIDER = [f"p_{p}" for p in CLIENT]
OUTSIDERS = ["outsider_rae", "superuser", "staff", "agent", "impostor"]
PROFILES = [*CLIENT, *PROVIDER, *OUTSIDERS, "anonymous"]
LOGIN = 302  # anonymous: to the sign-in page; every allowed act redirects too
NOT_FOUND = dict.fromkeys(PROFILES, 404) | {"anonymous": LOGIN}

MATRIX = {
    # An enterprise's list: its access managers; its other profiles get the explained 403.
    "list": NOT_FOUND
    | {"rae": 200, "co_rae": 200, "lr": 403, "gl": 403, "co_gl": 403}
    | {"p_rae": 200, "p_co_rae": 200, "p_lr": 403, "p_gl": 403, "p_co_gl": 403},
    "export": NOT_FOUND
    | {"rae": 200, "co_rae": 200, "lr": 403, "gl": 403, "co_gl": 403}
    | {"p_rae": 200, "p_co_rae": 200, "p_lr": 403, "p_gl": 403, "p_co_gl": 403},
    "propose": NOT_FOUND
    | {"rae": 302, "co_rae": 302, "lr": 403, "gl": 403, "co_gl": 403}
    | {"p_rae": 302, "p_co_rae": 302, "p_lr": 403, "p_gl": 403, "p_co_gl": 403},
    # One mandate: its two enterprises' access managers only, 404 for anyone else.
    "detail": NOT_FOUND | {"rae": 200, "co_rae": 200, "p_rae": 200, "p_co_rae": 200},
    # The client proposed: the provider answers; the client sees it and gets the explained 403.
    "validate": NOT_FOUND | {"rae": 403, "co_rae": 403, "p_rae": 302, "p_co_rae": 302},
    "refuse": NOT_FOUND | {"rae": 403, "co_rae": 403, "p_rae": 302, "p_co_rae": 302},
    "end": NOT_FOUND | {"rae": 302, "co_rae": 302, "p_rae": 302, "p_co_rae": 302},
    # The mandator's: the provider may not move the client's mandate.
    "transfer": NOT_FOUND | {"rae": 302, "co_rae": 302, "p_rae": 403, "p_co_rae": 403},
    # A file of proposals: sent from one's own enterprise by its access managers.
    "bulk_upload": NOT_FOUND
    | {"rae": 302, "co_rae": 302, "lr": 403, "gl": 403, "co_gl": 403}
    | {"p_rae": 302, "p_co_rae": 302, "p_lr": 403, "p_gl": 403, "p_co_gl": 403},
    # The provider's file: its access managers; the client's see no such file (404).
    "bulk_preview": NOT_FOUND
    | {"lr": 403, "gl": 403, "co_gl": 403}
    | {"p_rae": 302, "p_co_rae": 302, "p_lr": 403, "p_gl": 403, "p_co_gl": 403},
    "bulk_progress": NOT_FOUND
    | {"lr": 403, "gl": 403, "co_gl": 403}
    | {"p_rae": 200, "p_co_rae": 200, "p_lr": 403, "p_gl": 403, "p_co_gl": 403},
    # What waits for each side's answer (the client: the spare's offer; the provider: the
    # client's e-Box proposal), listed and validated all at once.
    "waiting": NOT_FOUND
    | {"rae": 200, "co_rae": 200, "lr": 403, "gl": 403, "co_gl": 403}
    | {"p_rae": 200, "p_co_rae": 200, "p_lr": 403, "p_gl": 403, "p_co_gl": 403},
    "validate_many": NOT_FOUND
    | {"rae": 200, "co_rae": 200, "lr": 403, "gl": 403, "co_gl": 403}
    | {"p_rae": 200, "p_co_rae": 200, "p_lr": 403, "p_gl": 403, "p_co_gl": 403},
    # A mandate of another enterprise through this enterprise's address: 404 for all.
    "other_enterprises_mandate": NOT_FOUND,
}
CASES = [(a, p, s) for a, row in MATRIX.items() for p, s in row.items()]
READ_ONLY = {"list", "export", "detail", "other_enterprises_mandate", "bulk_progress", "waiting"}


def build_matrix_world():
    world = build_world(name="Client Matrix")
    mandates = world.extra["mandates"]
    # An offer waiting for the client's answer: a third secretariat proposes itself.
    offering = EnterpriseFactory(name="Offering Secretariat")
    _lr, offering_rae = register(offering)
    activate(offering, "social-secretariat", actor=offering_rae)
    mandate_services.mandate_propose(
        actor=offering_rae,
        enterprise=offering,
        side=rules.Side.MANDATARY,
        other=world.enterprise,
        group=ApplicationGroup.objects.get(code="ebox"),
        start_date=timezone.localdate() + timedelta(days=3),
    )
    outsider = build_chain(name="Outsider Matrix")
    outsider_mandates = build_mandates(outsider)
    users = {
        **world.chain.people,
        **{f"p_{k}": v for k, v in mandates.provider.people.items() if k in CLIENT},
        "outsider_rae": outsider.rae,
        "superuser": UserFactory(is_staff=True, is_superuser=True, national_number=None),
        "staff": UserFactory(is_staff=True, national_number=None),
        "agent": make_agent(),
        "impostor": UserFactory(declared=True, national_number=world.chain.rae.national_number),
        "anonymous": None,
    }
    return world, outsider_mandates, users


@pytest.fixture(scope="module")
def world_once(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, build_matrix_world) as built:
        yield built


@pytest.fixture
def world(world_once, db):
    return world_once.fresh()


def request_for(action: str, profile: str, world, outsider_mandates):
    mandates = world.extra["mandates"]
    provider_side = profile.startswith("p_")
    number = (mandates.provider.enterprise if provider_side else world.enterprise).number

    def url(name, mandate):
        return reverse(f"mandates:{name}", kwargs={"number": number, "pk": mandate.pk})

    if action == "list":
        return "get", reverse("mandates:list", args=[number]), {}
    if action == "export":
        return "get", reverse("mandates:export", args=[number]), {}
    if action == "propose":
        data = {
            "side": "mandatary" if provider_side else "mandator",
            "other": mandates.spare.number,
            "group": ApplicationGroup.objects.get(code="ebox").pk,
            "start_date": (timezone.localdate() + timedelta(days=2)).isoformat(),
        }
        return "post", reverse("mandates:propose", args=[number]), data
    if action == "detail":
        return "get", url("detail", mandates.active), {}
    if action in ("validate", "refuse"):
        return "post", url(action, mandates.proposed), {}
    if action == "end":
        return "post", url("end", mandates.active), {}
    if action == "transfer":
        data = {
            "other": mandates.spare.number,
            "start_date": rules.next_quarter_start(timezone.localdate()).isoformat(),
        }
        return "post", url("transfer", mandates.active), data
    if action == "bulk_upload":
        start = timezone.localdate() + timedelta(days=2)
        upload = SimpleUploadedFile("p.csv", f"{mandates.spare.number};ebox;{start};".encode())
        return "post", reverse("mandates:bulk_upload", args=[number]), {"file": upload}
    if action in ("bulk_preview", "bulk_progress"):
        return "post" if action == "bulk_preview" else "get", url(action, mandates.batch), {}
    if action == "waiting":
        return "get", reverse("mandates:waiting", args=[number]), {}
    if action == "validate_many":
        return "post", reverse("mandates:validate_many", args=[number]), {"scope": "all"}
    if action == "other_enterprises_mandate":
        return "get", url("detail", outsider_mandates.active), {}
    raise AssertionError(action)


@pytest.mark.parametrize(("action", "profile", "expected"), CASES)
def test_permission_matrix(world, action, profile, expected):
    world, outsider_mandates, users = world
    user = users[profile]
    client = Client() if user is None else signed_in(user)
    method, url, data = request_for(action, profile, world, outsider_mandates)
    before = snapshot()
    response = getattr(client, method)(url, data)
    assert response.status_code == expected, (action, profile, response.content[:500])
    changed = snapshot() != before
    if expected in (200, 302) and user is not None and action not in READ_ONLY:
        assert changed, (action, profile)
    else:
        assert not changed, (action, profile)
    if expected == 403:
        refusal = response.context["refusal"]
        assert refusal.help_slug == "rae-mandates"
        expected_who = (
            rules.ACTIONS[action].who_can if action in rules.ACTIONS else rules.MANAGED_BY
        )
        assert str(refusal.who_can) == str(expected_who)
