"""What the health endpoints report (views in portal/views.py).

- Liveness (`/healthz`, for the load balancer): can this web node serve, i.e. do the
  database and the broker answer. It also reports the background work's state, but does
  not fail on it: taking web nodes out of the pool would not bring a stopped worker back.
- Readiness (`/healthz/ready`, for alerting): is the work getting done. It fails when the
  worker or beat has been silent longer than HEALTH_MAX_AGE_SECONDS (portal/heartbeat.py),
  or when a task has waited longer than that in the outbox (the broker refused it and no
  sweeper published it since).

The age of the oldest invitation waiting to be sent is reported, not judged: a delivery
that SMTP refused waits for its retry on purpose (exponential backoff, up to hours), so its
age alone says nothing; the worker, beat and outbox checks catch what would hold it up.

The body is for operators and monitoring systems, not for visitors: plain English keys and
reasons, stable enough to alert on.
"""

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from portal import heartbeat, outbox

IN_PROCESS = "none (tasks run in-process)"


@dataclass
class Report:
    body: dict = field(default_factory=dict)
    # Why the portal cannot serve at all (liveness), and why its work is not done (readiness).
    down: list[str] = field(default_factory=list)
    not_ready: list[str] = field(default_factory=list)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _broker_state() -> str:
    """'ok', 'down', or 'none' on the embedded default (tasks run in-process)."""
    if not settings.REDIS_URL:
        return "none"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        return "ok"
    except Exception:
        return "down"


def _age(moment) -> int | None:
    return None if moment is None else max(0, int((timezone.now() - moment).total_seconds()))


def _process(key: str, limit: int) -> tuple[dict, str | None]:
    """The state of one background process and, when it is silent, why."""
    try:
        seen = heartbeat.last_seen(key)
    except Exception:  # the cache is Redis: the broker check reports it down
        return {"state": "unknown (cache unreachable)"}, "cache unreachable"
    if seen is None:
        return {"state": "never seen"}, "no heartbeat ever recorded"
    age = max(0, int(time.time() - seen["at"]))
    state = {"state": "ok", "last_seen_seconds": age, "hostname": seen.get("hostname", "")}
    if age > limit:
        state["state"] = "silent"
        return state, f"silent for {age} s (limit {limit} s)"
    return state, None


def _oldest_waiting() -> tuple[int | None, int | None]:
    from portal.models import OutboxMessage
    from roles.models import Invitation

    # Both read through partial indexes (pending outbox messages, invitations in delivery).
    unpublished = OutboxMessage.objects.filter(enqueued_at__isnull=True).aggregate(
        oldest=Min("created_at")
    )["oldest"]
    waiting = Invitation.objects.filter(
        status__in=[Invitation.Status.QUEUED, Invitation.Status.SENDING]
    ).aggregate(oldest=Min("created_at"))["oldest"]
    return _age(unpublished), _age(waiting)


def check() -> Report:
    report = Report()
    limit = settings.HEALTH_MAX_AGE_SECONDS
    database = "ok" if _database_ok() else "down"
    broker = _broker_state()
    report.body["database"] = database
    report.body["broker"] = broker if broker != "none" else IN_PROCESS
    if database == "down":
        report.down.append("database: down")
    if broker == "down":
        report.down.append("broker: down")

    if outbox.tasks_run_in_process():
        # The embedded default: tasks run inside the web request, there is no worker or
        # beat to wait for, so their absence is no reason to alert.
        report.body["worker"] = {"state": IN_PROCESS}
        report.body["beat"] = {"state": IN_PROCESS}
    else:
        for name, key in (("worker", heartbeat.WORKER_KEY), ("beat", heartbeat.BEAT_KEY)):
            state, reason = _process(key, limit)
            report.body[name] = state
            if reason:
                report.not_ready.append(f"{name}: {reason}")

    if database == "ok":
        try:
            unpublished, waiting = _oldest_waiting()
        except Exception:  # the database went away between the two checks
            unpublished = waiting = None
            report.down.append("database: down")
        report.body["outbox"] = {"oldest_unpublished_seconds": unpublished}
        report.body["invitations"] = {"oldest_waiting_seconds": waiting}
        if unpublished is not None and unpublished > limit:
            report.not_ready.append(
                f"outbox: a task has waited {unpublished} s for the broker (limit {limit} s)"
            )
    report.body["max_age_seconds"] = limit
    return report
