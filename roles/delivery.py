"""Invitation delivery: a chunk of invitations per task, one SMTP connection, exactly once.

Each step is one short transaction:

1. **claim** — the chunk's invitations that are still `queued` move to `sending` under a
   lease: `claimed_by` holds the Celery task id, `resume_after` the time after which the
   delivery counts as stalled. Each gets a fresh token (256 random bits) of which only the
   hash is stored. Rows locked by a concurrent claim are skipped, not waited for.
2. **send** — messages are rendered in each invitee's language and sent over one SMTP
   connection; the loop stops well before the lease runs out.
3. **record** — delivered invitations become `sent` with their audit events; the others go
   back to `queued` with their error and a retry after an exponential backoff (an outbox
   message with an ETA), or become `failed` (with an audit event and a resend button) once
   their attempts are spent.

Duplicates never send twice: a second copy of the task (a message published twice) finds
the rows leased by another task id and leaves them alone. A copy with the *same* task id is
Celery redelivering a message whose worker died (late acks): it takes its own lease over at
once. That is safe because the previous run is dead: Celery's hard time limit (and the
longest retry backoff) is well below Redis' visibility timeout, so Redis never hands out a
message whose run is still alive. A delivery whose worker died with its message (Redis lost
its queue) is queued again by the beat sweeper (`resume_stalled`) once `resume_after` passed.
"""

import contextlib
import logging
import secrets
import smtplib
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from portal.audit import Action, audit_each
from portal.celery import LEASE_SECONDS, app
from portal.mail import absolute_url, templated_mail
from portal.outbox import enqueue, retry_countdown
from portal.tokens import hash_token
from roles import task_names
from roles.models import Invitation, Role

logger = logging.getLogger(__name__)

CHUNK_SIZE = 200
LEASE = timedelta(seconds=LEASE_SECONDS)
# A chunk stops sending after this long and gives the rest back, well within the lease.
SEND_BUDGET = timedelta(seconds=app.conf.task_soft_time_limit // 2)
# Queued invitations that have not moved on by then are queued again by the sweeper.
STALLED_AFTER = timedelta(minutes=10)


@dataclass
class Outcome:
    sent: list[int] = field(default_factory=list)
    returned: list[int] = field(default_factory=list)  # not tried: out of time
    skipped: int = 0  # not ours to send (already sent, revoked, held by another task)


def enqueue_delivery(invitation_ids: list[int], *, countdown: float | None = None) -> None:
    """Queue delivery tasks for these queued invitations, in the caller's transaction, and
    the time after which the sweeper takes over if no task has moved them on by then."""
    resume_after = timezone.now() + timedelta(seconds=countdown or 0) + STALLED_AFTER
    for start in range(0, len(invitation_ids), CHUNK_SIZE):
        chunk = invitation_ids[start : start + CHUNK_SIZE]
        Invitation.objects.filter(pk__in=chunk, status=Invitation.Status.QUEUED).update(
            resume_after=resume_after
        )
        enqueue(task_names.SEND_INVITATIONS, *chunk, countdown=countdown)


def deliver(invitation_ids: list[int], *, claim: str | None = None) -> Outcome:
    """Send the invitations of one chunk that are still due; see the module's docstring."""
    claim = claim or uuid.uuid4().hex
    claimed = _claim(invitation_ids, claim)
    outcome = Outcome(skipped=len(set(invitation_ids)) - len(claimed))
    errors: dict[int, str] = {}
    permanent: set[int] = set()
    crashed = True
    try:
        _send(claimed, outcome, errors, permanent)
        crashed = False
    finally:
        # Whatever happens, nothing stays leased without a sender. After an unexpected error
        # (a broken template, say) the rest waits for the sweeper instead of being queued
        # again at once, which would repeat the same error in a tight loop.
        tried = {*outcome.sent, *errors}
        outcome.returned = [inv.pk for inv, _raw in claimed if inv.pk not in tried]
        _record(claimed, claim, outcome, errors, permanent, requeue=not crashed)
    return outcome


def _claim(invitation_ids: list[int], claim: str) -> list[tuple[Invitation, str]]:
    now = timezone.now()
    due = Q(status=Invitation.Status.QUEUED) | Q(status=Invitation.Status.SENDING, claimed_by=claim)
    with transaction.atomic():
        invitations = list(
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due, pk__in=invitation_ids)
            .select_related("enterprise", "enterprise_quality__quality", "invited_by")
            .prefetch_related(
                Prefetch("roles", queryset=Role.objects.select_related("application"))
            )
            .order_by("pk")
        )
        lease = {
            "status": Invitation.Status.SENDING,
            "claimed_by": claim,
            "resume_after": now + LEASE,
            "expires_at": now + timedelta(days=settings.INVITATION_LINK_DAYS),
            "updated_at": now,
        }
        claimed = []
        for invitation in invitations:
            raw = secrets.token_urlsafe(32)  # 256 random bits; only the hash is kept
            invitation.token_hash = hash_token(raw)
            invitation.attempts += 1
            for name, value in lease.items():
                setattr(invitation, name, value)
            claimed.append((invitation, raw))
        # What all rows share in one UPDATE; only the hashes differ row by row.
        Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
            attempts=F("attempts") + 1, **lease
        )
        Invitation.objects.bulk_update(invitations, ["token_hash"])
    return claimed


def _message(invitation: Invitation, raw: str):
    return templated_mail(
        template="emails/invitation",
        to=invitation.email,
        language=invitation.language,
        context={
            "invitation": invitation,
            "roles": list(invitation.roles.all()),
            "url": absolute_url(reverse("roles:invitation", args=[raw])),
            "expires_at": invitation.expires_at,
        },
        reply_to=invitation.invited_by.email,
    )


