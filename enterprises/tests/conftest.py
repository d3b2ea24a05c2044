"""The persona fixtures of the enterprises tests: a whole chain built through the services
(tests/personas.py, shared by every test of the portal)."""

import pytest

from tests.personas import (  # noqa: F401  (re-exported: the enterprises tests import them here)
    Chain,
    build_chain,
    designate_and_accept,
    make_agent,
    person,
    signed_in,
)


@pytest.fixture
def chain(db) -> Chain:
    return build_chain()


@pytest.fixture
def agent(db):
    return make_agent()
