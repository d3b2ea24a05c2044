"""Submissions that happen once: a key per rendered form.

Every state-changing form renders a hidden random key (`portal.forms.SubmissionKeyMixin`).
The service that acts on the form claims the key for the acting person with `claim()`,
inside its own transaction, before its first write: one INSERT into a table with a unique
(user, key) constraint. A second submission of the same page (back and submit again, a
double click, a duplicated tab) fails that insert and raises `AlreadySubmitted`, so the
service writes nothing, queues no e-mail and records no audit event a second time; the view
answers with `already_sent()`: a redirect to what the first submission made, with a message.

When the two submissions race, PostgreSQL makes the second INSERT wait for the first
transaction: if it commits, the second is refused; if it rolls back (a refusal, an error),
the key was never used and the second goes ahead. Nothing else needs a lock.

A submission without a key (a page rendered before keys existed, a scripted client) is
acted on as a fresh one: refusing it would break those clients, and every rendered form
carries a key (tested), so browsers are covered. Keys are pruned after 30 days with the other
ledgers (`portal.tasks.prune_ledgers`): nobody submits a month-old page by accident.
"""

import re
import secrets
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import SubmissionKey

FIELD_NAME = "submission_key"
# What `new_key()` makes (URL-safe base64); a key is never longer than the column.
KEY_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
ALREADY_SENT = _("This form was already sent; nothing was done twice.")


def new_key() -> str:
    return secrets.token_urlsafe(16)  # 128 random bits


def is_valid_key(key: str) -> bool:
    return bool(KEY_RE.fullmatch(key))


class AlreadySubmitted(Exception):
    """This form was acted on before; `result` is what the first submission recorded."""

    def __init__(self, result: dict | None = None):
        super().__init__("This form was already submitted.")
        self.result = result or {}


class Claim:
    """A claimed key; `record()` stores what the submission made, for a repeated one."""

    def __init__(self, row: SubmissionKey | None):
        self.row = row

    def record(self, **result) -> None:
        if self.row is None:  # no key was sent: nothing to remember
            return
        self.row.result = result
        self.row.save(update_fields=["result"])


def claim(*, user, key: str) -> Claim:
    """Claim `key` for `user` in the caller's transaction; AlreadySubmitted if taken."""
    if not key:
        return Claim(None)
    if not transaction.get_connection().in_atomic_block:
        # Outside the service's transaction the claim would outlive a rolled-back change
        # (the form could never be sent again) or let a change commit unclaimed.
        raise RuntimeError("claim() must run inside the service's transaction.atomic().")
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            row = SubmissionKey.objects.create(user=user, key=key)
    except IntegrityError:
        first = SubmissionKey.objects.filter(user=user, key=key).first()
        raise AlreadySubmitted(first.result if first else None) from None
    return Claim(row)


def repeated(request, prefix: str = "") -> bool:
    """Whether this POST repeats a form already acted on: for a view whose checks or
    form depend on the state the first submission changed (a repeated registration would
    meet "already registered", a repeated activation a quality no longer offered)."""
    if request.method != "POST" or not request.user.is_authenticated:
        return False
    key = request.POST.get(f"{prefix}-{FIELD_NAME}" if prefix else FIELD_NAME, "")
    return is_valid_key(key) and SubmissionKey.objects.filter(user=request.user, key=key).exists()


def already_sent(request, to, *args, **kwargs):
    """The answer to a repeated submission: its first result, and why nothing happened."""
    messages.info(request, ALREADY_SENT)
    return redirect(to, *args, **kwargs)


def prune(older_than_days: int = 30) -> int:
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _details = SubmissionKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
