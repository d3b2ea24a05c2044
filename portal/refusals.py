"""A service's refusal: one type for every app, shown by every view the same way.

`Refusal` is what a service raises when the change it was asked for cannot happen — a state
that moved on (already accepted, no longer active), a duplicate, a date in the past, a
limit — with a translated message for the person; nothing was changed (the transaction
rolled back). It is a `ValidationError`, so a view hands it to `form.add_error(None, exc)`
and `exc.messages` and `exc.code` work as Django's forms expect.

It is not `portal.permissions.Refused`. `Refused` is a *permission* refusal: a loader raises
it before any service runs, because this person may not do this at all here, and the
middleware renders it as the explained 403 page (who can do it, the wizard task). A
`Refusal` comes from a person who may act, about this one change: the view shows it on the
form or as a message and the person can correct and try again.
"""

import contextlib
from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import ValidationError


class Refusal(ValidationError):
    """The service refused this change (see the module docstring); nothing was changed."""


class RateLimited(Refusal):
    """Too many of these in a short time: the view answers 429, with the same message."""


@contextlib.contextmanager
def refusing_invalid() -> Iterator[None]:
    """Inside a service: a model's `full_clean()` or a validator raises a plain
    `ValidationError`; it leaves the service as a `Refusal` (messages and codes kept), so a
    view catches one type whatever part of the service refused."""
    try:
        yield
    except Refusal:
        raise
    except ValidationError as exc:
        raise Refusal(exc) from exc


def refusal_text(refusal: ValidationError) -> str:
    """Every message of the refusal, as one sentence for a page or a message."""
    return " ".join(str(message) for message in refusal.messages)


def show_refusal(request, refusal: ValidationError, *, form=None, field: str | None = None):
    """What every view does with a refusal: on its form when the page shows one (under
    `field`, or above the form), else as an error message on the next page."""
    if form is not None:
        form.add_error(field, refusal)
    else:
        messages.error(request, refusal_text(refusal))
