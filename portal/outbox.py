"""Hand tasks to Celery without ever losing one.

`enqueue(task_name, *ids)` records an OutboxMessage in the caller's transaction and
publishes it once that transaction commits. If the broker is unreachable, the request still
succeeds: the message stays pending and `portal.tasks.outbox_sweep` (Celery beat) publishes
it when the broker is back. Tasks take ids only and are idempotent, so a duplicate publish (the
broker accepted, but marking the row failed) has no second effect.

A task is named, never imported: services and delivery enqueue by the registered name
declared in their app's `task_names.py`, while the tasks import the services they call, so
no import runs back up from a service to its tasks. The name is checked against Celery's
registry here (and at start by `portal.checks`), so a typo fails at once, in tests too,
instead of a message no worker can run.
"""

import logging
from datetime import timedelta

from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.models import OutboxMessage

logger = logging.getLogger(__name__)


# Longest backoff between two attempts of a delivery. Kept under Redis' visibility timeout: a
# task whose ETA lies beyond it would be handed out again while it waits.
MAX_BACKOFF = 300


class UnknownTask(LookupError):
    """`enqueue` was given a name no Celery task is registered under."""


def registered(task_name: str) -> bool:
    from portal.celery import app

    return task_name in app.tasks


def enqueue(task_name: str, *args, countdown: float | None = None) -> OutboxMessage:
    """Record `task_name(*args)` for the broker; `countdown` seconds delays it (a retry's
    backoff). `task_name` is a task's registered name (a `task_names` constant)."""
    if not isinstance(task_name, str):
        raise TypeError(f"enqueue takes a task's registered name, not {task_name!r}")
    if not registered(task_name):
        raise UnknownTask(f"No Celery task is registered as {task_name!r}")
    eta = timezone.now() + timedelta(seconds=countdown) if countdown else None
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args), eta=eta)
    transaction.on_commit(lambda: publish(message.pk))
    return message


def retry_countdown(attempts: int) -> float:
    """Seconds before the next attempt of a delivery that failed `attempts` times:
    exponential from TASK_RETRY_BACKOFF, with full jitter unless TASK_RETRY_JITTER is off."""
    return get_exponential_backoff_interval(
        factor=settings.TASK_RETRY_BACKOFF,
        retries=attempts - 1,
        maximum=MAX_BACKOFF,
        full_jitter=settings.TASK_RETRY_JITTER,
    )


def tasks_run_in_process() -> bool:
    from portal.celery import app

    return bool(app.conf.task_always_eager)


def publish(message_id: int) -> bool:
    """Publish one pending message; True when the broker took it."""
    from portal.celery import app

    message = OutboxMessage.objects.filter(pk=message_id, enqueued_at__isnull=True).first()
    if message is None:
        return True
    if tasks_run_in_process():
        # Embedded default: no broker, the task runs here and now (an ETA too: there is no
        # one to wait for it). Its own failures are recorded by the task (e.g. "delivery
        # failed"), never raised into the request.
        result = app.tasks[message.task_name].apply(args=message.args, throw=False)
        if result.failed():
            logger.error("Task %s%s failed: %s", message.task_name, message.args, result.result)
    else:
        try:
            app.send_task(message.task_name, args=message.args, eta=message.eta)
        except Exception as exc:  # the broker is down: keep the row for the sweeper
            logger.warning("Outbox %s not published yet: %s", message.pk, exc)
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=message.attempts + 1, last_error=str(exc)[:1000]
            )
            return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        enqueued_at=timezone.now(), attempts=message.attempts + 1
    )
    return True


def sweep(older_than_seconds: int = 0, limit: int = 1000) -> int:
    """Publish pending messages; returns how many reached the broker."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = OutboxMessage.objects.filter(enqueued_at__isnull=True, created_at__lte=cutoff)
    sent = 0
    for message_id in pending.order_by("created_at").values_list("pk", flat=True)[:limit]:
        if not publish(message_id):
            break  # broker still down; the next sweep tries again
        sent += 1
    return sent


def prune(older_than_days: int = 30) -> int:
    """Forget what was delivered long ago: published outbox messages and sent notices.

    A duplicate of a task arrives within minutes (a republish, a redelivery), never a month
    later, so the ledgers need not keep more; the audit trail keeps what happened.
    """
    from portal.models import SentNotice

    cutoff = timezone.now() - timedelta(days=older_than_days)
    published, _ = OutboxMessage.objects.filter(enqueued_at__lt=cutoff).delete()
    notices, _ = SentNotice.objects.filter(sent_at__lt=cutoff).delete()
    return published + notices
