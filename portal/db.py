"""Queries on a hot path, compiled once per process and planned once per connection.

Django's PostgreSQL backend binds parameters on the client: PostgreSQL receives each query
as new text and plans it again, which for a query of a few joins costs more than running
it (about 1 ms of planning for 0.1 ms of execution, measured on the decision API's
question), and the ORM builds and compiles the queryset again (about 0.7 ms). A `Statement`
compiles the ORM's own SQL once and sends it with server-side binding as a prepared
statement (psycopg keeps the last hundred of each connection), so PostgreSQL reuses the
plan. The SQL is the ORM's, built from the same querysets as everywhere else: only how it
is sent changes. The cursor is Django's own wrapper, so the query is logged and counted
like any other (`django_assert_num_queries`).

A prepared statement is soon run with a generic plan (PostgreSQL's `plan_cache_mode`
auto: after five runs), planned without the values of its parameters. A partial index
whose predicate names a constant (`WHERE status = 'active'`) can then be used only if that
constant is written in the query's text, not bound: so the constants of the queryset (its
statuses, types, keys: every parameter that is not one of the statement's values) are
written into the SQL as literals, quoted by psycopg, and only the values are bound. Without
it the decision API's question was planned through the person's index and read all of a
person's attributions (2.5 ms for a holder of 800, against 0.1 ms through the partial
unique index).

Only for the few queries that run on every call of an API: the ORM does not promise that
every query it generates can be prepared (Django ticket #20516), and these are tested.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable

from django.db import connections


def _run(connection, sql, params) -> list[tuple]:
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's automatic preparing off (poolers in transaction mode),
        # which also refuses `prepare=True`. Client-side-binding cursors (every other
        # query of Django's) never prepare: a threshold no query reaches lets only the
        # statements asked for here be prepared.
        raw.prepare_threshold = 2**31
    # Django's own cursor class with psycopg's server-side binding, in Django's wrapper.
    with connection._prepare_cursor(_preparing_cursor()(raw)) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@functools.cache
def _preparing_cursor():
    """Django's server-side-binding cursor class, each statement prepared (imported here:
    the class exists only with psycopg 3, which SQLite set-ups need not have)."""
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, **kwargs):
            kwargs.setdefault("prepare", True)
            return super().execute(query, params, **kwargs)

    return PreparingCursor


class Statement:
    """A hot query built and compiled by the ORM once per process, then only re-bound.

    `build(**values)` returns the `values_list` queryset for those values. It is called
    once, with a marker for each value (a distinctive value of its type, given at
    construction), and the places of the markers among the compiled parameters are kept;
    `rows(**values)` then puts its values in those places and runs the same SQL,
    prepared. Building and compiling a queryset of a few joins costs more than a prepared
    run of it; the SQL is still exactly the ORM's. Values must reach the database
    as given (integers, strings, dates, aware datetimes: what PostgreSQL's adapter takes
    unchanged); on another database the queryset is simply built each time."""

    def __init__(self, build: Callable, **markers):
        self._build = build
        self._markers = markers
        self._compiled: dict[str, tuple[str, list, dict[str, list[int]], list | None]] = {}

    def rows(self, using: str = "default", **values) -> list[tuple]:
        connection = connections[using]
        if connection.vendor != "postgresql":
            return [tuple(row) for row in self._build(**values).using(using)]
        if using not in self._compiled:
            self._compiled[using] = self._compile(using)
        sql, params, places, order = self._compiled[using]
        bound = list(params)
        for name, indexes in places.items():
            for index in indexes:
                bound[index] = values[name]
        rows = _run(connection, sql, bound)
        if order is not None:
            rows = [tuple(row[i] for i in order) for row in rows]
        return rows

    def _compile(self, using):
        queryset = self._build(**self._markers).using(using)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        params = list(params)
        # The compiler may select the columns in another order than `values_list` names
        # them (with an ordering on some of them): the rows are put back in the asked order.
        aliases = [alias for _expression, _sql, alias in compiler.select[: compiler.col_count]]
        names = list(queryset._fields or ())
        order = None
        if names and aliases != names and sorted(aliases) == sorted(names):
            order = [aliases.index(name) for name in names]
        places = {
            name: [i for i, param in enumerate(params) if _same(param, marker)]
            for name, marker in self._markers.items()
        }
        missing = [name for name, indexes in places.items() if not indexes]
        if missing:
            raise ValueError(f"markers not found among the parameters: {missing}")
        bound = sorted(i for indexes in places.values() for i in indexes)
        sql = _inline_constants(connections[using], sql, params, set(bound))
        renumber = {old: new for new, old in enumerate(bound)}
        places = {name: [renumber[i] for i in indexes] for name, indexes in places.items()}
        return sql, [params[i] for i in bound], places, order


# A placeholder, or an escaped percent sign (which is not one).
_PLACEHOLDER = re.compile(r"%%|%s")


def _inline_constants(connection, sql: str, params: list, bound: set[int]) -> str:
    """`sql` with the parameters whose index is not in `bound` written as quoted literals
    (psycopg's quoting, for this connection), the others left as placeholders."""
    from psycopg import sql as psycopg_sql

    connection.ensure_connection()
    index = -1

    def replace(match):
        nonlocal index
        if match.group() == "%%":
            return "%%"
        index += 1
        if index in bound:
            return "%s"
        value = params[index]
        # Plain types: psycopg adapts the builtins, not Django's choices subclasses.
        for plain in (bool, int, float, str):
            if isinstance(value, plain):
                value = plain(value)
                break
        literal = psycopg_sql.Literal(value).as_string(connection.connection)
        return literal.replace("%", "%%")

    return _PLACEHOLDER.sub(replace, sql)


def _same(param, marker) -> bool:
    return type(param) is type(marker) and param == marker


# Markers for `Statement`: values no real parameter has.
MARKER_DATE = dt.date(1111, 11, 11)
MARKER_DATETIME = dt.datetime(1111, 11, 11, tzinfo=dt.UTC)
