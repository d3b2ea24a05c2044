"""The rules of a mandate between enterprises, declared once.

- `ACTIONS`: who may do what to a mandate, by side (the mandator, the mandatary, or the side
  that did not propose it) and from which state. The loader, the page's buttons and the
  services all read it (through `allowed`), so a rule changes here or nowhere.
- The quarter rules of the groups that follow quarters (`quarter_start`, `quarter_end`,
  `is_quarter_start`, `is_quarter_end`).

Who on a side may act is the enterprise's access managers: its RAE and co-RAEs, the holders
of `manage_enterprise` (`enterprises.access.Access.may_manage_mandates`).

This module imports nothing from the models (the states are plain strings of
`ClientMandate.State`), so `enterprises.access` may import it without a cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Side(StrEnum):
    MANDATOR = "mandator"  # the client: the enterprise acted for
    MANDATARY = "mandatary"  # the provider: the enterprise acting


class Who(StrEnum):
    EITHER = "either"  # either side
    MANDATOR = "mandator"  # the mandator's side only
    ANSWERING = "answering"  # the side that did not propose


# The states (values of `ClientMandate.State`).
PROPOSED = "proposed"
ACTIVE = "active"
ENDED = "ended"
TRANSFERRED = "transferred"
REFUSED = "refused"
EXPIRED = "expired"

# The states whose period gives access (until their end date) and blocks another mandate of
# the same mandator and group over the same days. A transferred mandate keeps its days up to
# the day before the transfer; an ended one gave them back when it was ended.
HOLDING_STATES = (ACTIVE, TRANSFERRED)

# "Validate all" (or the selected) validates at most this many proposals per click, each in
# its own transaction; the summary says how many still wait.
VALIDATE_MANY_LIMIT = 500


# Who manages an enterprise's mandates at all: the refusal of everyone else.
MANAGED_BY = _(
    "The access managers (RAE and co-RAEs) of an enterprise propose, validate, end and "
    "transfer its mandates, and are the only ones who see them."
)


@dataclass(frozen=True)
class ActionRule:
    who: Who
    from_state: str
    label: Promise
    # The refusal shown to someone of the right enterprise who may not do it.
    who_can: Promise


ACTIONS: dict[str, ActionRule] = {
    "validate": ActionRule(
        Who.ANSWERING,
        PROPOSED,
        _("Validate"),
        _("The access managers (RAE, co-RAEs) of the other enterprise validate a proposal."),
    ),
    "refuse": ActionRule(
        Who.ANSWERING,
        PROPOSED,
        _("Refuse"),
        _("The access managers (RAE, co-RAEs) of the other enterprise refuse a proposal."),
    ),
    "end": ActionRule(
        Who.EITHER,
        ACTIVE,
        _("End the mandate"),
        _("The access managers (RAE, co-RAEs) of either enterprise end an active mandate."),
    ),
    "transfer": ActionRule(
        Who.MANDATOR,
        ACTIVE,
        _("Transfer to another provider"),
        _("The access managers (RAE, co-RAEs) of the mandator transfer its mandate."),
    ),
}


def allowed(action: str, *, state: str, side: Side, proposed_by_side: str) -> bool:
    """May an access manager of `side` do `action` on a mandate in `state`?"""
    rule = ACTIONS[action]
    if state != rule.from_state:
        return False
    if rule.who is Who.MANDATOR:
        return side is Side.MANDATOR
    if rule.who is Who.ANSWERING:
        return side != proposed_by_side
    return True


# --- Quarters -------------------------------------------------------------------------------


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    start = quarter_start(day)
    month = start.month + 3
    following = date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    return following - timedelta(days=1)


def is_quarter_start(day: date) -> bool:
    return day == quarter_start(day)


def is_quarter_end(day: date) -> bool:
    return day == quarter_end(day)


def next_quarter_start(day: date) -> date:
    return quarter_end(day) + timedelta(days=1)
