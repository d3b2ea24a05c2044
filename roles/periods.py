"""The rules on the dates of role attributions and published links, declared once.

The services refuse whatever breaks them, whoever calls (a view, a CSV import, a demo, a
test); the forms show the same messages on the field at fault, before the service is asked.
"""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A published link works for a year at most: a link left on a web page for longer is one
# nobody remembers to disable.
LINK_LIFETIME = timedelta(days=366)


def period_errors(
    valid_from: date | None = None, valid_until: date | None = None, *, today: date | None = None
) -> dict:
    """What is wrong with an attribution's period, by field (empty: nothing). Both ends are
    optional: no start is today, no end is open. `today`: the day a whole file is checked
    against (a CSV's lines all judged on the same day)."""
    today = today or timezone.localdate()
    errors = {}
    if valid_from is not None and valid_from < today:
        errors["valid_from"] = _("The start date cannot be in the past.")
    if valid_until is not None and valid_until < today:
        errors["valid_until"] = _("The end date cannot be in the past.")
    elif valid_from is not None and valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = _("The end date must follow the start date.")
    return errors


def link_expiry_error(expires_on: date):
    """What is wrong with the last day a link works (None: nothing)."""
    today = timezone.localdate()
    if expires_on < today:
        return _("The date cannot be in the past.")
    if expires_on > today + LINK_LIFETIME:
        return _("A link works for one year at most.")
    return None
