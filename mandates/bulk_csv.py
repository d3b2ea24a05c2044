"""Reading a provider's CSV of mandate proposals: the encoding, the delimiter, the header,
and each cell's text checked before anything is looked up.

The file's encoding is read as the roles' bulk CSV reads it (`roles.csv_input.decode`:
UTF-8 with or without BOM, Windows-1252, UTF-16 with BOM); `;`, `,` and tab separate the
cells. A first row naming the columns (French, Dutch, German or English) may order them;
without one they come in `COLUMNS` order (the example file's). Nothing here touches the
database: `mandates.services.proposal_batch_parse` looks the clients and groups up and
asks the proposal rules of `mandate_propose` for each row.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.refusals import Refusal
from portal.text import NUMBER_AS_TYPED_MAX_LENGTH, printable, text_problems
from roles import csv_input

COLUMNS = ["number", "group", "start_date", "end_date"]
REQUIRED = ["number", "group", "start_date"]
# The preview checks every row against the rules in the upload request (about five queries a
# row): 2,000 rows keep that request within seconds, well inside a worker's timeout. A larger
# provider sends several files.
MAX_ROWS = 2_000
LABELS = {
    "number": _("Client's enterprise number"),
    "group": _("Application group"),
    "start_date": _("Start date"),
    "end_date": _("End date"),
}
LIMITS = {"number": NUMBER_AS_TYPED_MAX_LENGTH, "group": 50, "start_date": 10, "end_date": 10}

# The names a header may give each column, compared without case, accents, spaces or
# punctuation: English, French, Dutch, German.
HEADER_NAMES = {
    "number": {
        "number",
        "enterprisenumber",
        "client",
        "clientnumber",
        "cliententerprisenumber",
        "numero",
        "numerodentreprise",
        "numeroentreprise",
        "numeroduclient",
        "ondernemingsnummer",
        "klant",
        "nummer",
        "unternehmensnummer",
        "kunde",
    },
    "group": {
        "group",
        "groupcode",
        "applicationgroup",
        "applications",
        "groupe",
        "groupedapplications",
        "groep",
        "toepassingen",
        "gruppe",
        "anwendungen",
    },
    "start_date": {
        "start",
        "startdate",
        "from",
        "debut",
        "datededebut",
        "begin",
        "begindatum",
        "vanaf",
        "beginn",
        "startdatum",
        "ab",
    },
    "end_date": {
        "end",
        "enddate",
        "until",
        "fin",
        "datedefin",
        "einde",
        "einddatum",
        "tot",
        "ende",
        "enddatum",
        "bis",
    },
}
_COLUMN_OF_NAME = {name: column for column, names in HEADER_NAMES.items() for name in names}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y")


def _normal(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(c for c in decomposed if c.isalnum())


@dataclass
class Line:
    """One data line: its cells (printable, cut after their limit: shown back next to the
    errors) and the problems of its text; the dates parsed when they could be."""

    line: int
    number: str
    group: str
    start_date: date | None
    end_date: date | None
    errors: list[str] = field(default_factory=list)


def _date(value: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def _header(cells: list[str]) -> list[str | None] | None:
    known = [_COLUMN_OF_NAME.get(_normal(cell)) for cell in cells]
    if sum(1 for column in known if column) < 2:
        return None  # data: a client's number is no column name
    named = [column for column in known if column]
    for cell, column in zip(cells, known, strict=True):
        if column is None and cell.strip():
            raise Refusal(
                _(
                    "The first row names a column the portal does not know: “%(name)s”. "
                    "The columns are: %(columns)s."
                )
                % {"name": printable(cell.strip())[:50], "columns": _column_list(COLUMNS)}
            )
        if column is not None and named.count(column) > 1:
            raise Refusal(
                _("The column “%(column)s” appears twice in the first row.")
                % {"column": LABELS[column]}
            )
    missing = [column for column in REQUIRED if column not in named]
    if missing:
        raise Refusal(
            _("The first row names no column for: %(columns)s.")
            % {"columns": _column_list(missing)}
        )
    return known


def _column_list(columns) -> str:
    return ", ".join(str(LABELS[column]).lower() for column in columns)


def read(raw: bytes) -> list[Line]:
    """The file's lines, each with the problems of its text; a `Refusal` when the file as a
    whole cannot be taken (encoding, CSV, header, no row, more than `MAX_ROWS` rows)."""
    try:
        text = csv_input.decode(raw)
    except csv_input.Unreadable as exc:
        raise Refusal(exc.message) from None
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ";" if text.count(";") > text.count(",") else ","
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:
        raise Refusal(_("The file could not be read as CSV.")) from None
    first_line = 1
    if lines:
        known = _header(lines[0])
        if known is not None:
            lines = csv_input.in_column_order(lines[1:], known, COLUMNS)
            first_line = 2
    numbered = [
        (number, cells)
        for number, cells in enumerate(lines, start=first_line)
        if any(cell.strip() for cell in cells)  # a spreadsheet's empty lines are no rows
    ]
    if not numbered:
        raise Refusal(_("The file contains no rows."))
    if len(numbered) > MAX_ROWS:
        raise Refusal(
            _("The file has too many rows (at most %(max)d).") % {"max": MAX_ROWS},
            code="too_many_rows",
        )
    return [_line(number, cells) for number, cells in numbered]


def _line(number: int, cells: list[str]) -> Line:
    cells = [c.strip() for c in cells] + [""] * (len(COLUMNS) - len(cells))
    cell = dict(zip(COLUMNS, cells, strict=False))
    errors: list[str] = []
    refused = set()
    for column in COLUMNS:
        problems = text_problems(cell[column], label=LABELS[column], max_chars=LIMITS[column])
        if problems:
            refused.add(column)
            errors.extend(problems)
    if len(cells) > len(COLUMNS) and any(cells[len(COLUMNS) :]):
        errors.append(gettext("This row has more cells than the columns of the file."))
    for column in REQUIRED:
        if not cell[column] and column not in refused:
            errors.append(gettext("%(column)s is required.") % {"column": LABELS[column]})
    dates: dict[str, date | None] = {"start_date": None, "end_date": None}
    for column in dates:
        if cell[column] and column not in refused:
            try:
                dates[column] = _date(cell[column])
            except ValueError:
                errors.append(
                    gettext("%(column)s: not a date (use YYYY-MM-DD).") % {"column": LABELS[column]}
                )

    def shown(column):
        value = printable(cell[column])
        limit = LIMITS[column]
        return value[:limit] + "…" if len(value) > limit else value

    return Line(
        line=number,
        number=shown("number"),
        group=shown("group"),
        start_date=dates["start_date"],
        end_date=dates["end_date"],
        errors=errors,
    )
