"""The mandates' personas: a client enterprise and a social-secretariat provider, each with
its whole chain built through the services (tests/personas.py)."""

from datetime import date

import pytest

from mandates import rules
from roles.models import ApplicationGroup
from tests.personas import build_chain, build_provider


@pytest.fixture
def client_chain(db):
    return build_chain(name="Client Bakery")


@pytest.fixture
def provider(db):
    return build_provider(name="Provider Secretariat")


@pytest.fixture
def other_provider(db):
    return build_provider(name="Other Secretariat")


@pytest.fixture
def declarations(db):
    return ApplicationGroup.objects.get(code="social-security-declarations")


@pytest.fixture
def ebox(db):
    return ApplicationGroup.objects.get(code="ebox")


@pytest.fixture
def next_quarter() -> date:
    return rules.next_quarter_start(date.today())
