"""The world of the whole-site tests (tests/personas.py), built once per module.

Building it is most of these tests' cost (the security files parametrise hundreds of cases
over it): each module builds it once, in a transaction rolled back at the module's end, and
each test gets it fresh, in a savepoint (see `personas.built_once`).
"""

import pytest

from .personas import build_world, built_once


@pytest.fixture(scope="module")
def world_once(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker, build_world) as built:
        yield built


@pytest.fixture
def world(world_once, db):
    return world_once.fresh()
