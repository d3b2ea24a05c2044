"""Liveness (`/healthz`) and readiness (`/healthz/ready`), in each state an operator meets."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.tests.factories import UserFactory
from enterprises.tests.factories import EnterpriseQualityFactory
from portal import heartbeat, outbox
from portal.celery import app
from portal.models import OutboxMessage
from roles.models import Invitation

pytestmark = pytest.mark.django_db
LIMIT = 180


@pytest.fixture
def production(settings, monkeypatch):
    """Tasks go through a broker to a worker (the test settings run them in-process)."""
    settings.REDIS_URL = None  # the broker's own check is tested apart
    settings.HEALTH_MAX_AGE_SECONDS = LIMIT
    monkeypatch.setattr(outbox, "tasks_run_in_process", lambda: False)


def beat_at(key: str, seconds_ago: float) -> None:
    from django.core.cache import cache

    cache.set(key, {"at": time.time() - seconds_ago, "hostname": "node-1"})


def outbox_message(seconds_ago: int, *, published: bool = False) -> OutboxMessage:
    message = OutboxMessage.objects.create(task_name="portal.ping", args=["x"])
    created = timezone.now() - timedelta(seconds=seconds_ago)
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=created, enqueued_at=timezone.now() if published else None
    )
    return message


@pytest.fixture
def all_well(production):
    beat_at(heartbeat.WORKER_KEY, 5)
    beat_at(heartbeat.BEAT_KEY, 10)


# --- The embedded default ---------------------------------------------------------------


def test_on_the_embedded_default_it_says_no_worker_is_expected(client, settings):
    settings.REDIS_URL = None
    for url in ("/healthz", "/healthz/ready"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "ok"
        assert body["database"] == "ok"
        assert body["broker"] == "none (tasks run in-process)"
        assert body["worker"] == {"state": "none (tasks run in-process)"}
        assert body["beat"] == {"state": "none (tasks run in-process)"}
    assert client.get("/healthz/ready").json()["reasons"] == []


# --- Liveness -----------------------------------------------------------------------------


def test_liveness_answers_503_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"
    assert client.get("/healthz/ready").status_code == 503


def test_liveness_answers_503_when_the_database_is_down(client, settings, monkeypatch):
    settings.REDIS_URL = None

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["reasons"] == ["database: down"]


def test_liveness_stays_200_when_the_worker_is_stopped_but_says_so(client, production):
    # A load balancer must not take web nodes out because the worker stopped.
    beat_at(heartbeat.BEAT_KEY, 5)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["worker"] == {"state": "never seen"}


@pytest.mark.skipif("not __import__('os').environ.get('REDIS_URL')", reason="needs REDIS_URL")
def test_it_sees_the_real_broker(client, settings):
    import os

    settings.REDIS_URL = os.environ["REDIS_URL"]
    assert client.get("/healthz").json()["broker"] == "ok"


def test_the_load_balancer_is_not_redirected_to_https(client, settings):
    # Production redirects HTTP to HTTPS; health checks poll the node over plain HTTP.
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = None
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz/ready").status_code == 200
    assert client.get("/").status_code == 301


# --- Readiness ----------------------------------------------------------------------------


def test_ready_when_all_is_well(client, all_well):
    outbox_message(3600, published=True)  # published long ago: no concern
    outbox_message(10)  # its on-commit publish is under way
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["reasons"] == []
    assert body["worker"]["state"] == "ok"
    assert body["worker"]["hostname"] == "node-1"
    assert 4 <= body["worker"]["last_seen_seconds"] <= 8
    assert body["beat"]["state"] == "ok"
    assert 9 <= body["outbox"]["oldest_unpublished_seconds"] <= 13
    assert body["invitations"] == {"oldest_waiting_seconds": None}
    assert body["max_age_seconds"] == LIMIT


def test_not_ready_when_the_worker_has_stopped(client, all_well):
    beat_at(heartbeat.WORKER_KEY, LIMIT + 60)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["worker"]["state"] == "silent"
    assert body["beat"]["state"] == "ok"
    assert len(body["reasons"]) == 1
    assert body["reasons"][0].startswith("worker: silent for 24")
    assert "(limit 180 s)" in body["reasons"][0]
    assert client.get("/healthz").status_code == 200


def test_not_ready_when_no_worker_ever_started(client, all_well):
    from django.core.cache import cache

    cache.delete(heartbeat.WORKER_KEY)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["reasons"] == ["worker: no heartbeat ever recorded"]


def test_not_ready_when_beat_has_stopped(client, all_well):
    beat_at(heartbeat.BEAT_KEY, LIMIT + 1)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["beat"]["state"] == "silent"
    assert body["worker"]["state"] == "ok"
    assert [reason.split(":")[0] for reason in body["reasons"]] == ["beat"]


def test_not_ready_when_the_outbox_is_stuck(client, all_well):
    outbox_message(LIMIT + 100)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["outbox"]["oldest_unpublished_seconds"] >= LIMIT + 100
    assert len(body["reasons"]) == 1
    assert body["reasons"][0].startswith("outbox: a task has waited 28")
    assert client.get("/healthz").status_code == 200


def test_the_limit_is_configurable(client, all_well, settings):
    beat_at(heartbeat.WORKER_KEY, 100)
    assert client.get("/healthz/ready").status_code == 200
    settings.HEALTH_MAX_AGE_SECONDS = 60
    assert client.get("/healthz/ready").status_code == 503


def test_it_reports_the_oldest_invitation_waiting_to_be_sent(client, all_well):
    eq = EnterpriseQualityFactory()
    fields = {
        "enterprise": eq.enterprise,
        "enterprise_quality": eq,
        "invited_by": UserFactory(),
        "first_name": "Ann",
        "last_name": "Peeters",
        "email": "ann@example.test",
    }
    waiting = Invitation.objects.create(**fields, status=Invitation.Status.SENDING)
    sent = Invitation.objects.create(**fields, status=Invitation.Status.SENT)
    Invitation.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(seconds=900)
    )
    Invitation.objects.filter(pk=sent.pk).update(
        created_at=timezone.now() - timedelta(seconds=9000)
    )
    response = client.get("/healthz/ready")
    # Reported, not judged: a delivery waiting for its SMTP retry is not a fault.
    assert response.status_code == 200
    assert 900 <= response.json()["invitations"]["oldest_waiting_seconds"] <= 905


# --- The heartbeats themselves ----------------------------------------------------------


def test_beats_scheduler_records_its_heartbeat_at_each_tick(tmp_path):
    from django.core.cache import cache

    cache.delete(heartbeat.BEAT_KEY)
    scheduler = heartbeat.HeartbeatScheduler(
        app, schedule_filename=str(tmp_path / "schedule"), lazy=True
    )
    scheduler.setup_schedule()
    delay = scheduler.tick()
    assert delay <= heartbeat.INTERVAL
    seen = heartbeat.last_seen(heartbeat.BEAT_KEY)
    assert seen is not None and time.time() - seen["at"] < 5
    scheduler.close()


def test_the_worker_step_records_its_heartbeat_on_the_consumers_timer():
    from django.core.cache import cache

    cache.delete(heartbeat.WORKER_KEY)
    calls = []

    class Timer:
        def call_repeatedly(self, secs, fun, args):
            calls.append((secs, fun, args))
            return self

        def cancel(self):
            calls.append("cancelled")

    class Consumer:
        hostname = "celery@node-2"
        timer = Timer()

    step = heartbeat.WorkerHeartbeat(Consumer())
    step.start(Consumer)
    assert heartbeat.last_seen(heartbeat.WORKER_KEY)["hostname"] == "celery@node-2"
    assert calls[0] == (
        heartbeat.INTERVAL,
        heartbeat.record,
        (heartbeat.WORKER_KEY, Consumer.hostname),
    )
    step.stop(Consumer)
    assert calls[-1] == "cancelled"
    assert heartbeat.WorkerHeartbeat in app.steps["consumer"]


def test_a_heartbeat_that_cannot_be_written_does_not_stop_the_process(monkeypatch):
    from django.core.cache import cache

    def refuse(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(cache, "set", refuse)
    heartbeat.record(heartbeat.WORKER_KEY, "node-1")  # logged, not raised
