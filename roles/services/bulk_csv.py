"""Reading a manager's CSV of people to invite: the encoding, the delimiter, the columns,
and every row checked (with all its errors) before anything is stored.

Nothing here touches the database: `roles.services.bulk` gives the quality's role codes,
stores the rows as a draft batch and later creates the invitations.
"""

import csv
import io
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.validators import normalize_national_number
from portal.refusals import Refusal
from portal.text import NUMBER_AS_TYPED_MAX_LENGTH, max_length, printable, text_problems
from roles import csv_input
from roles.models import Invitation
from roles.periods import period_errors

CSV_COLUMNS = csv_input.COLUMNS
MAX_CSV_ROWS = 10000
CSV_LABELS = csv_input.LABELS  # what a row's error calls each column
# Each column becomes a field of an invitation: its limit is the model's (the roles and the
# date are checked against the catalogue and the calendar instead).
CSV_LIMITS = {
    "first_name": max_length(Invitation, "first_name"),
    "last_name": max_length(Invitation, "last_name"),
    "email": max_length(Invitation, "email"),
    "national_number": NUMBER_AS_TYPED_MAX_LENGTH,
}


def _shown(value: str, column: str) -> str:
    """A refused cell as the preview stores and shows it: printable, and cut after its limit
    (the row is refused anyway; PostgreSQL would refuse a NUL in the batch's JSON)."""
    value = printable(value)
    limit = CSV_LIMITS.get(column)
    return value[:limit] + "…" if limit and len(value) > limit else value


def _parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return timezone.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


def csv_lines(raw: bytes) -> tuple[list[list[str]], int]:
    """The file's data lines and the number its first one has in the manager's spreadsheet;
    a `Refusal` when the file as a whole cannot be taken (encoding, format, size)."""
    try:
        text = csv_input.decode(raw)
    except csv_input.Unreadable as exc:
        raise Refusal(exc.message) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error:
        raise Refusal(_("The file could not be read as CSV.")) from None
    # Numbers as the manager's spreadsheet shows them: a header is line 1. A header in any of
    # the four languages may order the columns as it likes; the rows come back in ours.
    try:
        lines, first_line = csv_input.split_header(lines)
    except csv_input.Unreadable as exc:
        raise Refusal(exc.message) from None
    if not lines:
        raise Refusal(_("The file contains no rows."))
    if len(lines) > MAX_CSV_ROWS:
        raise Refusal(_("The file has too many rows (at most %(max)d).") % {"max": MAX_CSV_ROWS})
    return lines, first_line


def csv_rows(
    lines: list[list[str]], *, first_line: int, roles_by_code: dict[str, int], today: date
) -> list[dict]:
    """Every line as the preview's row: its cleaned cells, its role ids and its errors
    (a row with errors is shown, never sent)."""
    seen: set[str] = set()
    rows = []
    for number, cells in enumerate(lines, start=first_line):
        cells = [c.strip() for c in cells] + [""] * (len(CSV_COLUMNS) - len(cells))
        cell = dict(zip(CSV_COLUMNS, cells, strict=False))
        cell["email"] = cell["email"].lower()
        # A cell with a control or invisible character, or longer than its field, is refused
        # with its column's name, and checked no further.
        refused = {
            column: problems
            for column in CSV_COLUMNS
            if (
                problems := text_problems(
                    cell[column], label=CSV_LABELS[column], max_chars=CSV_LIMITS.get(column)
                )
            )
        }
        errors = [message for problems in refused.values() for message in problems]
        if any(cells[len(CSV_COLUMNS) :]):
            errors.append(gettext("This row has more cells than the columns of the file."))
        first, last, email, role_codes, until, nn = (cell[column] for column in CSV_COLUMNS)
        if not first or not last:
            errors.append(gettext("First and last name are required."))
        if "email" not in refused:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(gettext("Invalid e-mail address."))
        codes = [c.strip() for c in role_codes.split(";") if c.strip()]
        unknown = [c for c in codes if c not in roles_by_code]
        if not codes:
            errors.append(gettext("No role given."))
        elif unknown and "roles" not in refused:
            errors.append(
                gettext("Unknown role for this quality: %(codes)s") % {"codes": ", ".join(unknown)}
            )
        end = None
        if "valid_until" not in refused:
            try:
                end = _parse_date(until)
                errors.extend(str(e) for e in period_errors(valid_until=end, today=today).values())
            except ValueError:
                errors.append(gettext("Invalid end date (use YYYY-MM-DD)."))
        if nn and "national_number" not in refused:
            try:
                nn = normalize_national_number(nn)
            except ValidationError:
                errors.append(gettext("Invalid national number."))
        key = f"{email}|{';'.join(sorted(codes))}"
        if email and key in seen:
            errors.append(gettext("Duplicate of an earlier row."))
        seen.add(key)
        rows.append(
            {
                "line": number,
                "first_name": _shown(first, "first_name"),
                "last_name": _shown(last, "last_name"),
                "email": _shown(email, "email"),
                "roles": [_shown(code, "roles") for code in codes],
                "role_ids": [roles_by_code[c] for c in codes if c in roles_by_code],
                "valid_until": end.isoformat() if end else "",
                "national_number": _shown(nn, "national_number"),
                "errors": errors,
            }
        )
    return rows
