"""Import of the CBE/KBO open data into the registry mirror (Enterprise, Mandate).

The files follow the FPS Economy's "Cookbook KBO Open data" layout (enterprise.csv,
denomination.csv, address.csv, code.csv) plus our own mandates.csv. The import is
all-or-nothing:

1. *Validation pass*: every file is streamed once (csv module, line by line); every malformed
   row is collected with its file and line number. What is kept in memory is one reduced
   record per enterprise (its best denominations and registered-office address), the set of
   enterprise numbers and the names of the juridical forms (a few hundred), never a file.
2. If anything is malformed, nothing is written: `MalformedImport` carries the full report.
3. *Write pass*, in one transaction: the juridical forms are written from memory, enterprise.csv
   and mandates.csv are streamed again; all with `bulk_create(update_conflicts=True)` in
   batches, so a re-import updates rows in place and never duplicates them. A dry run does the
   same work and rolls the transaction back, so its counts are exactly those of a real run.

Choices where the registry is silent (also written in data/cbe-sample/README.md):

* Only enterprises are mirrored: rows about establishment units (entity numbers 2.xxx.xxx.xxx
  to 8.xxx.xxx.xxx), addresses other than the registered office (TypeOfAddress "REGO") and
  struck-off addresses (DateStrikingOff set) are skipped, and counted as such.
* A file that is absent leaves its fields alone (no denomination.csv: names are kept); a file
  that is present is the truth for the enterprises of enterprise.csv (no REGO row for an
  enterprise in address.csv: its address is emptied).
* An enterprise without any name (natural persons have none in the open data) is named after
  its formatted number.
* A mandate absent from a re-import of mandates.csv is *ended* (end date set to the day before
  the import) when its enterprise is part of the import, not deleted: it stops conferring
  signing authority at once, and its history stays. A mandate that had not started yet is
  deleted instead.
* A registered enterprise that the file gives as stopped ("ST") stops giving its people's
  roles effect at once; the applications concerned are told by revocation events
  (`relying/events.py`), queued in the import's transaction.
* code.csv (Category, Code, Language, Description) gives the names of the codes the registry
  uses; only the Category "JuridicalForm" is read, the rows of the other categories are skipped
  and counted as such. Its Language must be FR, NL, DE or EN: any other value is a malformed
  row (as an unknown language of denomination.csv is), not silently dropped, so that a change
  of the registry's layout stops the import instead of leaving names out. A juridical form of
  the file gets exactly the names the file gives (a language it lacks is emptied); forms absent
  from the file are left alone, never deleted (enterprises may still use their code).
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.validators import normalize_national_number
from enterprises.models import Enterprise, JuridicalForm, Mandate
from enterprises.numbers import normalize_enterprise_number
from portal.audit import Action, audit
from portal.outbox import enqueue
from relying import task_names as relying_task_names

BATCH_SIZE = 5000
STOPPED_PER_MESSAGE = 500

ENTERPRISE_FILE = "enterprise.csv"
DENOMINATION_FILE = "denomination.csv"
ADDRESS_FILE = "address.csv"
MANDATE_FILE = "mandates.csv"
CODE_FILE = "code.csv"

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

STATUSES = {"AC": Enterprise.Status.ACTIVE, "ST": Enterprise.Status.STOPPED}
# KBO language codes: 0 unknown, 1 French, 2 Dutch, 3 German, 4 English.
# Lower rank wins: French first, then Dutch, then any other.
LANGUAGE_RANK = {"1": 0, "2": 1, "3": 2, "4": 3, "0": 4}
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
DENOMINATION_WRITE_FIELDS = ["name", "abbreviation", "commercial_name"]
ADDRESS_WRITE_FIELDS = ["street", "house_number", "box", "zipcode", "municipality"]
JURIDICAL_FORM_WRITE_FIELDS = list(JuridicalForm.LABEL_FIELDS.values())
MANDATE_WRITE_FIELDS = [
    "first_name",
    "last_name",
    "signing_authority",
    "start_date",
    "end_date",
]


class RowInvalid(Exception):
    """One row cannot be imported; the message is the reason shown in the report."""


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}: {self.reason}"


@dataclass
class FileCounts:
    read: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    ended: int = 0


@dataclass
class ImportReport:
    dry_run: bool = False
    files: dict[str, FileCounts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    elapsed: float = 0.0
    unnamed: int = 0


class MalformedImport(Exception):
    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(f"{len(report.errors)} malformed row(s); nothing was imported.")


# --- Reading ------------------------------------------------------------------------------


def _decoded_lines(handle, file: str, errors: list[RowError]) -> Iterator[str]:
    """Lines of a binary file as text: UTF-8, BOM tolerated, bad bytes reported by line."""
    for number, raw in enumerate(handle, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            errors.append(RowError(file, number, "not valid UTF-8 text"))
            yield raw.decode("utf-8", errors="replace")


def _rows(
    directory: Path, file: str, columns: tuple[str, ...], errors: list[RowError]
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(line number, the requested columns stripped) for every data row of the file."""
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
        pick = itemgetter(*(header.index(name) for name in columns))
        width = len(header)
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # A broken quote makes the rest of the file unreliable: stop reading it.
                errors.append(RowError(file, reader.line_num, f"unreadable CSV ({exc})"))
                return
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) != width:
                errors.append(
                    RowError(
                        file,
                        reader.line_num,
                        f"{len(row)} field(s) where the header has {width}",
                    )
                )
                continue
            yield reader.line_num, tuple(value.strip() for value in pick(row))


