"""What people type: the characters no field takes, and the limits every field takes from
its model. One place for every form (through `SafeTextMixin`), allauth's e-mail fields
(through the account adapter) and the bulk CSV's columns (roles/services.py).

Two kinds of text:
- a *line* (names, e-mail addresses, numbers, labels): no control character (Unicode
  category Cc: NUL, line breaks, escape...), no format character (Cf: the bidirectional
  overrides, isolates and marks U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C, the
  zero-width characters U+200B-U+200D, U+2060, U+FEFF, the invisible tag characters), no
  line or paragraph separator, no lone surrogate.
- a *multi-line text* (a personal message, a reason): no control character except tab,
  line feed and carriage return, no bidirectional override or isolate, no lone surrogate.

Invisible characters in names are refused, not stripped. A name is what a manager typed
about a real person: it goes as written into the e-mails, the audit trail and the exports,
so the portal must not quietly store something other than what was typed; and stripping
would keep the attack alive in every other copy of the value (a preview, a CSV opened
elsewhere). A refusal names the field and the code point, so the person can find a
character they cannot see. Multi-line texts keep the bidirectional *marks* and the
zero-width joiners: Arabic, Hebrew and Persian prose needs them, and they do not reorder
text; the overrides and isolates do, which is how a link or a name is disguised.

Letters of every script, accents, apostrophes and hyphens are all allowed: real people's
names have them, mixed scripts included.
"""

from __future__ import annotations

import csv
import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI): they reorder text.
BIDI_REORDERING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MULTILINE_WHITESPACE = frozenset("\t\n\r")
# Categories a line refuses: control, format (bidi and zero-width), separators, surrogates.
LINE_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})

# A national or enterprise number as people type it ("BE 0123.456.749", "85.07.30-033.28"):
# the form normalises it to the model's 10 or 11 digits, which the model field then limits.
NUMBER_AS_TYPED_MAX_LENGTH = 20

CONTROL_MESSAGE = _(
    "“%(field)s” contains a control character (%(char)s), which is not allowed: remove it."
)
INVISIBLE_MESSAGE = _(
    "“%(field)s” contains an invisible formatting character (%(char)s), such as a text "
    "direction or zero-width mark, which is not allowed: remove it."
)
TOO_LONG_MESSAGE = _("“%(field)s” is too long (at most %(max)d characters).")


def max_length(model: type[models.Model], field_name: str) -> int:
    """The length limit of a model's field: forms and the CSV read it, never repeat it."""
    return model._meta.get_field(field_name).max_length


def forbidden_character(value: str, *, multiline: bool = False) -> str | None:
    """The first character this kind of text may not contain, or None."""
    for char in value:
        category = unicodedata.category(char)
        if multiline:
            if (category == "Cc" and char not in MULTILINE_WHITESPACE) or category == "Cs":
                return char
            if char in BIDI_REORDERING:
                return char
        elif category in LINE_REFUSED_CATEGORIES:
            return char
    return None


def _code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def text_error(
    value: str, *, label, max_chars: int | None = None, multiline: bool = False
) -> ValidationError | None:
    """The reason `value` cannot be stored in the field called `label`, or None."""
    char = forbidden_character(value, multiline=multiline)
    if char is not None:
        control = unicodedata.category(char) in {"Cc", "Cs", "Zl", "Zp"}
        return ValidationError(
            CONTROL_MESSAGE if control else INVISIBLE_MESSAGE,
            code="forbidden_character",
            params={"field": label, "char": _code_point(char)},
        )
    if max_chars is not None and len(value) > max_chars:
        return ValidationError(
            TOO_LONG_MESSAGE, code="max_length", params={"field": label, "max": max_chars}
        )
    return None


def text_problems(
    value: str, *, label, max_chars: int | None = None, multiline: bool = False
) -> list[str]:
    """`text_error` as translated messages, for parsers that collect them (CSV rows)."""
    error = text_error(value, label=label, max_chars=max_chars, multiline=multiline)
    return list(error.messages) if error else []


def printable(value: str) -> str:
    """A copy fit to be stored and shown back next to its error (a refused CSV cell): every
    character a line refuses becomes U+FFFD. PostgreSQL stores no NUL in text or JSON."""
    return "".join("\ufffd" if forbidden_character(char) else char for char in value)


@deconstructible
class SafeTextValidator:
    def __init__(self, *, label, multiline: bool = False):
        self.label = label
        self.multiline = multiline

    def __call__(self, value) -> None:
        error = text_error(str(value), label=self.label, multiline=self.multiline)
        if error is not None:
            raise error

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, SafeTextValidator)
            and self.label == other.label
            and self.multiline == other.multiline
        )


def guard_text_fields(form: forms.BaseForm, *, skip: tuple[str, ...] = ()) -> None:
    """Give every text field of `form` the validator of its kind (a textarea is multi-line).

    Passwords are left alone: they are never shown or sent, and allauth validates them.
    Hidden fields too (see below).
    Django's own NUL validator is replaced: ours names the field.
    """
    for name, field in form.fields.items():
        if name not in skip:
            guard_text_field(field, name)


def guard_text_field(field, name: str) -> None:
    """One form field's share of `guard_text_fields` (the admin's fields get it one by one,
    as the admin builds them: portal.admin_text)."""
    if (
        not isinstance(field, forms.CharField)
        # Hidden fields are not typed by people and no page shows their errors: each
        # validates itself where its error is visible (the submission key does).
        or isinstance(field.widget, (forms.PasswordInput, forms.HiddenInput))
        or any(isinstance(v, SafeTextValidator) for v in field.validators)
    ):
        return
    field.validators = [
        v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
    ]
    field.validators.append(
        SafeTextValidator(
            label=field.label or name, multiline=isinstance(field.widget, forms.Textarea)
        )
    )


class SafeTextMixin:
    """Put first in a form's bases: its text fields refuse control and invisible characters.

    `parsed_fields` are the fields the form's own clean method splits into values and checks
    one by one with `text_error` (a textarea of "first name; last name; e-mail" lines), so
    the message names the line and the value rather than the whole textarea.
    """

    parsed_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        guard_text_fields(self, skip=self.parsed_fields)


class _Echo:
    def write(self, value):
        return value


def csv_export_writer():
    """The writer of an exported CSV, streamed: `writerow` returns the line to send. Every
    cell is quoted: a spreadsheet set to split on `;` (as Belgian ones are) would otherwise
    cut an unquoted cell at a `;` inside it, and the part after it could start a formula
    that `csv_cell`'s leading quote does not cover."""
    return csv.writer(_Echo(), quoting=csv.QUOTE_ALL)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A formula's first character after a separator inside the cell: a spreadsheet that splits
# on the other separator (`;` where the file has `,`) starts a new cell there.
_FORMULA_AFTER_SEPARATOR = re.compile(r"([;,][\s\"']*)([=+\-@])")


def csv_cell(value) -> str:
    """A cell of an exported CSV: one a spreadsheet would evaluate as a formula (CSV
    injection) starts with a quote instead, and so does any part of it after a `;` or `,`
    (read with the other separator, that part would be a cell of its own)."""
    text = "" if value is None else str(value)
    text = _FORMULA_AFTER_SEPARATOR.sub(r"\1'\2", text)
    return "'" + text if text[:1] in _FORMULA_START else text
