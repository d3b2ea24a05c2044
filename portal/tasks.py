from celery import shared_task
from django.conf import settings

from portal import outbox, submissions, task_names


@shared_task(name=task_names.OUTBOX_SWEEP)
def outbox_sweep() -> int:
    # Only messages old enough that their own on-commit publish has had its chance.
    return outbox.sweep(older_than_seconds=settings.OUTBOX_SWEEP_SECONDS // 2)


@shared_task(name=task_names.PRUNE_LEDGERS)
def prune_ledgers() -> int:
    return outbox.prune(older_than_days=30) + submissions.prune(older_than_days=30)


@shared_task(name=task_names.PING)
def ping(token: str) -> None:
    """Proves the broker → worker → cache path (health checks and the worker test)."""
    from django.core.cache import cache

    cache.set(f"portal:ping:{token}", "pong", timeout=300)
