"""Two concurrent RAE designations leave exactly one active RAE (PostgreSQL only: SQLite
serialises every write anyway)."""

import os

import pytest
from django.db import connection

from accounts.tests.factories import UserFactory
from enterprises import services
from enterprises.models import Designation
from enterprises.tests.factories import EnterpriseFactory, MandateFactory
from tests.concurrency import run_together
from tests.personas import person

# Decided before any database set-up: a transactional test on SQLite cannot even flush
# (the audit table's append-only triggers forbid DELETE).
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    assert connection.vendor == "postgresql"


def test_two_concurrent_self_designations_as_rae_leave_one_active():
    enterprise = EnterpriseFactory()
    first, second = UserFactory(), UserFactory()
    for lr in (first, second):
        MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    services.enterprise_register(actor=first, enterprise=enterprise, rae=person(UserFactory()))

    for _round in range(3):
        outcomes = run_together(
            lambda: services.rae_replace(actor=first, enterprise=enterprise, person=person(first)),
            lambda: services.rae_replace(
                actor=second, enterprise=enterprise, person=person(second)
            ),
        )
        active = Designation.objects.filter(enterprise=enterprise, kind="rae", status="active")
        assert active.count() == 1, outcomes
        holder = active.get().person
        assert holder.has_perm("enterprises.designate_co_rae", enterprise)
        other = second if holder == first else first
        assert not other.has_perm("enterprises.designate_co_rae", enterprise)


def test_two_concurrent_acceptances_leave_one_active_rae():
    enterprise = EnterpriseFactory()
    lr, a, b = UserFactory(), UserFactory(), UserFactory()
    MandateFactory(enterprise=enterprise, national_number=lr.national_number)
    services.enterprise_register(actor=lr, enterprise=enterprise, rae=person(a))
    # A second pending RAE row, as if two replacements crossed (bypassing the service that
    # would cancel the first): acceptance must still keep one active RAE.
    first = Designation.objects.get(enterprise=enterprise, kind="rae")
    second = Designation.objects.create(
        enterprise=enterprise,
        kind="rae",
        national_number=b.national_number,
        first_name=b.first_name,
        last_name=b.last_name,
        email=b.email,
        designated_by=lr,
    )
    outcomes = run_together(
        lambda: services.designation_accept(actor=a, designation=first),
        lambda: services.designation_accept(actor=b, designation=second),
    )
    assert (
        Designation.objects.filter(enterprise=enterprise, kind="rae", status="active").count() == 1
    ), outcomes
