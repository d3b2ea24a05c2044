"""Persona fixtures for role management, built through the services (tests/personas.py).

Each fixture builds only what it needs: `eq` is the "employer" quality of an enterprise
registered by its legal representative and activated by its RAE; `gl` and `co_gl` are
designated by that RAE and have accepted, so their grants are the portal's own.
"""

import pytest

from accounts.tests.factories import UserFactory
from enterprises.models import Designation, Quality
from enterprises.tests.factories import EnterpriseFactory
from roles.models import Role
from tests.personas import (
    activate,
    ensure_catalogue,
    make_agent,
    make_co_rae,
    make_gl,
    register,
)


@pytest.fixture
def employer():
    ensure_catalogue()
    return Quality.objects.get(code="employer")


@pytest.fixture
def enterprise():
    return EnterpriseFactory(name="Boulangerie Dupont")


@pytest.fixture
def _registered(enterprise):
    """(legal representative, RAE) of `enterprise`, registered through the services."""
    return register(enterprise)


@pytest.fixture
def legal_representative(_registered):
    return _registered[0]


@pytest.fixture
def rae(_registered):
    return _registered[1]


@pytest.fixture
def co_rae(enterprise, rae):
    return make_co_rae(enterprise, by=rae)


@pytest.fixture
def eq(enterprise, employer, rae):
    return activate(enterprise, employer.code, actor=rae)


@pytest.fixture
def gl(eq, rae):
    return make_gl(eq, by=rae)


@pytest.fixture
def co_gl(eq, rae):
    return make_gl(eq, kind=Designation.Kind.CO_GL, by=rae)


@pytest.fixture
def other_eq(employer):
    other = EnterpriseFactory(name="Autre SA")
    _lr, rae = register(other)
    return activate(other, employer.code, actor=rae)


@pytest.fixture
def other_gl(other_eq):
    return make_gl(other_eq)


@pytest.fixture
def agent():
    return make_agent()


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
