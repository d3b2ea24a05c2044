"""Import of the CBE/KBO open data into the registry mirror (Enterprise, Mandate).

The files follow the FPS Economy's "Cookbook KBO Open data" layout (enterprise.csv,
denomination.csv, address.csv, code.csv) plus our own mandates.csv. The import is
all-or-nothing:

1. *Validation*: every file is streamed once (csv module, line by line); every malformed row is
   collected with its file and line number.
2. If anything is malformed, nothing is written: `MalformedImport` carries the full report
   (the first MAX_LISTED_ERRORS rows listed, all of them counted).
3. *Write*, in one transaction, so a re-import updates rows in place and never duplicates them.
   A dry run does the same work and rolls the transaction back, so its counts are exactly
   those of a real run.

Two paths, one set of rules:

* On PostgreSQL (`enterprises/importer_pg.py`, the fast path): the rows are streamed with
  COPY into temporary staging tables, each with its line number; validated set-based in SQL;
  upserted with INSERT ... ON CONFLICT. Its memory does not grow with the registry.
* Elsewhere (SQLite, the embedded default, for the sample data): the Python path of this
  module, which keeps one reduced record per enterprise in memory (its best denominations and
  registered-office address), the set of enterprise numbers and the names of the juridical
  forms, never a file, and writes with `bulk_create(update_conflicts=True)` in batches.

The rules of a row are the `check_*` functions below. The Python path calls them on every row;
the PostgreSQL path applies the same rules in SQL to the rows written the usual way, and calls
these functions on every row its SQL refuses or does not recognise (another writing of a
number, say), so the reason in the report is the same text and the decision the same. The
tests run both paths on the same files and compare the results.

Monthly update files (`update=True`, `import_cbe DIR --update`): `enterprise_delete.csv` /
`enterprise_insert.csv`, `denomination_*`, `address_*`, and our `mandates_*` (the insert files
in the layout of the full files; a delete file needs only its number column). As the cookbook
says, an update deletes then inserts, by entity number: for every entity a delete or an insert
file names, that file's data is replaced by what the insert file gives (none: emptied).
Deleting never deletes a row the portal or the audit trail refers to:

* An enterprise the registry deletes (in enterprise_delete.csv, not inserted again) is marked
  stopped, keeps its last name and address, and its mandates end. Numbers the mirror does not
  hold are skipped.
* A *registered* enterprise the registry stops (deleted, or listed as ST) is flagged
  (`services.enterprise_stopped_by_registry`: audited, its RAE told by e-mail, the contact
  centre's look-up page lists it, and the applications its people's roles gave access to
  told by revocation events, `relying/events.py`). Listed as active again, the flag is
  cleared.
* A row of an insert file may refer to an enterprise of enterprise_insert.csv or one the mirror
  already holds.

Choices where the registry is silent (also written in data/cbe-sample/README.md):

* Only enterprises are mirrored: rows about establishment units (entity numbers 2.xxx.xxx.xxx
  to 8.xxx.xxx.xxx), addresses other than the registered office (TypeOfAddress "REGO") and
  struck-off addresses (DateStrikingOff set) are skipped, and counted as such.
* A file that is absent leaves its fields alone (no denomination.csv: names are kept); a file
  that is present is the truth for the enterprises of enterprise.csv (no REGO row for an
  enterprise in address.csv: its address is emptied).
* An enterprise without any name (natural persons have none in the open data) is named after
  its formatted number.
* The address is written in the language of the name (a Dutch or German name: the NL columns);
  when the name does not change, in the language of the name kept (`Enterprise.name_language`).
* A mandate absent from a re-import of mandates.csv is *ended* (end date set to the day before
  the import) when its enterprise is part of the import, not deleted: it stops conferring
  signing authority at once, and its history stays. A mandate that had not started yet is
  deleted instead.
* code.csv (Category, Code, Language, Description) gives the names of the codes the registry
  uses; only the Category "JuridicalForm" is read, the rows of the other categories are skipped
  and counted as such. Its Language must be FR, NL, DE or EN: any other value is a malformed
  row (as an unknown language of denomination.csv is), not silently dropped, so that a change
  of the registry's layout stops the import instead of leaving names out. A juridical form of
  the file gets exactly the names the file gives (a language it lacks is emptied); forms absent
  from the file are left alone, never deleted (enterprises may still use their code). The file
  holds a few hundred rows: both paths read it in Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.validators import normalize_national_number
from enterprises.models import Enterprise, JuridicalForm, Mandate
from enterprises.numbers import normalize_enterprise_number
from portal.audit import Action, audit

BATCH_SIZE = 5000
# The report lists this many malformed rows (and counts them all): a file that is wrong from
# top to bottom must not fill the memory with its report.
MAX_LISTED_ERRORS = 10_000

ENTERPRISE_FILE = "enterprise.csv"
DENOMINATION_FILE = "denomination.csv"
ADDRESS_FILE = "address.csv"
MANDATE_FILE = "mandates.csv"
CODE_FILE = "code.csv"
# The files an update replaces by entity number, in the order they are read.
ROLES = {
    "enterprise": ENTERPRISE_FILE,
    "denomination": DENOMINATION_FILE,
    "address": ADDRESS_FILE,
    "mandates": MANDATE_FILE,
}

ENTERPRISE_COLUMNS = (
    "EnterpriseNumber",
    "Status",
    "JuridicalForm",
    "JuridicalFormCAC",
    "StartDate",
)
DENOMINATION_COLUMNS = ("EntityNumber", "Language", "TypeOfDenomination", "Denomination")
ADDRESS_COLUMNS = (
    "EntityNumber",
    "TypeOfAddress",
    "Zipcode",
    "MunicipalityNL",
    "MunicipalityFR",
    "StreetNL",
    "StreetFR",
    "HouseNumber",
    "Box",
    "DateStrikingOff",
)
CODE_COLUMNS = ("Category", "Code", "Language", "Description")
MANDATE_COLUMNS = (
    "EnterpriseNumber",
    "NationalNumber",
    "FirstName",
    "LastName",
    "Function",
    "SigningAuthority",
    "StartDate",
    "EndDate",
)
COLUMNS = {
    "enterprise": ENTERPRISE_COLUMNS,
    "denomination": DENOMINATION_COLUMNS,
    "address": ADDRESS_COLUMNS,
    "mandates": MANDATE_COLUMNS,
}
# A delete file needs only its number column (the registry's have nothing else).
DELETE_COLUMNS = {
    "enterprise": ("EnterpriseNumber",),
    "denomination": ("EntityNumber",),
    "address": ("EntityNumber",),
    "mandates": ("EnterpriseNumber",),
}
# Establishment units are named in the registry's delete files of names and addresses.
DELETE_ESTABLISHMENTS = {
    "enterprise": False,
    "denomination": True,
    "address": True,
    "mandates": False,
}

STATUSES = {"AC": Enterprise.Status.ACTIVE, "ST": Enterprise.Status.STOPPED}
# KBO language codes: 0 unknown, 1 French, 2 Dutch, 3 German, 4 English.
# Lower rank wins: French first, then Dutch, then any other.
LANGUAGE_RANK = {"1": 0, "2": 1, "3": 2, "4": 3, "0": 4}
# The rank of the chosen name -> Enterprise.name_language ("unknown" and no name: empty): the
# registry's languages, in the order of its codes 1 to 4 (as JuridicalForm declares them).
RANK_LANGUAGE = dict(enumerate(JuridicalForm.LABEL_FIELDS))
# Dutch and German names (codes 2 and 3) get the registry's NL columns of the address, which
# hold the German names of the German-speaking municipalities.
NL_COLUMN_LANGUAGES = (RANK_LANGUAGE[LANGUAGE_RANK["2"]], RANK_LANGUAGE[LANGUAGE_RANK["3"]])
NO_RANK = 99
# TypeOfDenomination: 001 name, 002 abbreviation, 003 commercial name -> slot in the record.
DENOMINATION_SLOT = {"001": 0, "002": 1, "003": 2}
# code.csv: the one category mirrored, and its languages -> JuridicalForm field.
JURIDICAL_FORM_CATEGORY = "JuridicalForm"
CODE_LANGUAGE_FIELD = {language.upper(): f for language, f in JuridicalForm.LABEL_FIELDS.items()}
TRUE_VALUES = {"true", "1", "yes", "y", "t"}
FALSE_VALUES = {"false", "0", "no", "n", "f", ""}

_MAX = {f.name: f.max_length for f in Enterprise._meta.fields if f.max_length}
_MANDATE_MAX = {f.name: f.max_length for f in Mandate._meta.fields if f.max_length}
_FORM_MAX = {f.name: f.max_length for f in JuridicalForm._meta.fields if f.max_length}

ENTERPRISE_WRITE_FIELDS = ["juridical_form", "status", "start_date"]
DENOMINATION_WRITE_FIELDS = ["name", "name_language", "abbreviation", "commercial_name"]
ADDRESS_WRITE_FIELDS = ["street", "house_number", "box", "zipcode", "municipality"]
JURIDICAL_FORM_WRITE_FIELDS = list(JuridicalForm.LABEL_FIELDS.values())
MANDATE_WRITE_FIELDS = [
    "first_name",
    "last_name",
    "signing_authority",
    "start_date",
    "end_date",
]
NO_ADDRESS = ("", "", "", "", "")


class RowInvalid(Exception):
    """One row cannot be imported; the message is the reason shown in the report."""


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.reason}"


class ErrorList(list):
    """The malformed rows: the first MAX_LISTED_ERRORS kept, all of them counted."""

    def __init__(self, limit: int = MAX_LISTED_ERRORS):
        super().__init__()
        self.limit = limit
        self.total = 0

    def append(self, error: RowError) -> None:
        self.total += 1
        if len(self) < self.limit:
            super().append(error)


@dataclass
class FileCounts:
    read: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    ended: int = 0
    stopped: int = 0


@dataclass
class ImportReport:
    dry_run: bool = False
    update: bool = False
    method: str = ""
    files: dict[str, FileCounts] = field(default_factory=dict)
    errors: ErrorList = field(default_factory=ErrorList)
    elapsed: float = 0.0
    # Enterprises this import named after their number (no denomination).
    unnamed: int = 0
    # Registered enterprises the registry stopped, flagged to their RAE and the contact centre.
    flagged: int = 0
    # Where the time went: phase -> seconds, in order; and the database server's CPU seconds
    # per phase, when the path can tell (PostgreSQL on this machine).
    timings: dict[str, float] = field(default_factory=dict)
    server_cpu: dict[str, float] = field(default_factory=dict)


class MalformedImport(Exception):
    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(f"{report.errors.total} malformed row(s); nothing was imported.")


# --- The files of a run ------------------------------------------------------------------


def delete_file(role: str) -> str:
    return ROLES[role].replace(".csv", "_delete.csv")


def insert_file(role: str) -> str:
    return ROLES[role].replace(".csv", "_insert.csv")


@dataclass(frozen=True)
class Files:
    """The files of one run, by role: the full files, or an update's delete and insert files."""

    update: bool
    # role -> the file of rows present (the full file, or the update's *_insert.csv)
    main: dict[str, str]
    # role -> the update's *_delete.csv present
    deleted: dict[str, str]
    code: str | None

    @classmethod
    def find(cls, directory: Path, update: bool) -> Files:
        def present(name: str) -> bool:
            return (directory / name).is_file()

        if update:
            main = {role: insert_file(role) for role in ROLES if present(insert_file(role))}
            deleted = {role: delete_file(role) for role in ROLES if present(delete_file(role))}
        else:
            main = {role: name for role, name in ROLES.items() if present(name)}
            deleted = {}
        return cls(update, main, deleted, CODE_FILE if present(CODE_FILE) else None)

    def missing(self, directory: Path) -> RowError | None:
        if self.update and not (self.main or self.deleted):
            return RowError(
                "*_insert.csv", 0, f"no update files (*_delete.csv, *_insert.csv) in {directory}"
            )
        if not self.update and "enterprise" not in self.main:
            return RowError(ENTERPRISE_FILE, 0, f"no {ENTERPRISE_FILE} in {directory}")
        return None

    def names(self) -> list[str]:
        """Every file of the run, in the order they are read (and reported)."""
        names = []
        for role in ROLES:
            names += [files[role] for files in (self.deleted, self.main) if role in files]
        return names + ([self.code] if self.code else [])

    @property
    def unknown(self) -> str:
        """Where an enterprise a row refers to must be (said when it is not)."""
        if self.update:
            return f"neither in {insert_file('enterprise')} nor in the registry mirror"
        return f"not in {ENTERPRISE_FILE}"

    @property
    def ended_counts(self) -> str | None:
        """The file whose counts show the mandates this import ends."""
        if not self.update:
            return self.main.get("mandates")
        for name in (self.main.get("mandates"), self.deleted.get("mandates")):
            if name:
                return name
        return self.deleted.get("enterprise")


