"""What every notification task shares: retries with backoff, and sending each notice once."""

import logging
import smtplib

from django.conf import settings

from portal.mail import send_once

logger = logging.getLogger(__name__)

# Exponential backoff: TASK_RETRY_BACKOFF s, then twice as long each time (with full
# jitter unless TASK_RETRY_JITTER is off). Settings, so tests can make them short.
RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": settings.TASK_RETRY_BACKOFF,
    "retry_backoff_max": 600,
    "retry_jitter": settings.TASK_RETRY_JITTER,
    "max_retries": settings.TASK_MAX_RETRIES,
}


def with_retries(task, deliver):
    """Run `deliver`; on SMTP/network errors let Celery retry with backoff.

    Eager mode (the embedded default, and tests) has no broker to schedule a retry on, and
    with task_eager_propagates Celery's Retry would escape into the web request: there the
    retries run inline instead, without the backoff delay.
    """
    attempt = task.request.retries
    while True:
        try:
            return deliver()
        except (smtplib.SMTPException, OSError) as exc:
            if attempt >= task.max_retries:
                logger.warning("%s%s failed for good: %r", task.name, task.request.args, exc)
                if task.request.is_eager:
                    return None
                raise
            if not task.request.is_eager:
                raise  # autoretry_for: retried later with exponential backoff
            attempt += 1


def notice(task, *, to: str, **mail) -> bool:
    """Send a notification once per task, ids and recipient, however often the task runs."""
    ids = ",".join(str(arg) for arg in task.request.args or ())
    key = f"{task.name}:{ids}:{to.lower()}"
    return send_once(key=key, claim=task.request.id or "", to=to, **mail)
