"""Reads of the registry mirror for the public "BCE Public Search" page."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from enterprises.numbers import normalize_enterprise_number

MAX_QUERY_LENGTH = 100
# What may separate the digits of a number as people write it: 0123.456.749, BE 0123 456 749.
_NUMBER_NOISE = re.compile(r"[\s.\-/]+")
# Letters and the accented forms they stand for in a name search.
_ACCENTS = {
    "a": "aàáâãäåæ",
    "c": "cç",
    "e": "eèéêë",
    "i": "iìíîï",
    "n": "nñ",
    "o": "oòóôõöøœ",
    "u": "uùúûü",
    "y": "yýÿ",
    "s": "sß",
}


@dataclass(frozen=True)
class EnterpriseQuery:
    """A parsed search: either a valid enterprise number or a piece of name."""

    number: str = ""
    text: str = ""


def parse_enterprise_query(value: str) -> EnterpriseQuery:
    """Read what someone typed: a number in any common writing, or a name.

    Whatever consists of digits only (once "BE", spaces, dots, dashes and slashes are taken
    away) is meant as a number, and must then be a valid one: ValidationError otherwise.
    """
    value = " ".join((value or "").split())
    if not value:
        return EnterpriseQuery()
    if len(value) > MAX_QUERY_LENGTH:
        raise ValidationError(
            _("Type at most %(limit)d characters."),
            code="too_long",
            params={"limit": MAX_QUERY_LENGTH},
        )
    compact = _NUMBER_NOISE.sub("", value)
    if compact[:2].upper() == "BE":
        compact = compact[2:]
    if compact.isdigit():
        # The original writing goes to the check, so that an error message quotes it.
        return EnterpriseQuery(number=normalize_enterprise_number(value))
    return EnterpriseQuery(text=value)


def _strip_accents(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def accent_insensitive_pattern(text: str) -> str:
    """A regular expression matching `text` whatever its accents (case is left to iregex).

    Written in the subset that PostgreSQL's and Python's (SQLite's REGEXP) engines share:
    bracket expressions and escaped punctuation only.
    """
    parts = []
    for ch in _strip_accents(text).lower():
        if ch in _ACCENTS:
            # Upper case too: PostgreSQL's case folding of accented letters depends on the
            # database's locale (none under "C").
            parts.append(f"[{_ACCENTS[ch]}{_ACCENTS[ch].upper()}]")
        elif ch.isalnum():
            parts.append(ch)
        elif ch.isspace():
            parts.append(r"\s+")
        else:
            parts.append("\\" + ch)  # punctuation, literally
    return "".join(parts)


def search_enterprises(query: EnterpriseQuery) -> QuerySet[Enterprise]:
    """The enterprises matching the query, with their registration in the same query.

    By name, abbreviation or commercial name, case- and accent-insensitive on SQLite and
    PostgreSQL alike (a regular expression built from the text: no extension needed).
    """
    qs = Enterprise.objects.select_related("registration")
    if query.number:
        return qs.filter(number=query.number)
    if not query.text:
        return qs.none()
    pattern = accent_insensitive_pattern(query.text)
    return qs.filter(
        Q(name__iregex=pattern)
        | Q(abbreviation__iregex=pattern)
        | Q(commercial_name__iregex=pattern)
    ).order_by("name", "number")