# --- Parsing one row ----------------------------------------------------------------------


def _message(exc: ValidationError) -> str:
    return "; ".join(str(m) for m in exc.messages)


def _enterprise_number(value: str, known: set[str] | frozenset[str] = frozenset()) -> str:
    """The ten digits; `known` numbers (already checked in this import) skip stdnum's check,
    which would otherwise run for every row of every file."""
    if not value:
        raise RowInvalid("the enterprise number is missing")
    compact = value.replace(".", "").replace(" ", "")
    if compact in known:
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
    return len(digits) == 10 and digits.isdigit()


def parse_date(value: str, label: str) -> dt.date | None:
    """Dates as the registry writes them (dd-mm-yyyy) or ISO (yyyy-mm-dd); empty is None.

    Sliced by hand rather than with strptime: this runs for every row (several times faster).
    """
    if not value:
        return None
    try:
        if len(value) == 10 and value[2] == "-" and value[5] == "-":
            return dt.date(int(value[6:]), int(value[3:5]), int(value[:2]))
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            return dt.date(int(value[:4]), int(value[5:7]), int(value[8:]))
    except ValueError:
        pass
    raise RowInvalid(f"{label} “{value}” is not a date (dd-mm-yyyy or yyyy-mm-dd)")


def _check_length(value: str, limit: int, label: str) -> str:
    if len(value) > limit:
        raise RowInvalid(f"{label} is longer than {limit} characters")
    return value


def parse_enterprise(row: tuple[str, ...], known: set[str] | frozenset[str] = frozenset()) -> tuple:
    number_raw, status, form, form_cac, start = row
    number = _enterprise_number(number_raw, known)
    if status not in STATUSES:
        raise RowInvalid(f"unknown status “{status}” (expected AC or ST)")
    # JuridicalFormCAC is set only for enterprises that have not adapted their statutes to
    # the 2019 Code of companies: the form they have under the current code. Prefer it.
    juridical_form = _check_length(form_cac or form, _MAX["juridical_form"], "JuridicalForm")
    return number, STATUSES[status], juridical_form, parse_date(start, "StartDate")


def parse_mandate(row: tuple[str, ...], known: set[str] | frozenset[str] = frozenset()) -> tuple:
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


# --- The import ---------------------------------------------------------------------------


