"""The PostgreSQL fast path of `import_cbe`: COPY into staging tables, set-based validation,
INSERT ... ON CONFLICT upserts, all in one transaction. The rules are those of
`enterprises/importer.py` (read its docstring first).

Why it is fast and small:

* Python only parses the CSV (the shared `_rows`, so the structural checks and the line
  numbers are the same) and streams the rows with their line numbers through COPY into TEMP
  tables (no WAL, the session's own buffers). Nothing grows with the registry in this process.
* Each file is validated by a scan or two in SQL. The rules are written for the rows as the
  registry writes them (a number "0403.170.701", a date "14-03-2011"); any other writing of a
  number is normalised by the shared Python functions first (a handful of rows, or none), and
  every row the SQL refuses is handed to the shared `check_*` function, which gives the reason
  of the report (and must refuse it too: a row the two disagree on stops the import loudly).
* The writes compare before they write (`IS DISTINCT FROM`): a re-import of unchanged data
  leaves the tables, their indexes and the WAL alone, and locks no row it does not change.
* Mandates absent from the file are found by one anti-join, not by timestamps.

`report.timings` says where the time went (streaming+COPY, validation, each write).
"""

from __future__ import annotations

import heapq
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import psycopg
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.validators import normalize_national_number
from enterprises.importer import (
    _MANDATE_MAX,
    _MAX,
    CODE_FILE,
    COLUMNS,
    DELETE_COLUMNS,
    DELETE_ESTABLISHMENTS,
    FALSE_VALUES,
    LANGUAGE_RANK,
    NL_COLUMN_LANGUAGES,
    RANK_LANGUAGE,
    ROLES,
    TRUE_VALUES,
    ErrorList,
    Files,
    ImportReport,
    MalformedImport,
    RowError,
    RowInvalid,
    _rows,
    check_address,
    check_deleted,
    check_denomination,
    check_enterprise,
    check_mandate,
    finish,
    read_code_file,
    write_juridical_forms,
)
from enterprises.numbers import normalize_enterprise_number

# Rows written past which the table is analysed at once (autovacuum's analyse may come late,
# or be off): the statements that follow, and the next import, plan with its real size.
ANALYSE_AFTER = 10_000
# Serialises imports (two at once would fight over the same rows): any constant of our own.
ADVISORY_LOCK = 0x0CBE_1A70
# Staging columns, in the order of the shared readers' row tuples.
STAGE_COLUMNS = {
    "enterprise": ("number", "status", "form", "form_cac", "start"),
    "denomination": ("number", "language", "kind", "text"),
    "address": (
        "number",
        "kind",
        "zipcode",
        "town_nl",
        "town_fr",
        "street_nl",
        "street_fr",
        "house",
        "box",
        "struck",
    ),
    "mandates": (
        "number",
        "national_number",
        "first_name",
        "last_name",
        "function",
        "signing",
        "start",
        "finish",
    ),
}
assert all(len(STAGE_COLUMNS[r]) == len(COLUMNS[r]) for r in ROLES)


# --- The rules in SQL (expressions over a text column; only rows as the registry writes them)


def _compact(column: str) -> str:
    return f"replace(replace({column}, '.', ''), ' ', '')"


def _enterprise_number(column: str) -> str:
    """The ten digits when valid (stdnum's be.vat on such a writing), else NULL.

    Nested CASEs: PostgreSQL does not promise the order of an AND's operands, and the casts
    must only see digits."""
    c = _compact(column)
    return (
        f"(CASE WHEN {c} ~ '^[01][0-9]{{9}}$' THEN CASE WHEN {c} <> '0000000000' "
        f"AND (substr({c}, 1, 8)::int + substr({c}, 9, 2)::int) % 97 = 0 THEN {c} END END)"
    )


def _canonical_number(column: str) -> str:
    """The number is written as digits, dots and spaces only: the SQL decides it."""
    return f"({_compact(column)} ~ '^[0-9]{{10}}$')"


def _establishment(column: str) -> str:
    # As `is_establishment_number`: the first character 2 to 8, then ten ASCII digits.
    return (
        f"(left({column}, 1) IN ('2', '3', '4', '5', '6', '7', '8') "
        f"AND {_compact(column)} ~ '^[0-9]{{10}}$')"
    )


def _national_number(column: str, year: int) -> str:
    """The eleven digits when valid (stdnum's be.nn on such a writing), else NULL: not all
    zeros, a month 00 to 12, the check digits of a birth in the 1900s or (if that year has
    come) the 2000s."""
    c = f"translate({column}, ' -.', '')"
    check = f"substr({c}, 10, 2)::int"
    return (
        f"(CASE WHEN {c} ~ '^[0-9]{{11}}$' THEN CASE WHEN {c} <> '00000000000' "
        f"AND substr({c}, 3, 2)::int <= 12 AND ("
        f"97 - (substr({c}, 1, 9)::bigint % 97) = {check} "
        f"OR (substr({c}, 1, 2)::int + 2000 <= {year} "
        f"AND 97 - (('2' || substr({c}, 1, 9))::bigint % 97) = {check})"
        f") THEN {c} END END)"
    )


def _canonical_national_number(column: str) -> str:
    return f"(translate({column}, ' -.', '') ~ '^[0-9]{{11}}$')"


def _ymd(y: str, m: str, d: str) -> str:
    days = (
        f"(CASE WHEN {m} IN (4, 6, 9, 11) THEN 30 WHEN {m} = 2 THEN CASE WHEN "
        f"({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0 THEN 29 ELSE 28 END ELSE 31 END)"
    )
    return (
        f"CASE WHEN {y} >= 1 AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {days} "
        f"THEN make_date({y}, {m}, {d}) END"
    )


def _date(column: str) -> str:
    """The date of dd-mm-yyyy or yyyy-mm-dd (as `parse_date`), else NULL (empty too)."""
    dmy = [f"substr({column}, {a}, {b})::int" for a, b in ((7, 4), (4, 2), (1, 2))]
    ymd = [f"substr({column}, {a}, {b})::int" for a, b in ((1, 4), (6, 2), (9, 2))]
    return (
        f"(CASE WHEN {column} ~ '^[0-9]{{2}}-[0-9]{{2}}-[0-9]{{4}}$' THEN {_ymd(*dmy)} "
        f"WHEN {column} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$' THEN {_ymd(*ymd)} END)"
    )


def _date_ok(column: str) -> str:
    return f"({column} = '' OR {_date(column)} IS NOT NULL)"


def _values(values) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in sorted(values))


def _display(column: str) -> str:
    """The number as `Enterprise.number_display` writes it (0403.170.701)."""
    parts = (f"substr({column}, {a}, {b})" for a, b in ((1, 4), (5, 3), (8, 3)))
    return "(" + " || '.' || ".join(parts) + ")"


