"""Heartbeats of the Celery worker and beat, for the readiness check (`/healthz/ready`).

Each process writes its own key in the shared cache (Redis in production), so the web tier
can tell "no worker" from "no beat" without asking the broker anything:

- The worker refreshes its key from a consumer bootstep, on the consumer's own timer. That
  timer runs in the loop that takes messages off the broker, and the consumer stops its
  steps when it loses the broker, so the key goes stale when the worker no longer consumes,
  not only when its process is gone. (A beat-scheduled task would not do: it proves the
  worker only if beat works, so one silence would read as the other. Celery's own
  `inspect ping` needs a broadcast round trip and a timeout in every health request.)
- Beat refreshes its key from its scheduler's tick, the loop that sends the periodic tasks,
  so the key proves beat schedules, whether or not a worker runs the tasks.

Times are wall-clock seconds (the processes may run on different machines). A failure to
write (Redis down) is logged and never stops the worker or beat: the broker being down is
what `/healthz` reports then.
"""

import logging
import socket
import time

from celery import bootsteps
from celery.beat import PersistentScheduler

logger = logging.getLogger(__name__)

WORKER_KEY = "portal:heartbeat:worker"
BEAT_KEY = "portal:heartbeat:beat"
# Seconds between two heartbeats. The readiness limit (HEALTH_MAX_AGE_SECONDS, at least 60)
# leaves room for several missed beats before a process counts as silent.
INTERVAL = 15.0
# A key nobody refreshes any more disappears after a week; until then it reads as silent.
KEY_TIMEOUT = 7 * 24 * 3600


def record(key: str, hostname: str) -> None:
    from django.core.cache import cache

    try:
        cache.set(key, {"at": time.time(), "hostname": hostname}, timeout=KEY_TIMEOUT)
    except Exception as exc:
        logger.warning("Heartbeat %s not recorded: %s", key, exc)


def last_seen(key: str) -> dict | None:
    """`{"at": <epoch seconds>, "hostname": ...}` of the last heartbeat, or None (never)."""
    from django.core.cache import cache

    value = cache.get(key)
    if not isinstance(value, dict) or not isinstance(value.get("at"), int | float):
        return None
    return value


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Consumer bootstep: started once the worker consumes tasks, stopped when it stops."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, consumer, **kwargs):
        self.tref = None
        super().__init__(consumer, **kwargs)

    def start(self, consumer):
        hostname = consumer.hostname
        record(WORKER_KEY, hostname)
        self.tref = consumer.timer.call_repeatedly(INTERVAL, record, (WORKER_KEY, hostname))

    def stop(self, consumer):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    shutdown = stop


class HeartbeatScheduler(PersistentScheduler):
    """Beat's scheduler (`beat_scheduler` in portal/celery.py), recording each tick."""

    _last_heartbeat = 0.0

    def tick(self, *args, **kwargs):
        delay = super().tick(*args, **kwargs)
        now = time.monotonic()
        if now - self._last_heartbeat >= INTERVAL:
            record(BEAT_KEY, socket.gethostname())
            self._last_heartbeat = now
        # Wake up often enough to keep the heartbeat fresh, even between rare entries.
        return min(delay, INTERVAL)