# --- Reading ------------------------------------------------------------------------------


def _decoded_lines(handle, file: str, errors: list[RowError]) -> Iterator[str]:
    """Lines of a binary file as text: UTF-8, BOM tolerated, bad bytes reported by line."""
    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            errors.append(RowError(file, number, "not valid UTF-8 text"))
            text = raw.decode("utf-8", errors="replace")
        if "\x00" in text:
            # No database text holds a NUL character (PostgreSQL refuses it outright).
            errors.append(RowError(file, number, "contains a NUL character"))
            text = text.replace("\x00", "")
        yield text


def _rows(
    directory: Path, file: str, columns: tuple[str, ...], errors: list[RowError]
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(line number, the requested columns stripped) for every data row of the file.

    The line is the row's last physical line (a quoted field may span several).
    """
    with (directory / file).open("rb") as handle:
        reader = csv.reader(_decoded_lines(handle, file, errors), strict=True)
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            errors.append(RowError(file, 1, "the file is empty (a header row is expected)"))
            return
        except csv.Error as exc:
            errors.append(RowError(file, 1, f"unreadable CSV header ({exc})"))
            return
        missing = [name for name in columns if name not in header]
        if missing:
            errors.append(RowError(file, 1, f"missing column(s): {', '.join(missing)}"))
            return
        indexes = [header.index(name) for name in columns]
        pick = itemgetter(*indexes) if len(indexes) > 1 else (lambda row: (row[indexes[0]],))
        width = len(header)
        strip = str.strip
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # A broken quote makes the rest of the file unreliable: stop reading it.
                errors.append(RowError(file, reader.line_num, f"unreadable CSV ({exc})"))
                return
            if len(row) != width:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                errors.append(
                    RowError(
                        file,
                        reader.line_num,
                        f"{len(row)} field(s) where the header has {width}",
                    )
                )
                continue
            yield reader.line_num, tuple(map(strip, pick(row)))


# --- The rules of one row (both paths) ----------------------------------------------------

Known = Callable[[str], bool]
Prior = Callable[..., int | None]


def _message(exc: ValidationError) -> str:
    return "; ".join(str(m) for m in exc.messages)


def _never(_key) -> None:
    return None


def _enterprise_number(value: str, known: Known | None = None) -> str:
    """The ten digits; a number `known` (already checked in this import) skips stdnum's
    check, which would otherwise run for every row of every file."""
    if not value:
        raise RowInvalid("the enterprise number is missing")
    compact = value.replace(".", "").replace(" ", "")
    if known is not None and known(compact):
        return compact
    try:
        return normalize_enterprise_number(value)
    except ValidationError as exc:
        raise RowInvalid(_message(exc)) from None


def is_establishment_number(value: str) -> bool:
    """Establishment units are numbered 2.xxx.xxx.xxx to 8.xxx.xxx.xxx; enterprises 0 or 1."""
    if not value or value[0] not in "2345678":
        return False  # the common case, decided without building a string
    digits = value.replace(".", "").replace(" ", "")
    return len(digits) == 10 and digits.isascii() and digits.isdigit()


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def parse_date(value: str, label: str) -> dt.date | None:
    """Dates as the registry writes them (dd-mm-yyyy) or ISO (yyyy-mm-dd); empty is None.

    Sliced by hand rather than with strptime: this runs for every row (several times faster).
    ASCII digits only (int() would also take "2_020" or " 2020").
    """
    if not value:
        return None
    try:
        if len(value) == 10 and value[2] == "-" and value[5] == "-":
            day, month, year = value[:2], value[3:5], value[6:]
        elif len(value) == 10 and value[4] == "-" and value[7] == "-":
            year, month, day = value[:4], value[5:7], value[8:]
        else:
            raise ValueError
        if _digits(day) and _digits(month) and _digits(year):
            return dt.date(int(year), int(month), int(day))
    except ValueError:
        pass
    raise RowInvalid(f"{label} “{value}” is not a date (dd-mm-yyyy or yyyy-mm-dd)")


def _check_length(value: str, limit: int, label: str) -> str:
    if len(value) > limit:
        raise RowInvalid(f"{label} is longer than {limit} characters")
    return value


def parse_enterprise(row: tuple[str, ...], known: Known | None = None) -> tuple:
    number_raw, status, form, form_cac, start = row
    number = _enterprise_number(number_raw, known)
    if status not in STATUSES:
        raise RowInvalid(f"unknown status “{status}” (expected AC or ST)")
    # JuridicalFormCAC is set only for enterprises that have not adapted their statutes to
    # the 2019 Code of companies: the form they have under the current code. Prefer it.
    juridical_form = _check_length(form_cac or form, _MAX["juridical_form"], "JuridicalForm")
    return number, STATUSES[status], juridical_form, parse_date(start, "StartDate")


def parse_mandate(row: tuple[str, ...], known: Known | None = None) -> tuple:
    number_raw, nn_raw, first, last, function, signing, start, end = row
    number = _enterprise_number(number_raw, known)
    if not nn_raw:
        raise RowInvalid("the national number is missing")
    try:
        national_number = normalize_national_number(nn_raw)
    except ValidationError as exc:
        raise RowInvalid(_message(exc)) from None
    if not last:
        raise RowInvalid("LastName is missing")
    if not function:
        raise RowInvalid("Function is missing")
    _check_length(first, _MANDATE_MAX["first_name"], "FirstName")
    _check_length(last, _MANDATE_MAX["last_name"], "LastName")
    _check_length(function, _MANDATE_MAX["function"], "Function")
    lowered = signing.lower()
    if lowered in TRUE_VALUES:
        signing_authority = True
    elif lowered in FALSE_VALUES:
        signing_authority = False
    else:
        raise RowInvalid(f"SigningAuthority “{signing}” is not true or false")
    start_date = parse_date(start, "StartDate")
    end_date = parse_date(end, "EndDate")
    if start_date and end_date and end_date < start_date:
        raise RowInvalid("EndDate is before StartDate")
    return number, national_number, first, last, function, signing_authority, start_date, end_date


def parse_juridical_form(row: tuple[str, ...]) -> tuple[str, str, str]:
    """(code, JuridicalForm field, name) of a code.csv row of the JuridicalForm category."""
    _category, code, language, description = row
    if not code:
        raise RowInvalid("Code is missing")
    _check_length(code, _FORM_MAX["code"], "Code")
    if language not in CODE_LANGUAGE_FIELD:
        raise RowInvalid(f"unknown language “{language}” (FR, NL, DE or EN)")
    field_name = CODE_LANGUAGE_FIELD[language]
    if not description:
        raise RowInvalid("Description is empty")
    _check_length(description, _FORM_MAX[field_name], "Description")
    return code, field_name, description


def check_enterprise(row: tuple[str, ...], prior: Prior = _never) -> tuple:
    """A row of enterprise.csv; `prior(number)`: the line that already gave the number."""
    enterprise = parse_enterprise(row)
    first = prior(enterprise[0])
    if first is not None:
        raise RowInvalid(f"enterprise {enterprise[0]} already on line {first}")
    return enterprise


def check_reference(raw: str, known: Known, where: str) -> str | None:
    """The enterprise number a row of names or addresses refers to; None: an establishment
    unit's row, skipped."""
    if is_establishment_number(raw):
        return None
    number = _enterprise_number(raw, known)
    if not known(number):
        raise RowInvalid(f"unknown enterprise {number} ({where})")
    return number


def check_denomination(row: tuple[str, ...], known: Known, where: str) -> tuple | None:
    """(number, language rank, slot, text) of a row of denomination.csv; None: skipped."""
    raw, language, kind, text = row
    number = check_reference(raw, known, where)
    if number is None:
        return None
    if language not in LANGUAGE_RANK:
        raise RowInvalid(f"unknown language “{language}” (0 to 4)")
    if kind not in DENOMINATION_SLOT:
        raise RowInvalid(f"unknown TypeOfDenomination “{kind}” (001 to 003)")
    if not text:
        raise RowInvalid("the denomination is empty")
    if len(text) > _MAX["name"]:
        raise RowInvalid(f"longer than {_MAX['name']} characters")
    return number, LANGUAGE_RANK[language], DENOMINATION_SLOT[kind], text


def check_address(
    row: tuple[str, ...], known: Known, where: str, prior: Prior, nl_columns: Known
) -> tuple | None:
    """(number, (street, house number, box, zipcode, municipality)) of a row of address.csv;
    None: skipped. `prior(number)`: the line of the registered office already kept;
    `nl_columns(number)`: the enterprise's name is Dutch or German."""
    raw, kind, zipcode, town_nl, town_fr, street_nl, street_fr, house, box, struck = row
    number = check_reference(raw, known, where)
    if number is None:
        return None
    if not kind:
        raise RowInvalid("TypeOfAddress is missing")
    if kind != "REGO" or struck:
        return None  # branch addresses and struck-off addresses
    first = prior(number)
    if first is not None:
        raise RowInvalid(f"a second registered office for {number} (first on line {first})")
    # The address in the language of the name: an enterprise named in Dutch or German reads
    # "Veldstraat 45, 9000 Gent" (the registry's NL columns hold the German names of the
    # German-speaking municipalities); otherwise French, then Dutch.
    if nl_columns(number):
        street, town = street_nl or street_fr, town_nl or town_fr
    else:
        street, town = street_fr or street_nl, town_fr or town_nl
    address = (street, house, box, zipcode, town)
    for value, name in zip(address, ADDRESS_WRITE_FIELDS, strict=True):
        _check_length(value, _MAX[name], name)
    return number, address


def check_mandate(row: tuple[str, ...], known: Known, where: str, prior: Prior) -> tuple:
    """A row of mandates.csv; `prior((number, national number, function))`: the line that
    already gave that mandate."""
    mandate = parse_mandate(row, known)
    if not known(mandate[0]):
        raise RowInvalid(f"unknown enterprise {mandate[0]} ({where})")
    first = prior((mandate[0], mandate[1], mandate[4]))
    if first is not None:
        raise RowInvalid(f"the same person and function for {mandate[0]} already on line {first}")
    return mandate


def check_deleted(raw: str, establishments: bool) -> str | None:
    """The number a row of a delete file names; None: an establishment unit's, skipped."""
    if establishments and is_establishment_number(raw):
        return None
    return _enterprise_number(raw)


def number_display(number: str) -> str:
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


def name_language(rank: int) -> str:
    return RANK_LANGUAGE.get(rank, "")


# --- The Python path ----------------------------------------------------------------------


class _Validation:
    """The validation pass: errors, the enterprise numbers and the per-enterprise records."""

    def __init__(self, directory: Path, files: Files, report: ImportReport):
        self.directory = directory
        self.files = files
        self.report = report
        self.errors = report.errors
        self.where = files.unknown
        self.numbers: set[str] = set()
        # Of those, the ones the file lists as stopped.
        self.stopping: set[str] = set()
        # number -> [rank, name, rank, abbreviation, rank, commercial name]
        self.denominations: dict[str, list] = {}
        # number -> (street, house number, box, zipcode, municipality)
        self.addresses: dict[str, tuple[str, ...]] = {}
        # The enterprises of the mandates file.
        self.mandate_numbers: set[str] = set()
        # juridical form code -> {label field: name}
        self.juridical_forms: dict[str, dict[str, str]] = {}
        # role -> the numbers its delete file names (update)
        self.deleted: dict[str, set[str]] = {role: set() for role in ROLES}
        # Deleted by the registry and not inserted again: marked stopped (update).
        self.stopped: set[str] = set()
        self.enterprise_deleted_rows: list[str] = []
        self._mirror: dict[str, str] | None = None

    def mirror(self) -> dict[str, str]:
        """number -> name language of the enterprises the mirror holds (read once, when
        needed: this path is for the sample data)."""
        if self._mirror is None:
            self._mirror = dict(Enterprise.objects.values_list("number", "name_language"))
        return self._mirror

    def known(self, number: str) -> bool:
        return number in self.numbers or (self.files.update and number in self.mirror())

    def in_name_scope(self, number: str) -> bool:
        """Will this import write the enterprise's names?"""
        if not self.files.update:
            return "denomination" in self.files.main
        return number in self.denominations or (
            number in self.deleted["denomination"] and number not in self.stopped
        )

    def nl_columns(self, number: str) -> bool:
        if self.in_name_scope(number):
            record = self.denominations.get(number)
            language = name_language(record[0]) if record else ""
        else:
            language = self.mirror().get(number, "")
        return language in NL_COLUMN_LANGUAGES

    def error(self, file: str, line: int, reason: str) -> None:
        self.errors.append(RowError(file, line, reason))

    def run(self) -> None:
        files = self.files
        for role, read in (
            ("enterprise", self.enterprises),
            ("denomination", self.denomination_rows),
            ("address", self.address_rows),
            ("mandates", self.mandate_rows),
        ):
            if role in files.deleted:
                self.deleted_rows(role)
            if role in files.main:
                read()
            if role == "enterprise" and files.update:
                self.enterprise_deletions()
        if files.code:
            self.code_rows()

    def deleted_rows(self, role: str) -> None:
        file = self.files.deleted[role]
        counts = self.report.files[file]
        numbers = self.deleted[role]
        for line, (raw,) in _rows(self.directory, file, DELETE_COLUMNS[role], self.errors):
            counts.read += 1
            try:
                number = check_deleted(raw, DELETE_ESTABLISHMENTS[role])
            except RowInvalid as exc:
                self.error(file, line, str(exc))
                continue
            if number is None:
                counts.skipped += 1
                continue
            numbers.add(number)
            if role == "enterprise":
                self.enterprise_deleted_rows.append(number)  # known once the insert file is read
            elif not self.known(number):
                counts.skipped += 1  # nothing of it in the mirror, nor inserted

    def enterprise_deletions(self) -> None:
        """The enterprises the registry deleted and did not insert again, that the mirror
        holds: marked stopped (their names and addresses kept)."""
        mirror = self.mirror() if self.deleted["enterprise"] else {}
        self.stopped = {
            n for n in self.deleted["enterprise"] if n not in self.numbers and n in mirror
        }
        if "enterprise" in self.files.deleted:
            self.report.files[self.files.deleted["enterprise"]].skipped = sum(
                1 for n in self.enterprise_deleted_rows if not self.known(n)
            )

    def enterprises(self) -> None:
        file = self.files.main["enterprise"]
        counts = self.report.files[file]
        first_line: dict[str, int] = {}
        for line, row in _rows(self.directory, file, ENTERPRISE_COLUMNS, self.errors):
            counts.read += 1
            try:
                number, status, _form, _start = check_enterprise(row, first_line.get)
            except RowInvalid as exc:
                self.error(file, line, str(exc))
                continue
            self.numbers.add(number)
            if status == Enterprise.Status.STOPPED:
                self.stopping.add(number)
            first_line[number] = line

    def denomination_rows(self) -> None:
        file = self.files.main["denomination"]
        counts = self.report.files[file]
        for line, row in _rows(self.directory, file, DENOMINATION_COLUMNS, self.errors):
            counts.read += 1
            try:
                checked = check_denomination(row, self.known, self.where)
            except RowInvalid as exc:
                self.error(file, line, str(exc))
                continue
            if checked is None:
                counts.skipped += 1
                continue
            number, rank, slot, text = checked
            record = self.denominations.setdefault(number, [NO_RANK, "", NO_RANK, "", NO_RANK, ""])
            slot *= 2
            if rank < record[slot]:  # first row of the best language wins
                record[slot] = rank
                record[slot + 1] = text

    def address_rows(self) -> None:
        file = self.files.main["address"]
        counts = self.report.files[file]
        first_line: dict[str, int] = {}
        for line, row in _rows(self.directory, file, ADDRESS_COLUMNS, self.errors):
            counts.read += 1
            try:
                checked = check_address(
                    row, self.known, self.where, first_line.get, self.nl_columns
                )
            except RowInvalid as exc:
                self.error(file, line, str(exc))
                continue
            if checked is None:
                counts.skipped += 1
                continue
            number, address = checked
            self.addresses[number] = address
            first_line[number] = line

    def mandate_rows(self) -> None:
        file = self.files.main["mandates"]
        counts = self.report.files[file]
        first_line: dict[tuple, int] = {}
        for line, row in _rows(self.directory, file, MANDATE_COLUMNS, self.errors):
            counts.read += 1
            try:
                mandate = check_mandate(row, self.known, self.where, first_line.get)
            except RowInvalid as exc:
                self.error(file, line, str(exc))
                continue
            first_line[(mandate[0], mandate[1], mandate[4])] = line
            self.mandate_numbers.add(mandate[0])

    def code_rows(self) -> None:
        read_code_file(self.directory, self.report, self.juridical_forms)


def read_code_file(directory: Path, report: ImportReport, forms: dict) -> None:
    """code.csv (a few hundred rows, on both paths): `forms` gets code -> {field: name}."""
    counts = report.files[CODE_FILE]
    first_line: dict[tuple[str, str], int] = {}
    for line, row in _rows(directory, CODE_FILE, CODE_COLUMNS, report.errors):
        counts.read += 1
        category, language = row[0], row[2]
        if not category:
            report.errors.append(RowError(CODE_FILE, line, "Category is missing"))
            continue
        if category != JURIDICAL_FORM_CATEGORY:
            counts.skipped += 1  # activity codes, statuses...: not mirrored
            continue
        try:
            code, field_name, description = parse_juridical_form(row)
        except RowInvalid as exc:
            report.errors.append(RowError(CODE_FILE, line, str(exc)))
            continue
        key = (code, field_name)
        if key in first_line:
            report.errors.append(
                RowError(
                    CODE_FILE,
                    line,
                    f"juridical form {code} in {language} already on line {first_line[key]}",
                )
            )
            continue
        first_line[key] = line
        forms.setdefault(code, {})[field_name] = description


def _chunks(iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_juridical_forms(forms: dict[str, dict[str, str]], counts: FileCounts, size: int) -> None:
    """The names of the juridical forms (both paths: a few hundred rows)."""
    objects = [
        # A language the file lacks is emptied: the file is the truth for its forms.
        JuridicalForm(
            code=code, **{name: labels.get(name, "") for name in JURIDICAL_FORM_WRITE_FIELDS}
        )
        for code, labels in sorted(forms.items())
    ]
    for batch in _chunks(objects, size):
        codes = [form.code for form in batch]
        existing = JuridicalForm.objects.filter(code__in=codes).count()
        JuridicalForm.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=JURIDICAL_FORM_WRITE_FIELDS,
        )
        # Counted per form (with all its names), as names are counted per enterprise.
        counts.updated += existing
        counts.created += len(batch) - existing


class _Writer:
    """The write pass: the files, already validated, streamed again into upserts."""

    def __init__(self, validation: _Validation, batch_size: int):
        self.v = validation
        self.files = validation.files
        self.report = validation.report
        self.batch_size = batch_size
        self.update_fields = list(ENTERPRISE_WRITE_FIELDS)
        if not self.files.update and "denomination" in self.files.main:
            self.update_fields += DENOMINATION_WRITE_FIELDS
        if not self.files.update and "address" in self.files.main:
            self.update_fields += ADDRESS_WRITE_FIELDS
        self.update_fields.append("updated_at")
        # The numbers this import creates.
        self.created: set[str] = set()

    def run(self) -> list[int]:
        """Write everything; the ids of the registered enterprises the registry stopped."""
        started = timezone.now()
        stops = self.registry_stops()
        if self.files.code:
            write_juridical_forms(
                self.v.juridical_forms, self.report.files[CODE_FILE], self.batch_size
            )
        if "enterprise" in self.files.main:
            self.enterprises()
        if self.files.update:
            self.scoped_names()
            self.scoped_addresses()
            self.stop_deleted()
        self.count_records()
        scope = self.mandate_scope()
        if "mandates" in self.files.main:
            self.mandates()
        if scope:
            self._end_absent_mandates(started, scope)
        return stops

    def registry_stops(self) -> list[int]:
        """Registered enterprises, active now, that this import stops."""
        stopping = sorted(self.v.stopping | self.v.stopped)
        ids: list[int] = []
        for numbers in _chunks(stopping, self.batch_size):
            ids += Enterprise.objects.filter(
                number__in=numbers,
                status=Enterprise.Status.ACTIVE,
                registration__isnull=False,
            ).values_list("pk", flat=True)
        return sorted(ids)

    def _enterprise_objects(self) -> Iterator[Enterprise]:
        v = self.v
        file = self.files.main["enterprise"]
        for _line, row in _rows(v.directory, file, ENTERPRISE_COLUMNS, []):
            number, status, juridical_form, start_date = parse_enterprise(
                row, v.numbers.__contains__
            )
            enterprise = Enterprise(
                number=number,
                status=status,
                juridical_form=juridical_form,
                start_date=start_date,
            )
            names = v.denominations.get(number)
            if names:
                enterprise.name_language = name_language(names[0])
                enterprise.name = names[1]
                enterprise.abbreviation = names[3]
                enterprise.commercial_name = names[5]
            if not enterprise.name:
                # Natural persons have no denomination in the open data.
                enterprise.name = enterprise.number_display
            (
                enterprise.street,
                enterprise.house_number,
                enterprise.box,
                enterprise.zipcode,
                enterprise.municipality,
            ) = v.addresses.get(number, NO_ADDRESS)
            yield enterprise

    def enterprises(self) -> None:
        counts = self.report.files[self.files.main["enterprise"]]
        flagged = set(
            Enterprise.objects.filter(registry_stopped_at__isnull=False).values_list(
                "number", flat=True
            )
        )
        active_again = []
        for batch in _chunks(self._enterprise_objects(), self.batch_size):
            numbers = [e.number for e in batch]
            existing = set(
                Enterprise.objects.filter(number__in=numbers).values_list("number", flat=True)
            )
            Enterprise.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["number"],
                update_fields=self.update_fields,
            )
            counts.updated += len(existing)
            counts.created += len(batch) - len(existing)
            self.created.update(n for n in numbers if n not in existing)
            active_again += [e.number for e in batch if e.number in flagged and e.is_active]
        # Listed as active again: the flag of a stop no longer holds.
        for numbers in _chunks(active_again, self.batch_size):
            Enterprise.objects.filter(number__in=numbers).update(registry_stopped_at=None)

    def _name_scope(self) -> set[str]:
        v = self.v
        return set(v.denominations) | (v.deleted["denomination"] - v.stopped)

    def _address_scope(self) -> set[str]:
        v = self.v
        return set(v.addresses) | (v.deleted["address"] - v.stopped)

    def scoped_names(self) -> None:
        """Update: the names of every enterprise the name files speak of, replaced."""
        now = timezone.now()
        for number in sorted(self._name_scope() - self.created):
            names = self.v.denominations.get(number)
            rank, name, _r, abbreviation, _r2, commercial = names or (NO_RANK, "", 0, "", 0, "")
            Enterprise.objects.filter(number=number).update(
                name=name or number_display(number),
                name_language=name_language(rank),
                abbreviation=abbreviation,
                commercial_name=commercial,
                updated_at=now,
            )

    def scoped_addresses(self) -> None:
        now = timezone.now()
        for number in sorted(self._address_scope() - self.created):
            street, house, box, zipcode, town = self.v.addresses.get(number, NO_ADDRESS)
            Enterprise.objects.filter(number=number).update(
                street=street,
                house_number=house,
                box=box,
                zipcode=zipcode,
                municipality=town,
                updated_at=now,
            )

    def stop_deleted(self) -> None:
        if "enterprise" not in self.files.deleted:
            return
        counts = self.report.files[self.files.deleted["enterprise"]]
        for numbers in _chunks(sorted(self.v.stopped), self.batch_size):
            Enterprise.objects.filter(number__in=numbers).exclude(
                status=Enterprise.Status.STOPPED
            ).update(status=Enterprise.Status.STOPPED, updated_at=timezone.now())
        counts.stopped = len(self.v.stopped)

    def count_records(self) -> None:
        """Names and addresses are counted per enterprise: created with a new enterprise,
        updated with an existing one; and the enterprises named after their number."""
        v = self.v
        for role, records in (("denomination", v.denominations), ("address", v.addresses)):
            if role in self.files.main:
                counts = self.report.files[self.files.main[role]]
                created = sum(1 for number in records if number in self.created)
                counts.created += created
                counts.updated += len(records) - created
        named = {n for n, record in v.denominations.items() if record[1]}
        if self.files.update:
            scope = (self._name_scope() & (set(v.mirror()) | self.created)) | self.created
        elif "denomination" in self.files.main:
            scope = v.numbers
        else:
            scope = self.created
        self.report.unnamed = len(scope - named)

    def mandate_scope(self) -> set[str]:
        """The enterprises whose mandates this import replaces."""
        v = self.v
        if not self.files.update:
            return v.numbers if "mandates" in self.files.main else set()
        return v.mandate_numbers | v.deleted["mandates"] | v.stopped

    def _mandate_rows(self) -> Iterator[tuple]:
        file = self.files.main["mandates"]
        for _line, row in _rows(self.v.directory, file, MANDATE_COLUMNS, []):
            yield parse_mandate(row, self.v.known)

    def mandates(self) -> None:
        counts = self.report.files[self.files.main["mandates"]]
        for batch in _chunks(self._mandate_rows(), self.batch_size):
            ids = dict(
                Enterprise.objects.filter(number__in={m[0] for m in batch}).values_list(
                    "number", "pk"
                )
            )
            existing = set(
                Mandate.objects.filter(enterprise_id__in=ids.values()).values_list(
                    "enterprise_id", "national_number", "function"
                )
            )
            objects = []
            for number, nn, first, last, function, signing, start, end in batch:
                enterprise_id = ids[number]
                if (enterprise_id, nn, function) in existing:
                    counts.updated += 1
                else:
                    counts.created += 1
                objects.append(
                    Mandate(
                        enterprise_id=enterprise_id,
                        national_number=nn,
                        first_name=first,
                        last_name=last,
                        function=function,
                        signing_authority=signing,
                        start_date=start,
                        end_date=end,
                    )
                )
            Mandate.objects.bulk_create(
                objects,
                update_conflicts=True,
                unique_fields=["enterprise", "national_number", "function"],
                update_fields=[*MANDATE_WRITE_FIELDS, "updated_at"],
            )

    def _end_absent_mandates(self, started, scope: set[str]) -> None:
        """Mandates of the enterprises in `scope` that this import did not touch have ended.

        Every mandate of the file was just upserted, so its updated_at is after `started`.
        """
        counts = self.report.files[self.files.ended_counts]
        today = timezone.localdate()
        yesterday = today - dt.timedelta(days=1)
        for numbers in _chunks(sorted(scope), self.batch_size):
            absent = Mandate.objects.filter(
                enterprise__number__in=numbers, updated_at__lt=started
            ).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            # Not started yet: it never conferred anything, remove it.
            absent.filter(start_date__gt=yesterday).delete()
            counts.ended += absent.update(end_date=yesterday, updated_at=timezone.now())