def _language(rank: str) -> str:
    """The language of the chosen name, from its rank (importer.RANK_LANGUAGE)."""
    cases = " ".join(f"WHEN {r} THEN '{language}'" for r, language in RANK_LANGUAGE.items())
    return f"(CASE {rank} {cases} ELSE '' END)"


# The rank of a denomination's language (importer.LANGUAGE_RANK).
RANK = (
    "(CASE language "
    + " ".join(f"WHEN '{code}' THEN {rank}" for code, rank in LANGUAGE_RANK.items())
    + " END)"
)
SIGNING = _values(TRUE_VALUES | FALSE_VALUES)
SIGNING_TRUE = _values(TRUE_VALUES)
# Names that get the NL columns of the address (importer.NL_COLUMN_LANGUAGES), by language
# and by rank.
NL_LANGUAGES = f"({_values(NL_COLUMN_LANGUAGES)})"
NL_RANKS = (
    "("
    + ", ".join(str(r) for r, language in RANK_LANGUAGE.items() if language in NL_COLUMN_LANGUAGES)
    + ")"
)

ENTERPRISE_COLUMNS_WRITTEN = (
    "created_at, updated_at, number, name, name_language, abbreviation, commercial_name, "
    "juridical_form, status, start_date, street, house_number, box, zipcode, municipality, "
    "registry_stopped_at"
)
NAME_FIELDS = ("name", "name_language", "abbreviation", "commercial_name")
ADDRESS_FIELDS = ("street", "house_number", "box", "zipcode", "municipality")
MANDATE_FIELDS = ("first_name", "last_name", "signing_authority", "start_date", "end_date")


class Disagreement(RuntimeError):
    """The SQL refused a row the shared Python rules accept: a bug, never bad data."""