class _Validation:
    """The validation pass: errors, the enterprise numbers and the per-enterprise records."""

    def __init__(self, directory: Path, report: ImportReport):
        self.directory = directory
        self.report = report
        self.errors = report.errors
        self.numbers: set[str] = set()
        # number -> [rank, name, rank, abbreviation, rank, commercial name]
        self.denominations: dict[str, list] = {}
        # number -> (street, house number, box, zipcode, municipality)
        self.addresses: dict[str, tuple[str, ...]] = {}
        # juridical form code -> {label field: name}
        self.juridical_forms: dict[str, dict[str, str]] = {}
        self.has = {
            name: (directory / name).is_file()
            for name in (DENOMINATION_FILE, ADDRESS_FILE, MANDATE_FILE, CODE_FILE)
        }

    def error(self, file: str, line: int, reason: str) -> None:
        self.errors.append(RowError(file, line, reason))

    def run(self) -> None:
        self.enterprises()
        if self.has[DENOMINATION_FILE]:
            self.denomination_rows()
        if self.has[ADDRESS_FILE]:
            self.address_rows()  # after the names: the address follows the name's language
        if self.has[MANDATE_FILE]:
            self.mandate_rows()
        if self.has[CODE_FILE]:
            self.code_rows()

    def enterprises(self) -> None:
        counts = self.report.files[ENTERPRISE_FILE] = FileCounts()
        first_line: dict[str, int] = {}
        for line, row in _rows(self.directory, ENTERPRISE_FILE, ENTERPRISE_COLUMNS, self.errors):
            counts.read += 1
            try:
                number = parse_enterprise(row)[0]
            except RowInvalid as exc:
                self.error(ENTERPRISE_FILE, line, str(exc))
                continue
            if number in self.numbers:
                self.error(
                    ENTERPRISE_FILE,
                    line,
                    f"enterprise {number} already on line {first_line[number]}",
                )
                continue
            self.numbers.add(number)
            first_line[number] = line

    def _referenced(self, file: str, line: int, raw: str, counts: FileCounts) -> str | None:
        """The enterprise number a row refers to, None if the row is to be skipped."""
        if is_establishment_number(raw):
            counts.skipped += 1
            return None
        try:
            number = _enterprise_number(raw, self.numbers)
        except RowInvalid as exc:
            self.error(file, line, str(exc))
            return None
        if number not in self.numbers:
            self.error(file, line, f"unknown enterprise {number} (not in {ENTERPRISE_FILE})")
            return None
        return number

    def denomination_rows(self) -> None:
        counts = self.report.files[DENOMINATION_FILE] = FileCounts()
        limit = _MAX["name"]
        for line, (raw, language, kind, text) in _rows(
            self.directory, DENOMINATION_FILE, DENOMINATION_COLUMNS, self.errors
        ):
            counts.read += 1
            number = self._referenced(DENOMINATION_FILE, line, raw, counts)
            if number is None:
                continue
            if language not in LANGUAGE_RANK:
                self.error(DENOMINATION_FILE, line, f"unknown language “{language}” (0 to 4)")
                continue
            if kind not in DENOMINATION_SLOT:
                self.error(
                    DENOMINATION_FILE, line, f"unknown TypeOfDenomination “{kind}” (001 to 003)"
                )
                continue
            if not text:
                self.error(DENOMINATION_FILE, line, "the denomination is empty")
                continue
            if len(text) > limit:
                self.error(DENOMINATION_FILE, line, f"longer than {limit} characters")
                continue
            record = self.denominations.setdefault(number, [99, "", 99, "", 99, ""])
            slot = DENOMINATION_SLOT[kind] * 2
            rank = LANGUAGE_RANK[language]
            if rank < record[slot]:  # first row of the best language wins
                record[slot] = rank
                record[slot + 1] = text

    def address_rows(self) -> None:
        counts = self.report.files[ADDRESS_FILE] = FileCounts()
        first_line: dict[str, int] = {}
        for line, row in _rows(self.directory, ADDRESS_FILE, ADDRESS_COLUMNS, self.errors):
            counts.read += 1
            raw, kind, zipcode, town_nl, town_fr, street_nl, street_fr, house, box, struck = row
            number = self._referenced(ADDRESS_FILE, line, raw, counts)
            if number is None:
                continue
            if not kind:
                self.error(ADDRESS_FILE, line, "TypeOfAddress is missing")
                continue
            if kind != "REGO" or struck:
                counts.skipped += 1  # branch addresses and struck-off addresses
                continue
            if number in self.addresses:
                self.error(
                    ADDRESS_FILE,
                    line,
                    f"a second registered office for {number} (first on line {first_line[number]})",
                )
                continue
            # The address in the language of the name: an enterprise named in Dutch or German
            # reads "Veldstraat 45, 9000 Gent" (the registry's NL columns hold the German
            # names of the German-speaking municipalities); otherwise French, then Dutch.
            names = self.denominations.get(number)
            if names and names[0] in (LANGUAGE_RANK["2"], LANGUAGE_RANK["3"]):
                street, town = street_nl or street_fr, town_nl or town_fr
            else:
                street, town = street_fr or street_nl, town_fr or town_nl
            address = (street, house, box, zipcode, town)
            try:
                for value, name in zip(address, ADDRESS_WRITE_FIELDS, strict=True):
                    _check_length(value, _MAX[name], name)
            except RowInvalid as exc:
                self.error(ADDRESS_FILE, line, str(exc))
                continue
            self.addresses[number] = address
            first_line[number] = line

    def mandate_rows(self) -> None:
        counts = self.report.files[MANDATE_FILE] = FileCounts()
        first_line: dict[tuple, int] = {}
        for line, row in _rows(self.directory, MANDATE_FILE, MANDATE_COLUMNS, self.errors):
            counts.read += 1
            try:
                mandate = parse_mandate(row, self.numbers)
            except RowInvalid as exc:
                self.error(MANDATE_FILE, line, str(exc))
                continue
            if mandate[0] not in self.numbers:
                self.error(
                    MANDATE_FILE,
                    line,
                    f"unknown enterprise {mandate[0]} (not in {ENTERPRISE_FILE})",
                )
                continue
            key = (mandate[0], mandate[1], mandate[4])
            if key in first_line:
                self.error(
                    MANDATE_FILE,
                    line,
                    f"the same person and function for {mandate[0]} already on line "
                    f"{first_line[key]}",
                )
                continue
            first_line[key] = line

    def code_rows(self) -> None:
        counts = self.report.files[CODE_FILE] = FileCounts()
        first_line: dict[tuple[str, str], int] = {}
        for line, row in _rows(self.directory, CODE_FILE, CODE_COLUMNS, self.errors):
            counts.read += 1
            category, language = row[0], row[2]
            if not category:
                self.error(CODE_FILE, line, "Category is missing")
                continue
            if category != JURIDICAL_FORM_CATEGORY:
                counts.skipped += 1  # activity codes, statuses...: not mirrored
                continue
            try:
                code, field_name, description = parse_juridical_form(row)
            except RowInvalid as exc:
                self.error(CODE_FILE, line, str(exc))
                continue
            key = (code, field_name)
            if key in first_line:
                self.error(
                    CODE_FILE,
                    line,
                    f"juridical form {code} in {language} already on line {first_line[key]}",
                )
                continue
            first_line[key] = line
            self.juridical_forms.setdefault(code, {})[field_name] = description