def _import_in_python(directory: Path, files: Files, report: ImportReport, batch_size: int):
    began = time.perf_counter()
    validation = _Validation(directory, files, report)
    validation.run()
    report.timings["validation"] = time.perf_counter() - began
    if report.errors:
        raise MalformedImport(report)
    began = time.perf_counter()
    with transaction.atomic():
        stops = _Writer(validation, batch_size).run()
        finish(directory, report, stops)
        if report.dry_run:
            transaction.set_rollback(True)
    report.timings["write and commit"] = time.perf_counter() - began


def finish(directory: Path, report: ImportReport, stops: list[int]) -> None:
    """What both paths do last, in the import's transaction: flag the registered enterprises
    the registry stopped, and the import's audit event."""
    from enterprises import services

    for enterprise in Enterprise.objects.filter(pk__in=stops).order_by("pk"):
        if services.enterprise_stopped_by_registry(enterprise=enterprise):
            report.flagged += 1
    details = {
        "directory": str(directory),
        "files": {name: vars(counts) for name, counts in report.files.items()},
    }
    if report.update:
        details["update"] = True
    audit(actor=None, action=Action.CBE_IMPORT, details=details)


METHODS = ("auto", "postgresql", "python")


def import_cbe(
    directory: str | Path,
    *,
    dry_run: bool = False,
    update: bool = False,
    batch_size: int = BATCH_SIZE,
    method: str = "auto",
) -> ImportReport:
    """Validate then import the files of `directory`; raises MalformedImport, writing nothing.

    `update`: the monthly update files (*_delete.csv, *_insert.csv) rather than the full set.
    `method`: "auto" (PostgreSQL's fast path on PostgreSQL, Python elsewhere), or one of them.
    """
    begin = time.perf_counter()
    directory = Path(directory)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    if method == "auto":
        method = "postgresql" if connection.vendor == "postgresql" else "python"
    if method == "postgresql" and connection.vendor != "postgresql":
        raise ValueError("the postgresql method needs a PostgreSQL database")
    report = ImportReport(dry_run=dry_run, update=update, method=method)
    files = Files.find(directory, update)
    problem = files.missing(directory)
    if problem:
        report.errors.append(problem)
        raise MalformedImport(report)
    report.files = {name: FileCounts() for name in files.names()}
    try:
        if method == "postgresql":
            from enterprises.importer_pg import import_in_postgresql

            import_in_postgresql(directory, files, report, batch_size)
        else:
            _import_in_python(directory, files, report, batch_size)
    finally:
        report.elapsed = time.perf_counter() - begin
    return report