def _send(claimed, outcome: Outcome, errors: dict[int, str], permanent: set[int]) -> None:
    if not claimed:
        return
    deadline = timezone.now() + SEND_BUDGET
    connection = mailers.default
    try:
        for index, (invitation, raw) in enumerate(claimed):
            if index and timezone.now() > deadline:
                break  # the rest is given back and queued again at once
            try:
                message = _message(invitation, raw)
            except ValueError as exc:  # a header Django's mail refuses: no retry helps
                errors[invitation.pk] = repr(exc)
                permanent.add(invitation.pk)
                continue
            try:
                # Open once and keep it: send_messages() on a closed backend would open and
                # close a connection per message.
                connection.open()
            except OSError as exc:  # smtplib's errors are OSErrors too
                # The server cannot be reached: this attempt fails for the rest of the chunk.
                for rest, _raw in claimed[index:]:
                    errors.setdefault(rest.pk, repr(exc))
                break
            try:
                connection.send_messages([message])
            except ValueError as exc:  # an address Django's mail refuses: no retry helps
                errors[invitation.pk] = repr(exc)
                permanent.add(invitation.pk)
            except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused) as exc:
                errors[invitation.pk] = repr(exc)  # refused this one; the session goes on
            except OSError as exc:
                errors[invitation.pk] = repr(exc)  # dropped or timed out: reconnect next time
                _close_quietly(connection)
            else:
                outcome.sent.append(invitation.pk)
    finally:
        _close_quietly(connection)


def _close_quietly(connection) -> None:
    with contextlib.suppress(OSError):
        connection.close()


def _record(
    claimed, claim: str, outcome: Outcome, errors: dict[int, str], permanent, *, requeue: bool
) -> None:
    if not claimed:
        return
    now = timezone.now()
    by_pk = {invitation.pk: invitation for invitation, _raw in claimed}
    with transaction.atomic():
        # Only rows still under this claim: one revoked meanwhile stays revoked.
        ours = set(
            Invitation.objects.select_for_update()
            .filter(pk__in=by_pk, status=Invitation.Status.SENDING, claimed_by=claim)
            .values_list("pk", flat=True)
        )
        sent = [pk for pk in outcome.sent if pk in ours]
        Invitation.objects.filter(pk__in=sent).update(
            status=Invitation.Status.SENT,
            sent_at=now,
            last_error="",
            claimed_by="",
            resume_after=None,
            updated_at=now,
        )
        audit_each(
            actor=None,
            action=Action.INVITATION_SENT,
            targets=[by_pk[pk] for pk in sent],
            enterprise=lambda invitation: invitation.enterprise,
        )
        returned = [pk for pk in outcome.returned if pk in ours]
        Invitation.objects.filter(pk__in=returned).update(
            status=Invitation.Status.QUEUED,
            attempts=F("attempts") - 1,  # never tried: not an attempt
            claimed_by="",
            updated_at=now,
        )
        if returned and requeue:
            enqueue_delivery(returned)
        _record_errors([by_pk[pk] for pk in errors if pk in ours], errors, permanent, now)


def _record_errors(invitations, errors, permanent, now) -> None:
    final = [i for i in invitations if i.pk in permanent or i.attempts > settings.TASK_MAX_RETRIES]
    retry = [i for i in invitations if i not in final]
    _update_by_error(final, errors, status=Invitation.Status.FAILED, now=now)
    for invitation in final:
        logger.warning("Invitation %s not delivered: %s", invitation.pk, errors[invitation.pk])
    audit_each(
        actor=None,
        action=Action.INVITATION_FAILED,
        targets=final,
        enterprise=lambda invitation: invitation.enterprise,
        details=lambda invitation: {"error": errors[invitation.pk][:500]},
    )
    # The others wait for their next attempt, grouped by attempt number (same backoff).
    for attempts in sorted({i.attempts for i in retry}):
        group = [i for i in retry if i.attempts == attempts]
        delay = retry_countdown(attempts)
        _update_by_error(group, errors, status=Invitation.Status.QUEUED, now=now)
        enqueue_delivery([i.pk for i in group], countdown=delay)


def _update_by_error(invitations, errors, *, status, now) -> None:
    """One UPDATE per distinct error (a chunk that met a dead server shares one)."""
    by_error: dict[str, list[int]] = {}
    for invitation in invitations:
        by_error.setdefault(errors[invitation.pk][:1000], []).append(invitation.pk)
    for error, ids in by_error.items():
        Invitation.objects.filter(pk__in=ids).update(
            status=status,
            last_error=error,
            claimed_by="",
            resume_after=None,  # a queued one gets its own from enqueue_delivery
            updated_at=now,
        )


def resume_stalled(limit: int = 10_000) -> int:
    """Queue again the deliveries that have not moved on in time (beat).

    A `sending` invitation past its lease belongs to a dead run (its attempt counts); a
    `queued` one past `resume_after` lost its task (Redis restarted without its queue).
    Moving `resume_after` on keeps the next sweep from queueing it again at once.
    """
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Invitation.objects.select_for_update(skip_locked=True)
            .filter(
                status__in=[Invitation.Status.QUEUED, Invitation.Status.SENDING],
                resume_after__lt=now,
            )
            .order_by("resume_after")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Invitation.objects.filter(pk__in=ids).update(
                status=Invitation.Status.QUEUED, claimed_by="", updated_at=now
            )
            enqueue_delivery(ids)
    if ids:
        logger.warning("Resumed %s stalled invitation deliveries", len(ids))
    return len(ids)
