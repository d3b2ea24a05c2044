"""Persona fixtures for role management.

Local managers get their guardian permission directly here; once the enterprises
designation service exists this fixture will go through it instead.
"""

import pytest
from guardian.shortcuts import assign_perm

from accounts.tests.factories import UserFactory
from enterprises.models import Quality
from enterprises.tests.factories import (
    DesignationFactory,
    EnterpriseFactory,
    EnterpriseQualityFactory,
    MandateFactory,
)
from roles.models import Role


def make_gl(eq, *, kind="gl", person=None):
    person = person or UserFactory()
    DesignationFactory(kind=kind, enterprise=eq.enterprise, enterprise_quality=eq, person=person)
    assign_perm("enterprises.manage_roles", person, eq)
    if kind == "gl":
        assign_perm("enterprises.designate_co_gl", person, eq)
    return person


def make_rae(enterprise, *, kind="rae", person=None):
    person = person or UserFactory()
    DesignationFactory(kind=kind, enterprise=enterprise, person=person)
    assign_perm("enterprises.view_chain", person, enterprise)
    assign_perm("enterprises.manage_enterprise", person, enterprise)
    if kind == "rae":
        assign_perm("enterprises.designate_co_rae", person, enterprise)
    return person


def ensure_catalogue() -> None:
    """The catalogue comes from a data migration; a transactional test elsewhere may have
    flushed it, so put it back when missing (same code as the migration)."""
    if Role.objects.filter(code="dimona-declaration").exists():
        return
    from importlib import import_module

    from django.apps import apps

    import_module("roles.migrations.0002_catalogue").forwards(apps, None)


@pytest.fixture
def employer():
    ensure_catalogue()
    return Quality.objects.get(code="employer")


@pytest.fixture
def enterprise():
    return EnterpriseFactory(name="Boulangerie Dupont")


@pytest.fixture
def eq(enterprise, employer):
    return EnterpriseQualityFactory(enterprise=enterprise, quality=employer)


@pytest.fixture
def gl(eq):
    return make_gl(eq)


@pytest.fixture
def co_gl(eq):
    return make_gl(eq, kind="co_gl")


@pytest.fixture
def other_eq(employer):
    return EnterpriseQualityFactory(enterprise=EnterpriseFactory(name="Autre SA"), quality=employer)


@pytest.fixture
def other_gl(other_eq):
    return make_gl(other_eq)


@pytest.fixture
def rae(enterprise):
    return make_rae(enterprise)


@pytest.fixture
def co_rae(enterprise):
    return make_rae(enterprise, kind="co_rae")


@pytest.fixture
def legal_representative(enterprise):
    person = UserFactory()
    MandateFactory(enterprise=enterprise, national_number=person.national_number)
    return person


@pytest.fixture
def agent():
    from django.contrib.auth.models import Group

    from portal.groups import CONTACT_CENTRE

    person = UserFactory(is_staff=True)
    group, _ = Group.objects.get_or_create(name=CONTACT_CENTRE)
    person.groups.add(group)
    return person


@pytest.fixture
def person():
    return UserFactory(first_name="Marie", last_name="Peeters", language="nl")


@pytest.fixture
def dimona(employer):
    return Role.objects.get(code="dimona-declaration")


@pytest.fixture
def dimona_read(employer):
    return Role.objects.get(code="dimona-consultation")


@pytest.fixture
def foreign_role(employer):
    # A role under another quality (social secretariat): never offered to an employer's GL.
    return Role.objects.get(code="mandates-manage")
