"""portal.db: a hot query compiled once, re-bound per call, prepared on PostgreSQL."""

import datetime as dt

import pytest
from django.db import connection

from accounts.models import User
from accounts.tests.factories import UserFactory
from portal import db

pytestmark = pytest.mark.django_db


def _people(email, joined):
    return (
        User.objects.filter(email=email, date_joined__lte=joined)
        .order_by()
        .values_list("pk", "email")
    )


PEOPLE = db.Statement(_people, email="\x00email", joined=db.MARKER_DATETIME)


def test_a_statement_gives_what_the_orm_gives_for_each_set_of_values():
    first, second = UserFactory(), UserFactory()
    now = dt.datetime.now(dt.UTC)
    for person in (first, second, first):
        assert PEOPLE.rows(email=person.email, joined=now) == [(person.pk, person.email)]
        assert PEOPLE.rows(email=person.email, joined=now) == [
            tuple(row) for row in _people(person.email, now)
        ]
    assert PEOPLE.rows(email=first.email, joined=now - dt.timedelta(days=1)) == []
    assert PEOPLE.rows(email="nobody@example.test", joined=now) == []


def test_a_marker_the_queryset_does_not_use_is_refused_at_once():
    statement = db.Statement(
        lambda email, unused: _people(email, db.MARKER_DATETIME), email="\x00email", unused=-123_456
    )
    if connection.vendor == "postgresql":
        with pytest.raises(ValueError, match="unused"):
            statement.rows(email="x@example.test", unused=1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_on_postgresql_the_statement_is_prepared_and_counted_like_any_query(
    django_assert_num_queries,
):
    person = UserFactory()
    with django_assert_num_queries(1):
        PEOPLE.rows(email=person.email, joined=dt.datetime.now(dt.UTC))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('"accounts_user"."email"' in statement for statement in prepared)


# A constant that needs quoting: a quote, a percent sign (Django's placeholders are `%s`).
ODD_NAME = "O'Brien %s 100%"


def _active_odd_people(email):
    return (
        User.objects.filter(email=email, is_active=True, last_name=ODD_NAME)
        .order_by()
        .values_list("pk")
    )


def test_the_querysets_constants_are_written_in_the_text_and_only_the_values_bound():
    statement = db.Statement(_active_odd_people, email="\x00email")
    odd = UserFactory(last_name=ODD_NAME)
    plain = UserFactory()
    assert statement.rows(email=odd.email) == [(odd.pk,)]
    assert statement.rows(email=plain.email) == []
    if connection.vendor == "postgresql":
        sql, params, _places, _order = statement._compiled["default"]
        # The constants (`is_active`, the name) are in the text, so that a generic plan
        # can use a partial index on them; the e-mail, a value, is the only parameter.
        assert params == ["\x00email"]
        assert "'O''Brien %%s 100%%'" in sql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements: PostgreSQL")
def test_prepared_statements_are_planned_generically_from_their_first_run():
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_generic_plan"
