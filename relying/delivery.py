"""Pushing security events to the applications (RFC 8935), each event until it is settled.

One task per event, in three steps, never holding a transaction over the network:

1. **claim** — one conditional UPDATE takes a pending event under a lease: `claimed_by`
   holds the Celery task id, `resume_after` the end of the lease, and the attempt is
   counted. Of two workers given the same event, one UPDATE matches and the other finds
   the row taken and does nothing; a delivered, rejected or failed event is never sent
   again, since only `pending` rows match. Celery redelivering the same message after its
   worker died (late acks) takes its own lease over at once, as `roles/delivery.py` does.
2. **push** — `POST events_url` with the SET (signed now, with the provider's current key),
   `Content-Type: application/secevent+jwt`, a 5-second timeout, no redirects followed.
3. **record**, under the same lease: any 2xx is `delivered`; 5xx, 408, 429, a timeout or a
   connection error is retried through the outbox with exponential backoff
   (`TASK_RETRY_BACKOFF`, up to `TASK_MAX_RETRIES` retries, then `failed`); any other answer
   (RFC 8935's 400 with `{"err": ..., "description": ...}`, a 403, a redirect) is the
   receiver refusing that token: `rejected`, as sending the same bytes again would be.

The receiver sees an event once per id unless a worker dies between the push and the
record: then the lease runs out and the event is pushed again with the same `jti`, which
RFC 8935 receivers use to drop duplicates.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portal.celery import LEASE_SECONDS
from portal.outbox import retry_countdown
from relying import events
from relying.models import SecurityEvent

logger = logging.getLogger(__name__)

Status = SecurityEvent.Status
LEASE = timedelta(seconds=LEASE_SECONDS)
TIMEOUT_SECONDS = 5
# Enough of an answer's body to log the receiver's error; a larger body is not read.
MAX_BODY = 2000
# Answers that say "not now" rather than "not this token".
RETRY_STATUSES = frozenset({408, 425, 429})


@dataclass(frozen=True)
class Attempt:
    """What one push came to: the status to record (None: try again later)."""

    status: str | None
    status_code: int | None = None
    error: str = ""


def deliver(event_id: int, *, claim: str | None = None) -> str:
    """Push one event if it is still pending and not another run's; returns its status
    after this run ("skipped" when there was nothing for this run to do)."""
    claim = claim or uuid.uuid4().hex
    event = _claim(event_id, claim)
    if event is None:
        return "skipped"
    registration = getattr(event.client, "application_registration", None)
    url = registration.events_url if registration is not None else ""
    if not url:
        attempt = Attempt(Status.FAILED, error="The client has no events URL any more.")
    else:
        attempt = push(url, events.sign(event.claims))
    return _record(event, claim, attempt)


def _claim(event_id: int, claim: str) -> SecurityEvent | None:
    now = timezone.now()
    free = Q(claimed_by="") | Q(claimed_by=claim) | Q(resume_after__lt=now)
    taken = SecurityEvent.objects.filter(free, pk=event_id, status=Status.PENDING).update(
        claimed_by=claim,
        resume_after=now + LEASE,
        attempts=F("attempts") + 1,
        updated_at=now,
    )
    if not taken:
        return None
    return SecurityEvent.objects.select_related("client__application_registration").get(pk=event_id)


def push(url: str, token: str) -> Attempt:
    """POST one SET to a receiver and read its answer (RFC 8935 §2)."""
    try:
        with requests.post(
            url,
            data=token.encode("ascii"),
            headers={"Content-Type": events.MEDIA_TYPE, "Accept": "application/json"},
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
            stream=True,
        ) as response:
            code = response.status_code
            # iter_content, not raw: a read error then is one of requests' own exceptions.
            body = b"" if 200 <= code < 300 else next(response.iter_content(MAX_BODY), b"")
    except (requests.RequestException, OSError) as exc:
        return Attempt(None, error=repr(exc)[:1000])
    if 200 <= code < 300:
        return Attempt(Status.DELIVERED, status_code=code)
    error = _receiver_error(body) or f"HTTP {code}"
    if code >= 500 or code in RETRY_STATUSES:
        return Attempt(None, status_code=code, error=error)
    return Attempt(Status.REJECTED, status_code=code, error=error)


def _receiver_error(body: bytes) -> str:
    """RFC 8935 §2.3's `{"err": ..., "description": ...}` as one line, else the body."""
    text = body.decode("utf-8", errors="replace").strip()
    try:
        answer = json.loads(text)
    except ValueError:
        return text[:1000]
    if isinstance(answer, dict) and isinstance(answer.get("err"), str):
        description = answer.get("description")
        return f"{answer['err']}: {description}" if isinstance(description, str) else answer["err"]
    return text[:1000]


def _record(event: SecurityEvent, claim: str, attempt: Attempt) -> str:
    now = timezone.now()
    status = attempt.status
    if status is None and event.attempts > settings.TASK_MAX_RETRIES:
        status = Status.FAILED
    with transaction.atomic():
        # Only while the lease is still ours: a run that outlived it leaves the row to the
        # run that took over.
        ours = SecurityEvent.objects.filter(pk=event.pk, status=Status.PENDING, claimed_by=claim)
        changes = {
            "last_status_code": attempt.status_code,
            "last_error": attempt.error,
            "claimed_by": "",
            "updated_at": now,
        }
        if status is None:
            recorded = ours.update(**changes)
            if recorded:
                events.enqueue_delivery([event.pk], countdown=retry_countdown(event.attempts))
        else:
            recorded = ours.update(
                **changes,
                status=status,
                resume_after=None,
                delivered_at=now if status == Status.DELIVERED else None,
            )
    if not recorded:
        logger.warning("Security event %s: the lease of %s ran out first", event.jti, claim)
        return "skipped"
    if status in (Status.REJECTED, Status.FAILED):
        logger.warning("Security event %s %s: %s", event.jti, status, attempt.error)
    return status or Status.PENDING


def resume_stalled(limit: int = 10_000) -> int:
    """Queue again the pending events that no task moved on in time (beat): a run that died
    with its lease, or a message Redis lost."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            SecurityEvent.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, resume_after__lt=now)
            .order_by("resume_after")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            events.enqueue_delivery(ids)
    if ids:
        logger.warning("Resumed %s stalled security event deliveries", len(ids))
    return len(ids)