def _chunks(iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in iterable:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Writer:
    """The write pass: the files, already validated, streamed again into upserts."""

    def __init__(self, validation: _Validation, batch_size: int):
        self.v = validation
        self.report = validation.report
        self.batch_size = batch_size
        self.update_fields = list(ENTERPRISE_WRITE_FIELDS)
        if self.v.has[DENOMINATION_FILE]:
            self.update_fields += DENOMINATION_WRITE_FIELDS
        if self.v.has[ADDRESS_FILE]:
            self.update_fields += ADDRESS_WRITE_FIELDS
        self.update_fields.append("updated_at")
        # Registered enterprises this import stops: their roles stop giving access.
        self.stopped: list[int] = []

    def run(self) -> None:
        started = timezone.now()
        if self.v.has[CODE_FILE]:
            self.juridical_forms()
        self.enterprises()
        if self.v.has[MANDATE_FILE]:
            self.mandates(started)

    def juridical_forms(self) -> None:
        counts = self.report.files[CODE_FILE]
        forms = [
            # A language the file lacks is emptied: the file is the truth for its forms.
            JuridicalForm(
                code=code, **{name: labels.get(name, "") for name in JURIDICAL_FORM_WRITE_FIELDS}
            )
            for code, labels in sorted(self.v.juridical_forms.items())
        ]
        for batch in _chunks(forms, self.batch_size):
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

    def _enterprise_objects(self) -> Iterator[Enterprise]:
        no_address = ("", "", "", "", "")
        for _line, row in _rows(self.v.directory, ENTERPRISE_FILE, ENTERPRISE_COLUMNS, []):
            number, status, juridical_form, start_date = parse_enterprise(row, self.v.numbers)
            enterprise = Enterprise(
                number=number,
                status=status,
                juridical_form=juridical_form,
                start_date=start_date,
            )
            names = self.v.denominations.get(number)
            if names:
                enterprise.name = names[1]
                enterprise.abbreviation = names[3]
                enterprise.commercial_name = names[5]
            if not enterprise.name:
                # Natural persons have no denomination in the open data.
                enterprise.name = enterprise.number_display
                self.report.unnamed += 1
            (
                enterprise.street,
                enterprise.house_number,
                enterprise.box,
                enterprise.zipcode,
                enterprise.municipality,
            ) = self.v.addresses.get(number, no_address)
            yield enterprise

    def enterprises(self) -> None:
        counts = self.report.files[ENTERPRISE_FILE]
        for batch in _chunks(self._enterprise_objects(), self.batch_size):
            numbers = [e.number for e in batch]
            known = Enterprise.objects.filter(number__in=numbers).values_list(
                "number", "pk", "status", "registration"
            )
            existing = set()
            registered_active = {}
            for number, pk, status, registration in known:
                existing.add(number)
                if status == Enterprise.Status.ACTIVE and registration is not None:
                    registered_active[number] = pk
            Enterprise.objects.bulk_create(
                batch,
                update_conflicts=True,
                unique_fields=["number"],
                update_fields=self.update_fields,
            )
            counts.updated += len(existing)
            counts.created += len(batch) - len(existing)
            self.stopped += [
                registered_active[e.number]
                for e in batch
                if e.status == Enterprise.Status.STOPPED and e.number in registered_active
            ]
            # Names and addresses are written with their enterprise (one record each): they
            # count as created with a new enterprise, updated with an existing one.
            for file, records in (
                (DENOMINATION_FILE, self.v.denominations),
                (ADDRESS_FILE, self.v.addresses),
            ):
                if file in self.report.files:
                    sub = self.report.files[file]
                    for number in numbers:
                        if number in records:
                            if number in existing:
                                sub.updated += 1
                            else:
                                sub.created += 1

    def _mandate_rows(self) -> Iterator[tuple]:
        for _line, row in _rows(self.v.directory, MANDATE_FILE, MANDATE_COLUMNS, []):
            yield parse_mandate(row, self.v.numbers)

    def mandates(self, started) -> None:
        counts = self.report.files[MANDATE_FILE]
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
        self._end_absent_mandates(started, counts)

    def _end_absent_mandates(self, started, counts: FileCounts) -> None:
        """Mandates of imported enterprises that this import did not touch have ended.

        Every mandate of the file was just upserted, so its updated_at is after `started`.
        """
        today = timezone.localdate()
        yesterday = today - dt.timedelta(days=1)
        for numbers in _chunks(sorted(self.v.numbers), self.batch_size):
            absent = Mandate.objects.filter(
                enterprise__number__in=numbers, updated_at__lt=started
            ).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
            # Not started yet: it never conferred anything, remove it.
            absent.filter(start_date__gt=yesterday).delete()
            counts.ended += absent.update(end_date=yesterday, updated_at=timezone.now())


def import_cbe(
    directory: str | Path, *, dry_run: bool = False, batch_size: int = BATCH_SIZE
) -> ImportReport:
    """Validate then import the files of `directory`; raises MalformedImport, writing nothing."""
    begin = time.perf_counter()
    directory = Path(directory)
    report = ImportReport(dry_run=dry_run)
    if not (directory / ENTERPRISE_FILE).is_file():
        report.errors.append(RowError(ENTERPRISE_FILE, 0, f"no {ENTERPRISE_FILE} in {directory}"))
        raise MalformedImport(report)

    validation = _Validation(directory, report)
    validation.run()
    if report.errors:
        report.elapsed = time.perf_counter() - begin
        raise MalformedImport(report)

    with transaction.atomic():
        writer = _Writer(validation, batch_size)
        writer.run()
        event = audit(
            actor=None,
            action=Action.CBE_IMPORT,
            details={
                "directory": str(directory),
                "files": {name: vars(counts) for name, counts in report.files.items()},
            },
        )
        # The applications are told which roles stopped giving access (a dry run's
        # message is rolled back with the rest).
        for start in range(0, len(writer.stopped), STOPPED_PER_MESSAGE):
            chunk = writer.stopped[start : start + STOPPED_PER_MESSAGE]
            enqueue(relying_task_names.ENTERPRISES_STOPPED, event.pk, *chunk)
        if dry_run:
            transaction.set_rollback(True)
    report.elapsed = time.perf_counter() - begin
    return report
