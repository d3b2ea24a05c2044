"""Reading a manager's bulk-invitation spreadsheet: its encoding and its header row.

Pure functions (bytes and lists in, text and lists out), called by `services.batch_parse`.
Managers save their file from Excel or LibreOffice in whatever the machine offers: UTF-8
(with or without BOM), Windows-1252 (Excel's "CSV" on a Western Windows), or UTF-16 with
BOM (Excel's "Unicode text", tab-separated). Each is read as it is; a file that is none of
them is refused with the way to save it as UTF-8. The header row, when there is one, names
the columns in French, Dutch, German or English, in any case and with or without accents.
"""

import codecs
import unicodedata

from django.utils.translation import gettext_lazy as _

# The columns in the order a file without a header gives them (the example file's order).
COLUMNS = ["first_name", "last_name", "email", "roles", "valid_until", "national_number"]
REQUIRED = ["first_name", "last_name", "email", "roles"]

# What a row's error calls each column.
LABELS = {
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "email": _("E-mail address"),
    "roles": _("Roles"),
    "valid_until": _("End date"),
    "national_number": _("National number"),
}

# The names a header may give each column, as `_normal` leaves them (lower case, no accent,
# letters and digits only): the portal's own codes, then English, French, Dutch, German.
HEADER_NAMES = {
    "first_name": {"firstname", "givenname", "forename", "prenom", "voornaam", "vorname"},
    "last_name": {
        "lastname",
        "surname",
        "familyname",
        "name",
        "nom",
        "nomdefamille",
        "achternaam",
        "familienaam",
        "naam",
        "nachname",
        "familienname",
    },
    "email": {
        "email",
        "mail",
        "emailaddress",
        "courriel",
        "adresseemail",
        "adressemail",
        "adresseelectronique",
        "adressecourriel",
        "emailadres",
        "mailadres",
        "emailadresse",
        "mailadresse",
    },
    "roles": {
        "roles",
        "role",
        "rolecodes",
        "codesdesroles",
        "codesroles",
        "rollen",
        "rol",
        "rolcodes",
        "rolle",
        "rollencodes",
    },
    "valid_until": {
        "validuntil",
        "enddate",
        "until",
        "datedefin",
        "fin",
        "valablejusquau",
        "jusquau",
        "einddatum",
        "geldigtot",
        "tot",
        "enddatum",
        "gultigbis",
        "bis",
    },
    "national_number": {
        "nationalnumber",
        "nationalregisternumber",
        "numeronational",
        "numeroderegistrenational",
        "registrenational",
        "niss",
        "rijksregisternummer",
        "rijksregister",
        "insz",
        "nationalregisternummer",
        "nationalnummer",
        "nationalregister",
    },
}
_COLUMN_OF_NAME = {name: column for column, names in HEADER_NAMES.items() for name in names}

# Fewer known names than this and the first row is data (a person called "Nom" is possible;
# three column names in one row are not).
_HEADER_MIN_NAMES = 3

HOW_TO_SAVE_AS_UTF8 = _(
    "The file could not be read as text. Save it as UTF-8 and send it again: in Excel, "
    "“File › Save As”, type “CSV UTF-8 (comma delimited) (*.csv)”; in LibreOffice Calc, "
    "“File › Save As”, type “Text CSV (.csv)”, tick “Edit filter settings” and choose the "
    "character set “Unicode (UTF-8)”."
)


class Unreadable(Exception):
    """The file cannot be taken as it is; `message` (translated) says what to do."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def decode(raw: bytes) -> str:
    """The file's text, whichever of the encodings spreadsheets save it in."""
    if raw.startswith(codecs.BOM_UTF8):
        return _decoded(raw[len(codecs.BOM_UTF8) :], "utf-8")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decoded(raw, "utf-16")  # the BOM says which byte order, and is dropped
        # Bytes after a BOM-like start decode to *something* in UTF-16: a spreadsheet's
        # text has separators or line breaks, and no control characters.
        if not any(c in text for c in "\t\n,;") or _has_controls(text):
            raise Unreadable(HOW_TO_SAVE_AS_UTF8)
        return text
    if raw.count(b"\x00") * 4 > len(raw):
        # UTF-16 without its BOM, or not text at all: no byte order to trust. (A stray NUL
        # in a UTF-8 file is refused in its cell, with its column named.)
        raise Unreadable(HOW_TO_SAVE_AS_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Not UTF-8: Excel's plain "CSV" on a Western Windows writes Windows-1252. A byte it does
    # not define, or a control character, says the file is something else.
    text = _decoded(raw, "cp1252")
    if _has_controls(text):
        raise Unreadable(HOW_TO_SAVE_AS_UTF8)
    return text


def _has_controls(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text)


def _decoded(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise Unreadable(HOW_TO_SAVE_AS_UTF8) from None


def _normal(name: str) -> str:
    """A header cell as compared: case, accents, spaces and punctuation left out."""
    decomposed = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(c for c in decomposed if c.isalnum())


def header_columns(cells: list[str]) -> list[str | None] | None:
    """The column each cell of a header row names (None for an empty cell), or None when
    the row is data. Raises Unreadable for a header naming an unknown or repeated column,
    or missing a required one: guessing would put a cell in the wrong field."""
    known = [_COLUMN_OF_NAME.get(_normal(cell)) for cell in cells]
    if sum(1 for column in known if column) < _HEADER_MIN_NAMES:
        return None
    for cell, column in zip(cells, known, strict=True):
        if column is None and cell.strip():
            raise Unreadable(
                _(
                    "The first row names a column the portal does not know: “%(name)s”. "
                    "The columns are: %(columns)s (in French, Dutch, German or English)."
                )
                % {"name": cell.strip(), "columns": _column_list(COLUMNS)}
            )
    named = [column for column in known if column]
    for column in named:
        if named.count(column) > 1:
            raise Unreadable(
                _("The column “%(column)s” appears twice in the first row.")
                % {"column": LABELS[column]}
            )
    missing = [column for column in REQUIRED if column not in named]
    if missing:
        raise Unreadable(
            _("The first row names no column for: %(columns)s.")
            % {"columns": _column_list(missing)}
        )
    return known


def _column_list(columns) -> str:
    return ", ".join(str(LABELS[column]).lower() for column in columns)


def split_header(lines: list[list[str]]) -> tuple[list[list[str]], int]:
    """The data rows, each in `COLUMNS` order, and the line number of the first one (as the
    manager's spreadsheet numbers it). A header row, in any of the four languages, may put
    the columns in any order; without one the order is `COLUMNS`'."""
    if not lines:
        return lines, 1
    known = header_columns(lines[0])
    if known is None:
        return lines, 1
    return in_column_order(lines[1:], known, COLUMNS), 2


def in_column_order(rows: list[list[str]], known: list, columns: list[str]) -> list[list[str]]:
    """`rows` under a header whose cells name `known` (a column, or None), each put in
    `columns`' order. Cells beyond the header's width stay at the end of their row: a row
    with more cells than the file has columns is an error to show, not cells to drop."""
    position = {column: index for index, column in enumerate(known) if column}
    return [
        [
            row[position[column]] if column in position and position[column] < len(row) else ""
            for column in columns
        ]
        + row[len(known) :]
        for row in rows
    ]