class _PostgresImport:
    def __init__(self, directory: Path, files: Files, report: ImportReport, batch_size: int):
        self.directory = directory
        self.files = files
        self.report = report
        self.batch_size = max(batch_size, 100)
        self.where = files.unknown
        self.now = timezone.now()
        self.today = timezone.localdate()
        connection.ensure_connection()
        self.conn: psycopg.Connection = connection.connection
        self.cursor = self.conn.cursor()
        self.backend: int | None = self.conn.info.backend_pid
        self.objects: list[tuple[str, str]] = []  # (TABLE or VIEW, name), to drop at the end
        self.fixed = 0  # tables of numbers normalised in Python
        self.stage_of: dict[str, str] = {}  # built table -> its staging table
        # checked view -> which of its rows are skipped (establishment units, branches)
        self.skipped = {
            "cbe_denomination_checked": "establishment",
            "cbe_address_checked": "(establishment OR (known AND kind <> '' AND NOT office))",
        }
        self.names_of_file = "denomination" in files.main
        self.addresses_of_file = "address" in files.main

    # --- plumbing ---------------------------------------------------------------------------

    def sql(self, query: str, params=None):
        self.cursor.execute(query, params)
        return self.cursor

    def one(self, query: str, params=None):
        return self.sql(query, params).fetchone()

    @contextmanager
    def timed(self, label: str):
        began, cpu = time.perf_counter(), self.server_cpu()
        try:
            yield
        finally:
            timings = self.report.timings
            timings[label] = timings.get(label, 0.0) + time.perf_counter() - began
            if cpu is not None:
                spent = self.report.server_cpu
                spent[label] = spent.get(label, 0.0) + self.server_cpu() - cpu

    def server_cpu(self) -> float | None:
        """CPU seconds of this session's PostgreSQL process, when it runs on this machine
        (as in the benchmark): on a shared machine, wall time alone says little."""
        if self.backend is None:
            return None
        try:
            with open(f"/proc/{self.backend}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            self.backend = None
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def table(
        self, name: str, query: str, params=None, key: str | None = None, analyse: bool = True
    ) -> None:
        """A temporary table from a query, analysed (the planner needs its size)."""
        self.sql(f"CREATE TEMP TABLE {name} ON COMMIT DROP AS {query}", params)
        self.objects.append(("TABLE", name))
        if key:
            self.sql(f"ALTER TABLE {name} ADD PRIMARY KEY ({key})")
        if analyse:
            self.sql(f"ANALYZE {name}")

    def view(self, name: str, query: str) -> None:
        self.sql(f"CREATE TEMP VIEW {name} AS {query}")
        self.objects.append(("VIEW", name))

    def drop(self) -> None:
        for kind, name in reversed(self.objects):
            self.sql(f"DROP {kind} IF EXISTS {name} CASCADE")
        self.objects.clear()

    def setup(self) -> None:
        self.sql("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        # Sorts, hashes and index builds of a few million rows in memory; the server's memory,
        # for this transaction only.
        self.sql("SET LOCAL work_mem = '256MB'")
        self.sql("SET LOCAL maintenance_work_mem = '512MB'")
        try:
            # Only possible before the session's first temporary table; else the default.
            with transaction.atomic():
                self.sql("SET LOCAL temp_buffers = '256MB'")
        except psycopg.Error:
            pass
        # Left by an earlier import in the same (still open) transaction, as in tests.
        for name in self.sql(
            "SELECT c.relname, c.relkind FROM pg_class c "
            "WHERE c.relnamespace = pg_my_temp_schema() AND c.relname LIKE 'cbe\\_%%' "
            "AND c.relkind IN ('r', 'v')"
        ).fetchall():
            self.objects.append(("VIEW" if name[1] == "v" else "TABLE", name[0]))
        self.drop()

    # --- streaming ---------------------------------------------------------------------------

    def stage(self, file: str, columns: tuple[str, ...], table: str, names: tuple[str, ...]):
        """COPY the rows of `file`, each with its line number, into `table`; the structural
        errors (UTF-8, field counts, quotes) of the shared reader are kept for the report."""
        errors = ErrorList()
        listed = ", ".join(names)
        self.sql(
            f"CREATE TEMP TABLE {table} (line integer NOT NULL, "
            + ", ".join(f"{name} text NOT NULL" for name in names)
            + ") ON COMMIT DROP"
        )
        self.objects.append(("TABLE", table))
        read = 0
        with self.cursor.copy(f"COPY {table} (line, {listed}) FROM STDIN") as copy:
            write = copy.write_row
            for line, row in _rows(self.directory, file, columns, errors):
                write((line, *row))
                read += 1
        self.sql(f"ANALYZE {table}")
        self.report.files[file].read = read
        return errors

    def fixes(self, query: str) -> str:
        """Normalise in Python the numbers `query` selects as (line, enterprise number or
        NULL, national number or NULL): those not written as the registry writes them.
        Returns the name of a table of the ones that are valid (line, number, nn), or ""."""
        table = ""
        with self.conn.cursor(name="cbe_odd") as rows:
            rows.execute(query)
            # In batches: however many there are, only a batch is held here at a time.
            while batch := rows.fetchmany(self.batch_size):
                fixed = []
                for line, number, national_number in batch:
                    number = number and _normalised(normalize_enterprise_number, number)
                    national_number = national_number and _normalised(
                        normalize_national_number, national_number
                    )
                    if number or national_number:
                        fixed.append((line, number or None, national_number or None))
                if fixed and not table:
                    self.fixed += 1
                    table = f"cbe_fixed_{self.fixed}"
                    self.sql(
                        f"CREATE TEMP TABLE {table} (line integer PRIMARY KEY, number text, "
                        "nn text) ON COMMIT DROP"
                    )
                    self.objects.append(("TABLE", table))
                if fixed:
                    with self.cursor.copy(f"COPY {table} (line, number, nn) FROM STDIN") as copy:
                        for row in fixed:
                            copy.write_row(row)
        if table:
            self.sql(f"ANALYZE {table}")
        return table

    def settle(self, table: str, select: Callable[[str, str], str], odd: str, keep: str) -> str:
        """After `table` was built by `select("", "")`, with its `valid` and `odd` columns:
        the rows whose numbers are written in another way are normalised in Python and built
        again (`select(fixed table, filter)`); the invalid rows leave, their lines (and the
        `keep` columns) kept in a table whose name is returned ("" when there are none).
        `odd`: the (line, number, national number) of an odd row, over `s` (the stage) and `t`.
        """
        invalid, odd_rows = self.one(
            f"SELECT count(*) FILTER (WHERE NOT valid), count(*) FILTER (WHERE odd) FROM {table}"
        )
        if odd_rows:
            stage = self.stage_of[table]
            fixed = self.fixes(
                f"SELECT {odd} FROM {stage} s JOIN {table} t ON t.line = s.line WHERE t.odd"
            )
            if fixed:
                self.sql(f"DELETE FROM {table} WHERE line IN (SELECT line FROM {fixed})")
                where = f"WHERE s.line IN (SELECT line FROM {fixed})"
                self.sql(f"INSERT INTO {table} {select(fixed, where)}")
                (invalid,) = self.one(f"SELECT count(*) FROM {table} WHERE NOT valid")
        if not invalid:
            return ""
        self.table(
            f"{table}_invalid", f"SELECT line, {keep} FROM {table} WHERE NOT valid", key="line"
        )
        self.sql(f"DELETE FROM {table} WHERE NOT valid")
        return f"{table}_invalid"

    def report_errors(
        self,
        file: str,
        structural: ErrorList,
        query: str,
        width: int,
        check: Callable[..., object],
        params=None,
    ) -> None:
        """Merge, by line, the structural errors and the rows the SQL refused (each given its
        reason by the shared Python rule) into the report."""
        refused = self._refused(file, query, width, check, params) if query else iter(())
        for error in heapq.merge(structural, refused, key=lambda e: e.line):
            self.report.errors.append(error)
        # Counted beyond what the list kept.
        self.report.errors.total += structural.total - len(structural)

    def _refused(self, file, query, width, check, params) -> Iterator[RowError]:
        with self.conn.cursor(name="cbe_refused") as rows:
            rows.itersize = self.batch_size
            rows.execute(query, params)
            for record in rows:
                line, row, context = record[0], record[1 : width + 1], record[width + 1 :]
                try:
                    check(tuple(row), *context)
                except RowInvalid as exc:
                    yield RowError(file, line, str(exc))
                    continue
                raise Disagreement(f"{file}, line {line}: refused in SQL, accepted in Python")

    def unique(self, table: str, key: str) -> str:
        """Make `key` unique in `table`, keeping the first line of each key; returns the name
        of the table of the later lines (line, first) when there were any, else ""."""
        try:
            with transaction.atomic():
                self.sql(f"ALTER TABLE {table} ADD PRIMARY KEY ({key})")
                return ""
        except psycopg.errors.UniqueViolation:
            pass
        dup = f"{table}_dup"
        keys = ", ".join(f"t.{name.strip()}" for name in key.split(","))
        self.table(
            dup,
            f"SELECT t.line, d.first, {keys} FROM {table} t JOIN ("
            f"SELECT {key}, min(line) AS first FROM {table} GROUP BY {key} "
            f"HAVING count(*) > 1) d USING ({key}) WHERE t.line > d.first",
            key="line",
        )
        self.sql(f"DELETE FROM {table} t USING {dup} d WHERE t.line = d.line")
        self.sql(f"ALTER TABLE {table} ADD PRIMARY KEY ({key})")
        return dup

    def refused_query(self, stage: str, raw: tuple[str, ...], parts: list[tuple[str, str, str]]):
        """The rows refused, in line order: for each (table of lines, its alias, context
        columns) present, the stage's raw columns and the context."""
        columns = ", ".join(f"s.{name}" for name in raw)
        selects = [
            f"SELECT s.line, {columns}, {context} FROM {stage} s JOIN {table} {alias} "
            f"ON {alias}.line = s.line"
            for table, alias, context in parts
            if table
        ]
        return " UNION ALL ".join(selects) + " ORDER BY 1" if selects else ""

    def references(self, stage: str, fixed: str, trusted: bool = False) -> str:
        """The rows of `stage` with `ref`, the number they refer to as written (or normalised
        in Python), and `known`: an enterprise of this import (or, in an update, of the
        mirror). A known number needs no check of its own: it passed enterprise.csv's.

        `trusted`: the file was found valid, so every row but an establishment unit's refers
        to a known enterprise; the rows are read again without the joins that tell it."""
        compact = _compact("s.number")
        ref = f"coalesce(f.number, {compact})" if fixed else compact
        join = f"LEFT JOIN {fixed} f ON f.line = s.line" if fixed else ""
        if trusted:
            # A known number starts with 0 or 1, so it is never an establishment unit's.
            known, joins = f"NOT {_establishment('x.number')}", ""
        else:
            known = "k.number IS NOT NULL"
            joins = "LEFT JOIN cbe_enterprise k ON k.number = x.ref"
            if self.files.update:
                known += " OR km.id IS NOT NULL"
                joins += " LEFT JOIN enterprises_enterprise km ON km.number = x.ref"
        return (
            f"SELECT x.*, ({known}) AS known FROM ("
            f"SELECT s.*, {ref} AS ref FROM {stage} s {join} OFFSET 0) x {joins}"
        )

    def empty(self, name: str, columns: str) -> None:
        """A table of an absent file, so the SQL reads the same with or without it."""
        self.sql(f"CREATE TEMP TABLE {name} ({columns}) ON COMMIT DROP")
        self.objects.append(("TABLE", name))

    # --- the run ----------------------------------------------------------------------------

    def execute(self) -> list[int]:
        with self.timed("setup"):
            self.setup()
        files = self.files
        for role in ROLES:
            if role in files.deleted:
                self.deleted(role)
            if role in files.main:
                getattr(self, f"check_{role}")()
            else:
                self.absent(role)
            if role == "enterprise":
                self.stopped()
            if role == "denomination":
                self.name_scope()
            if role in files.deleted:
                with self.timed("validate deletions"):
                    self.deleted_counts(role)
        if files.code:
            with self.timed(f"read {CODE_FILE}"):
                self.forms: dict[str, dict[str, str]] = {}
                read_code_file(self.directory, self.report, self.forms)
        if self.report.errors:
            raise MalformedImport(self.report)
        stops = self.write()
        with self.timed("flags and audit"):
            finish(self.directory, self.report, stops)
        self.drop()
        return stops

    def absent(self, role: str) -> None:
        tables = {
            "enterprise": (
                "cbe_enterprise",
                "number text PRIMARY KEY, line integer, status text, juridical_form text, "
                "start_date date",
            ),
            "denomination": (
                "cbe_names",
                "number text PRIMARY KEY, name text, name_rank integer, abbreviation text, "
                "commercial_name text",
            ),
            "address": (
                "cbe_address",
                "number text PRIMARY KEY, line integer, street text, house_number text, "
                "box text, zipcode text, municipality text",
            ),
            "mandates": (
                "cbe_mandate",
                "number text, national_number text, first_name text, last_name text, "
                "function text, signing_authority boolean, start_date date, end_date date, "
                "line integer",
            ),
        }
        self.empty(*tables[role])

    # --- validation, file by file -------------------------------------------------------------

    def deleted(self, role: str) -> None:
        file = self.files.deleted[role]
        stage = f"cbe_stage_{role}_delete"
        establishments = DELETE_ESTABLISHMENTS[role]
        with self.timed(f"stream+COPY {file}"):
            structural = self.stage(file, DELETE_COLUMNS[role], stage, ("number",))
        with self.timed(f"validate {file}"):
            establishment = _establishment("s.number") if establishments else "false"
            number = _enterprise_number("s.number")
            fixed = self.fixes(
                f"SELECT s.line, s.number, NULL FROM {stage} s WHERE s.number <> '' "
                f"AND NOT {_canonical_number('s.number')} AND NOT {establishment}"
            )
            if fixed:
                number = f"coalesce({number}, f.number)"
            self.view(
                f"{stage}_checked",
                f"SELECT s.line, s.number, {establishment} AS establishment, {number} AS n "
                f"FROM {stage} s {f'LEFT JOIN {fixed} f ON f.line = s.line' if fixed else ''}",
            )
            self.report_errors(
                file,
                structural,
                f"SELECT line, number FROM {stage}_checked "
                "WHERE NOT establishment AND n IS NULL ORDER BY line",
                1,
                lambda row: check_deleted(row[0], establishments),
            )
            self.table(
                f"cbe_deleted_{role}",
                f"SELECT DISTINCT n AS number FROM {stage}_checked WHERE n IS NOT NULL",
                key="number",
            )

    def deleted_counts(self, role: str) -> None:
        """Rows of a delete file skipped: establishment units, and numbers neither inserted
        nor in the mirror (nothing to delete)."""
        if role not in self.files.deleted:
            return
        view = f"cbe_stage_{role}_delete_checked"
        (skipped,) = self.one(
            f"SELECT count(*) FROM {view} d WHERE d.establishment OR (d.n IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM cbe_enterprise e WHERE e.number = d.n) "
            "AND NOT EXISTS (SELECT 1 FROM enterprises_enterprise t WHERE t.number = d.n))"
        )
        self.report.files[self.files.deleted[role]].skipped = skipped

    def _enterprise_rows(self, fixed: str, where: str) -> str:
        number = _enterprise_number("s.number")
        if fixed:
            number = f"coalesce({number}, f.number)"
        return (
            "SELECT x.line, x.n AS number, x.status, x.juridical_form, x.start_date, "
            "(x.n IS NOT NULL AND x.status IN ('AC', 'ST') "
            f"AND length(x.juridical_form) <= {_MAX['juridical_form']} "
            "AND (x.start = '' OR x.start_date IS NOT NULL)) AS valid, "
            f"(x.n IS NULL AND x.number <> '' AND NOT {_canonical_number('x.number')}) AS odd "
            f"FROM (SELECT s.line, s.number, s.status, s.start, {number} AS n, "
            "coalesce(nullif(s.form_cac, ''), s.form) AS juridical_form, "
            f"{_date('s.start')} AS start_date FROM cbe_stage_enterprise s "
            f"{f'LEFT JOIN {fixed} f ON f.line = s.line' if fixed else ''} {where} OFFSET 0) x"
        )

    def check_enterprise(self) -> None:
        file = self.files.main["enterprise"]
        stage = "cbe_stage_enterprise"
        with self.timed(f"stream+COPY {file}"):
            structural = self.stage(file, COLUMNS["enterprise"], stage, STAGE_COLUMNS["enterprise"])
        with self.timed(f"validate {file}"):
            self.table("cbe_enterprise", self._enterprise_rows("", ""), analyse=False)
            self.stage_of["cbe_enterprise"] = stage
            invalid = self.settle(
                "cbe_enterprise", self._enterprise_rows, "s.line, s.number, NULL", "number"
            )
            dup = self.unique("cbe_enterprise", "number")
            self.sql("ANALYZE cbe_enterprise")
            self.report_errors(
                file,
                structural,
                self.refused_query(
                    stage,
                    STAGE_COLUMNS["enterprise"],
                    [(invalid, "i", "NULL::int"), (dup, "d", "d.first")],
                ),
                5,
                lambda row, first: check_enterprise(row, lambda _n: first),
            )

    def stopped(self) -> None:
        """Update: the enterprises the registry deleted and did not insert again, that the
        mirror holds: marked stopped."""
        if "enterprise" not in self.files.deleted:
            self.empty("cbe_stopped", "number text PRIMARY KEY")
            return
        with self.timed("validate deletions"):
            self.table(
                "cbe_stopped",
                "SELECT d.number FROM cbe_deleted_enterprise d "
                "WHERE NOT EXISTS (SELECT 1 FROM cbe_enterprise e WHERE e.number = d.number) "
                "AND EXISTS (SELECT 1 FROM enterprises_enterprise t WHERE t.number = d.number)",
                key="number",
            )

    def _odd(self, alias: str, establishments: bool) -> str:
        """An unknown number written otherwise than with digits, dots and spaces."""
        test = (
            f"(NOT {alias}.known AND {alias}.number <> '' "
            f"AND NOT {_canonical_number(alias + '.number')}"
        )
        if establishments:
            test += f" AND NOT {_establishment(alias + '.number')}"
        return test + ")"

    def _denominations(self, fixed: str, trusted: bool = False) -> str:
        return (
            f"SELECT y.*, (NOT y.known AND {_establishment('y.number')}) AS establishment, "
            "(y.known AND y.language IN ('0', '1', '2', '3', '4') "
            "AND y.kind IN ('001', '002', '003') AND y.text <> '' "
            f"AND length(y.text) <= {_MAX['name']}) AS valid, {self._odd('y', True)} AS odd "
            f"FROM ({self.references('cbe_stage_denomination', fixed, trusted)} OFFSET 0) y"
        )

    def checked(self, file: str, view: str, trusted: str, query) -> str:
        """Validate a staged file of rows about enterprises (names, addresses): `view` of
        every row with its checks (`query(fixed)`), numbers in another writing fixed by
        the Python checks when there are any; returns the view to write from (`trusted`,
        without the checks, when no row is invalid)."""
        self.view(view, query(""))
        skipped, invalid, odd = self.counts(view)
        fixed = ""
        if odd:
            fixed = self.fixes(f"SELECT line, number, NULL FROM {view} WHERE odd")
            if fixed:
                self.sql(f"CREATE OR REPLACE TEMP VIEW {view} AS {query(fixed)}")
                skipped, invalid, odd = self.counts(view)
        self.report.files[file].skipped = skipped
        if invalid:
            return view
        self.view(trusted, query(fixed, trusted=True))
        return trusted

    def check_denomination(self) -> None:
        file = self.files.main["denomination"]
        stage = "cbe_stage_denomination"
        with self.timed(f"stream+COPY {file}"):
            structural = self.stage(
                file, COLUMNS["denomination"], stage, STAGE_COLUMNS["denomination"]
            )
        with self.timed(f"validate {file}"):
            view = "cbe_denomination_checked"
            rows = self.checked(file, view, "cbe_denomination_trusted", self._denominations)
            invalid = rows == view  # the checked view is written from only when rows failed
            self.report_errors(
                file,
                structural,
                f"SELECT line, number, language, kind, text, known, ref FROM {view} "
                "WHERE NOT establishment AND NOT valid ORDER BY line"
                if invalid
                else "",
                4,
                lambda row, known, n: check_denomination(row, _known(known, n), self.where),
            )
            # Per enterprise and kind, the first row of the best language (French, Dutch, ...).
            self.table(
                "cbe_names",
                "SELECT ref AS number, "
                "max(text) FILTER (WHERE kind = '001') AS name, "
                "min(rank) FILTER (WHERE kind = '001') AS name_rank, "
                "max(text) FILTER (WHERE kind = '002') AS abbreviation, "
                "max(text) FILTER (WHERE kind = '003') AS commercial_name "
                f"FROM (SELECT DISTINCT ON (ref, kind) ref, kind, {RANK} AS rank, text "
                f"FROM {rows} WHERE valid ORDER BY ref, kind, {RANK}, line) best "
                "GROUP BY ref",
                key="number",
            )

    def counts(self, view: str) -> tuple[int, int, int]:
        """(skipped, invalid, odd) rows of a checked view."""
        return self.one(
            "SELECT count(*) FILTER (WHERE skipped), "
            "count(*) FILTER (WHERE NOT skipped AND NOT valid), "
            f"count(*) FILTER (WHERE odd) FROM (SELECT *, {self.skipped[view]} AS skipped "
            f"FROM {view}) c"
        )

    def name_scope(self) -> None:
        """Update: the enterprises whose names this import writes (those the insert file
        names, and those the delete file names unless the registry deleted them)."""
        if not self.files.update:
            return
        deleted = (
            "UNION ALL SELECT d.number, NULL FROM cbe_deleted_denomination d "
            "WHERE NOT EXISTS (SELECT 1 FROM cbe_names n WHERE n.number = d.number) "
            "AND NOT EXISTS (SELECT 1 FROM cbe_stopped s WHERE s.number = d.number)"
            if "denomination" in self.files.deleted
            else ""
        )
        self.table(
            "cbe_name_scope", f"SELECT number, name_rank FROM cbe_names {deleted}", key="number"
        )

    def _addresses(self, fixed: str, trusted: bool = False) -> str:
        # The language of the name the enterprise will have: that of its new name, or of the
        # one it keeps.
        stored = f"coalesce(t.name_language IN {NL_LANGUAGES}, false)"
        if self.files.update:
            joins = "LEFT JOIN cbe_name_scope sc ON sc.number = y.ref "
            joins += "LEFT JOIN enterprises_enterprise t ON t.number = y.ref"
            nl = (
                "CASE WHEN sc.number IS NOT NULL THEN "
                f"coalesce(sc.name_rank IN {NL_RANKS}, false) ELSE {stored} END"
            )
        elif self.names_of_file:
            joins = "LEFT JOIN cbe_names nm ON nm.number = y.ref"
            nl = f"coalesce(nm.name_rank IN {NL_RANKS}, false)"
        else:
            joins = "LEFT JOIN enterprises_enterprise t ON t.number = y.ref"
            nl = stored
        chosen = (
            "SELECT z.*, "
            "CASE WHEN z.nl THEN coalesce(nullif(z.street_nl, ''), z.street_fr) "
            "ELSE coalesce(nullif(z.street_fr, ''), z.street_nl) END AS street, "
            "CASE WHEN z.nl THEN coalesce(nullif(z.town_nl, ''), z.town_fr) "
            "ELSE coalesce(nullif(z.town_fr, ''), z.town_nl) END AS town "
            f"FROM (SELECT y.*, {nl} AS nl FROM ("
            f"{self.references('cbe_stage_address', fixed, trusted)}) y {joins} OFFSET 0) z"
        )
        fits = " AND ".join(
            f"length(a.{column}) <= {_MAX[name]}"
            for column, name in (
                ("street", "street"),
                ("house", "house_number"),
                ("box", "box"),
                ("zipcode", "zipcode"),
                ("town", "municipality"),
            )
        )
        return (
            f"SELECT a.*, (NOT a.known AND {_establishment('a.number')}) AS establishment, "
            "(a.kind = 'REGO' AND a.struck = '') AS office, "
            f"({fits}) AS fits, (a.known AND a.kind <> '' "
            f"AND (a.kind <> 'REGO' OR a.struck <> '' OR ({fits}))) AS valid, "
            f"{self._odd('a', True)} AS odd FROM ({chosen}) a"
        )

    def check_address(self) -> None:
        file = self.files.main["address"]
        stage = "cbe_stage_address"
        with self.timed(f"stream+COPY {file}"):
            structural = self.stage(file, COLUMNS["address"], stage, STAGE_COLUMNS["address"])
        with self.timed(f"validate {file}"):
            view = "cbe_address_checked"
            rows = self.checked(file, view, "cbe_address_trusted", self._addresses)
            invalid = rows == view  # the checked view is written from only when rows failed
            self.table(
                "cbe_address",
                "SELECT ref AS number, line, street, house AS house_number, box, zipcode, "
                f"town AS municipality FROM {rows} WHERE known AND kind <> '' AND office AND fits",
                analyse=False,
            )
            dup = self.unique("cbe_address", "number")
            self.sql("ANALYZE cbe_address")
            raw = ", ".join(f"c.{name}" for name in ("line", *STAGE_COLUMNS["address"]))
            parts = []
            if invalid:
                parts.append(
                    f"SELECT {raw}, c.known, c.ref, a.line, c.nl FROM {view} c "
                    "LEFT JOIN cbe_address a ON a.number = c.ref AND a.line < c.line "
                    "WHERE NOT c.establishment AND (NOT c.known OR c.kind = '' "
                    "OR (c.office AND NOT c.fits))"
                )
            if dup:
                parts.append(
                    f"SELECT {raw}, c.known, c.ref, d.first, c.nl FROM {view} c "
                    f"JOIN {dup} d ON d.line = c.line"
                )
            self.report_errors(
                file,
                structural,
                " UNION ALL ".join(parts) + " ORDER BY 1" if parts else "",
                10,
                lambda row, known, n, prior, nl: check_address(
                    row, _known(known, n), self.where, lambda _n: prior, lambda _n: nl
                ),
            )

    def _mandate_rows(self, fixed: str, where: str) -> str:
        nn = _national_number("s.national_number", self.today.year)
        if fixed:
            nn = f"coalesce({nn}, f.nn)"
        compact = _compact("s.number")
        ref = f"coalesce(f.number, {compact})" if fixed else compact
        join = f"LEFT JOIN {fixed} f ON f.line = s.line" if fixed else ""
        known = "k.number IS NOT NULL"
        joins = "LEFT JOIN cbe_enterprise k ON k.number = x.ref"
        if self.files.update:
            known += " OR km.id IS NOT NULL"
            joins += " LEFT JOIN enterprises_enterprise km ON km.number = x.ref"
        return (
            "SELECT y.line, y.ref AS number, y.nn AS national_number, y.first_name, "
            f"y.last_name, y.function, lower(y.signing) IN ({SIGNING_TRUE}) AS signing_authority, "
            "y.start_date, y.end_date, (y.known AND y.nn IS NOT NULL AND y.last_name <> '' "
            f"AND y.function <> '' AND length(y.first_name) <= {_MANDATE_MAX['first_name']} "
            f"AND length(y.last_name) <= {_MANDATE_MAX['last_name']} "
            f"AND length(y.function) <= {_MANDATE_MAX['function']} "
            f"AND lower(y.signing) IN ({SIGNING}) "
            "AND (y.start = '' OR y.start_date IS NOT NULL) "
            "AND (y.finish = '' OR y.end_date IS NOT NULL) "
            "AND NOT coalesce(y.end_date < y.start_date, false)) AS valid, "
            f"({self._odd('y', False)} OR (y.nn IS NULL AND y.national_number <> '' AND NOT "
            f"{_canonical_national_number('y.national_number')})) AS odd, y.known "
            f"FROM (SELECT x.*, ({known}) AS known FROM ("
            f"SELECT s.*, {ref} AS ref, {nn} AS nn, {_date('s.start')} AS start_date, "
            f"{_date('s.finish')} AS end_date FROM cbe_stage_mandates s {join} {where} "
            f"OFFSET 0) x {joins} OFFSET 0) y"
        )

    def check_mandates(self) -> None:
        file = self.files.main["mandates"]
        stage = "cbe_stage_mandates"
        with self.timed(f"stream+COPY {file}"):
            structural = self.stage(file, COLUMNS["mandates"], stage, STAGE_COLUMNS["mandates"])
        with self.timed(f"validate {file}"):
            self.table("cbe_mandate", self._mandate_rows("", ""), analyse=False)
            self.stage_of["cbe_mandate"] = stage
            number_odd = f"NOT t.known AND s.number <> '' AND NOT {_canonical_number('s.number')}"
            nn_odd = (
                f"t.national_number IS NULL AND s.national_number <> '' "
                f"AND NOT {_canonical_national_number('s.national_number')}"
            )
            invalid = self.settle(
                "cbe_mandate",
                self._mandate_rows,
                f"s.line, CASE WHEN {number_odd} THEN s.number END, "
                f"CASE WHEN {nn_odd} THEN s.national_number END",
                "known, number",
            )
            dup = self.unique("cbe_mandate", "number, national_number, function")
            self.sql("ANALYZE cbe_mandate")
            self.report_errors(
                file,
                structural,
                self._mandate_refused(stage, invalid, dup),
                8,
                lambda row, known, n, first: check_mandate(
                    row, _known(known, n), self.where, lambda _key: first
                ),
            )

    def _mandate_refused(self, stage: str, invalid: str, dup: str) -> str:
        raw = ", ".join(f"s.{name}" for name in ("line", *STAGE_COLUMNS["mandates"]))
        parts = []
        if invalid:
            parts.append(
                f"SELECT {raw}, i.known, i.number, NULL::int FROM {stage} s "
                f"JOIN {invalid} i ON i.line = s.line"
            )
        if dup:
            # A duplicate is a valid row: its number is known.
            parts.append(
                f"SELECT {raw}, true, d.number, d.first FROM {stage} s "
                f"JOIN {dup} d ON d.line = s.line"
            )
        return " UNION ALL ".join(parts) + " ORDER BY 1" if parts else ""

    # --- writing ----------------------------------------------------------------------------

    def write(self) -> list[int]:
        files, report = self.files, self.report
        params = {
            "now": self.now,
            "today": self.today,
            "yesterday": self.today - timedelta(days=1),
        }
        with self.timed("write: registry stops"):
            stops = [
                pk
                for (pk,) in self.sql(
                    "SELECT t.id FROM enterprises_enterprise t "
                    "JOIN enterprises_registration r ON r.enterprise_id = t.id "
                    "WHERE t.status = 'AC' AND (EXISTS (SELECT 1 FROM cbe_enterprise e "
                    "WHERE e.number = t.number AND e.status = 'ST') "
                    "OR EXISTS (SELECT 1 FROM cbe_stopped s WHERE s.number = t.number)) "
                    "ORDER BY t.id"
                ).fetchall()
            ]
        if files.code:
            with self.timed("write: juridical forms"):
                write_juridical_forms(self.forms, report.files[CODE_FILE], self.batch_size)
        # A first import: nothing to compare with, nothing absent (the joins that would find
        # it are skipped).
        (self.first_enterprises, self.first_mandates) = self.one(
            "SELECT NOT EXISTS (SELECT 1 FROM enterprises_enterprise), "
            "NOT EXISTS (SELECT 1 FROM enterprises_mandate)"
        )
        with self.timed("write: enterprises"):
            self.enterprises(params)
        if files.update:
            with self.timed("write: names, addresses, stops"):
                self.scoped(params)
        if "mandates" in files.main:
            with self.timed("write: mandates"):
                self.mandates(params)
        with self.timed("write: end absent mandates"):
            self.end_absent_mandates(params)
        return stops

    def enterprises(self, params) -> None:
        """Upsert the enterprises of the file: new ones inserted, changed ones updated, the
        others not touched at all (not even locked). Counts what was created, and the names
        and addresses created with their enterprise."""
        files, report = self.files, self.report
        full = not files.update
        existing_unnamed = 0
        if files.update:
            # Enterprises of the mirror whose names this update removes (before the writes:
            # after them, the new ones would count twice).
            (existing_unnamed,) = self.one(
                "SELECT count(*) FROM cbe_name_scope s "
                "JOIN enterprises_enterprise t ON t.number = s.number "
                "LEFT JOIN cbe_names n ON n.number = s.number WHERE n.name IS NULL"
            )
        written = inserted = new_names = new_addresses = new_unnamed = 0
        if "enterprise" in files.main:
            written, inserted, new_names, new_addresses, new_unnamed = self.upsert(full, params)
            counts = report.files[files.main["enterprise"]]
            (total,) = self.one("SELECT count(*) FROM cbe_enterprise")
            counts.created, counts.updated = inserted, total - inserted
            if written > ANALYSE_AFTER:
                # The next statements (and the next import) plan with the table's real size.
                self.sql("ANALYZE enterprises_enterprise")
        for role, table, created in (
            ("denomination", "cbe_names", new_names),
            ("address", "cbe_address", new_addresses),
        ):
            if role in files.main:
                (total,) = self.one(f"SELECT count(*) FROM {table}")
                counts = report.files[files.main[role]]
                counts.created, counts.updated = created, total - created
        if full and self.names_of_file:
            (named,) = self.one("SELECT count(*) FROM cbe_names WHERE name IS NOT NULL")
            (total,) = self.one("SELECT count(*) FROM cbe_enterprise")
            report.unnamed = total - named
        else:
            report.unnamed = new_unnamed + existing_unnamed

    def upsert(self, full: bool, params) -> tuple[int, int, int, int, int]:
        """(rows written, inserted, inserted with names, with an address, without a name)."""
        names = ["juridical_form", "status", "start_date"]
        if full and self.names_of_file:
            names += NAME_FIELDS
        if full and self.addresses_of_file:
            names += ADDRESS_FIELDS
        changes = ", ".join(f"{name} = EXCLUDED.{name}" for name in names)
        values = (
            f"e.number, coalesce(n.name, {_display('e.number')}) AS name, "
            f"{_language('n.name_rank')} AS name_language, "
            "coalesce(n.abbreviation, '') AS abbreviation, "
            "coalesce(n.commercial_name, '') AS commercial_name, e.juridical_form, e.status, "
            "e.start_date, coalesce(a.street, '') AS street, "
            "coalesce(a.house_number, '') AS house_number, coalesce(a.box, '') AS box, "
            "coalesce(a.zipcode, '') AS zipcode, coalesce(a.municipality, '') AS municipality"
        )
        columns = [column.strip() for column in ENTERPRISE_COLUMNS_WRITTEN.split(",")]
        chosen = ", ".join(
            "NULL" if column == "registry_stopped_at" else f"w.{column}"
            for column in columns
            if column not in ("created_at", "updated_at")
        )
        # Unchanged rows are left out before the insert: ON CONFLICT would lock them.
        unchanged = (
            "LEFT JOIN enterprises_enterprise o ON o.number = w.number WHERE o.id IS NULL "
            f"OR ({', '.join('o.' + n for n in names)}) IS DISTINCT FROM "
            f"({', '.join('w.' + n for n in names)}) "
        )
        counted = (
            "SELECT count(*), count(*) FILTER (WHERE w.inserted), "
            "count(n.number) FILTER (WHERE w.inserted), "
            "count(a.number) FILTER (WHERE w.inserted), "
            "count(*) FILTER (WHERE w.inserted AND n.name IS NULL) "
            "FROM written w LEFT JOIN cbe_names n ON n.number = w.number "
            "LEFT JOIN cbe_address a ON a.number = w.number"
        )
        if self.first_enterprises:
            # Every row is new: counted from the tables, without joining 2 million rows back.
            unchanged = ""
            counted = (
                "SELECT count(*), count(*) FILTER (WHERE inserted), "
                "(SELECT count(*) FROM cbe_names), (SELECT count(*) FROM cbe_address), "
                "(SELECT count(*) FROM cbe_enterprise e WHERE NOT EXISTS (SELECT 1 FROM "
                "cbe_names n WHERE n.number = e.number AND n.name IS NOT NULL)) FROM written w"
            )
        return self.one(
            "WITH written AS ("
            f"INSERT INTO enterprises_enterprise AS t ({ENTERPRISE_COLUMNS_WRITTEN}) "
            f"SELECT %(now)s, %(now)s, {chosen} FROM (SELECT {values} FROM cbe_enterprise e "
            "LEFT JOIN cbe_names n ON n.number = e.number "
            f"LEFT JOIN cbe_address a ON a.number = e.number) w {unchanged}"
            f"ON CONFLICT (number) DO UPDATE SET {changes}, "
            # Listed as active again: the flag of a stop no longer holds.
            "registry_stopped_at = CASE WHEN EXCLUDED.status = 'AC' THEN NULL "
            "ELSE t.registry_stopped_at END, updated_at = EXCLUDED.updated_at "
            f"WHERE ({', '.join('t.' + n for n in names)}) IS DISTINCT FROM "
            f"({', '.join('EXCLUDED.' + n for n in names)}) "
            f"RETURNING t.number, (t.xmax = 0) AS inserted) {counted}",
            params,
        )

    def scoped(self, params) -> None:
        """Update: names and addresses of the enterprises the files speak of, replaced; the
        enterprises the registry deleted, stopped."""
        files = self.files
        if "denomination" in files.main or "denomination" in files.deleted:
            values = (
                f"coalesce(n.name, {_display('t.number')}), {_language('n.name_rank')}, "
                "coalesce(n.abbreviation, ''), coalesce(n.commercial_name, '')"
            )
            self.sql(
                f"UPDATE enterprises_enterprise t SET ({', '.join(NAME_FIELDS)}, updated_at) = "
                f"({values}, %(now)s) FROM cbe_name_scope s "
                "LEFT JOIN cbe_names n ON n.number = s.number WHERE t.number = s.number "
                f"AND ({', '.join('t.' + f for f in NAME_FIELDS)}) IS DISTINCT FROM ({values})",
                params,
            )
        if "address" in files.main or "address" in files.deleted:
            deleted = (
                "UNION SELECT d.number FROM cbe_deleted_address d WHERE NOT EXISTS "
                "(SELECT 1 FROM cbe_stopped s WHERE s.number = d.number)"
                if "address" in files.deleted
                else ""
            )
            values = ", ".join(f"coalesce(a.{f}, '')" for f in ADDRESS_FIELDS)
            self.sql(
                f"UPDATE enterprises_enterprise t SET ({', '.join(ADDRESS_FIELDS)}, updated_at) = "
                f"({values}, %(now)s) FROM (SELECT number FROM cbe_address {deleted}) s "
                "LEFT JOIN cbe_address a ON a.number = s.number WHERE t.number = s.number "
                f"AND ({', '.join('t.' + f for f in ADDRESS_FIELDS)}) IS DISTINCT FROM ({values})",
                params,
            )
        if "enterprise" in files.deleted:
            self.sql(
                "UPDATE enterprises_enterprise t SET status = 'ST', updated_at = %(now)s "
                "FROM cbe_stopped s WHERE t.number = s.number AND t.status <> 'ST'",
                params,
            )
            (stopped,) = self.one("SELECT count(*) FROM cbe_stopped")
            self.report.files[files.deleted["enterprise"]].stopped = stopped

    def mandates(self, params) -> None:
        """Upsert the mandates of the file; unchanged ones are not touched."""
        counts = self.report.files[self.files.main["mandates"]]
        changes = ", ".join(f"{name} = EXCLUDED.{name}" for name in MANDATE_FIELDS)
        unchanged = (
            ""
            if self.first_mandates
            else "LEFT JOIN enterprises_mandate o ON o.enterprise_id = t.id "
            "AND o.national_number = c.national_number AND o.function = c.function "
            f"WHERE o.id IS NULL OR ({', '.join('o.' + n for n in MANDATE_FIELDS)}) "
            f"IS DISTINCT FROM ({', '.join('c.' + n for n in MANDATE_FIELDS)}) "
        )
        written, inserted = self.one(
            "WITH written AS ("
            "INSERT INTO enterprises_mandate AS m (created_at, updated_at, enterprise_id, "
            "national_number, first_name, last_name, function, signing_authority, start_date, "
            "end_date) SELECT %(now)s, %(now)s, t.id, c.national_number, c.first_name, "
            "c.last_name, c.function, c.signing_authority, c.start_date, c.end_date "
            "FROM cbe_mandate c JOIN enterprises_enterprise t ON t.number = c.number "
            f"{unchanged}ON CONFLICT (enterprise_id, national_number, function) DO UPDATE SET "
            f"{changes}, updated_at = EXCLUDED.updated_at "
            f"WHERE ({', '.join('m.' + n for n in MANDATE_FIELDS)}) IS DISTINCT FROM "
            f"({', '.join('EXCLUDED.' + n for n in MANDATE_FIELDS)}) "
            "RETURNING (m.xmax = 0) AS inserted) "
            "SELECT count(*), count(*) FILTER (WHERE inserted) FROM written",
            params,
        )
        (total,) = self.one("SELECT count(*) FROM cbe_mandate")
        counts.created, counts.updated = inserted, total - inserted
        if written > ANALYSE_AFTER:
            self.sql("ANALYZE enterprises_mandate")

    def end_absent_mandates(self, params) -> None:
        """Mandates of the enterprises whose mandates this import gives, absent from it: ended
        (deleted if they had not started)."""
        files = self.files
        if files.update:
            parts = ["SELECT number FROM cbe_mandate", "SELECT number FROM cbe_stopped"]
            if "mandates" in files.deleted:
                parts.append("SELECT number FROM cbe_deleted_mandates")
            scope = " UNION ".join(parts)
        elif "mandates" in files.main and not self.first_mandates:
            scope = "SELECT number FROM cbe_enterprise"
        else:
            return
        self.table(
            "cbe_absent",
            "SELECT m.id, m.start_date FROM enterprises_mandate m "
            "JOIN enterprises_enterprise t ON t.id = m.enterprise_id "
            f"JOIN ({scope}) s ON s.number = t.number "
            "WHERE (m.end_date IS NULL OR m.end_date >= %(today)s) AND NOT EXISTS ("
            "SELECT 1 FROM cbe_mandate c WHERE c.number = t.number "
            "AND c.national_number = m.national_number AND c.function = m.function)",
            params,
        )
        self.sql(
            "DELETE FROM enterprises_mandate WHERE id IN "
            "(SELECT id FROM cbe_absent WHERE start_date >= %(today)s)",
            params,
        )
        ended = self.sql(
            "UPDATE enterprises_mandate SET end_date = %(yesterday)s, updated_at = %(now)s "
            "WHERE id IN (SELECT id FROM cbe_absent "
            "WHERE start_date IS NULL OR start_date < %(today)s)",
            params,
        ).rowcount
        if files.ended_counts:
            self.report.files[files.ended_counts].ended = ended


def _normalised(normalize, value: str) -> str | None:
    try:
        return normalize(value)
    except ValidationError:
        return None


def _known(known: bool, n: str | None) -> Callable[[str], bool]:
    """What the SQL found about the row's number, as the rules ask it."""
    return lambda number: bool(known) and number == n


def import_in_postgresql(
    directory: Path, files: Files, report: ImportReport, batch_size: int
) -> None:
    run = _PostgresImport(directory, files, report, batch_size)
    with transaction.atomic():
        run.execute()
        committing, run.cpu_before_commit = time.perf_counter(), run.server_cpu()
        if report.dry_run:
            transaction.set_rollback(True)
    report.timings["commit"] = time.perf_counter() - committing
    if (cpu := run.server_cpu()) is not None:
        report.server_cpu["commit"] = cpu - run.cpu_before_commit
