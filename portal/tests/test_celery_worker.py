"""A real round trip through Redis and a Celery worker process (when REDIS_URL is set)."""

import os
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import pytest
from celery.exceptions import AlwaysEagerIgnored
from django.core.cache import cache

from portal.celery import app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)"),
]


@pytest.fixture
def worker():
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings_test"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
    )
    yield queue
    process.terminate()
    process.wait(timeout=20)


def test_a_task_goes_through_redis_to_a_worker_and_back(worker):
    token = uuid.uuid4().hex
    with warnings.catch_warnings():
        # The test settings run tasks eagerly; send_task always goes through the broker.
        warnings.simplefilter("ignore", AlwaysEagerIgnored)
        app.send_task("portal.ping", args=[token], queue=worker)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if cache.get(f"portal:ping:{token}") == "pong":
            break
        time.sleep(0.2)
    assert cache.get(f"portal:ping:{token}") == "pong"


def test_a_running_worker_keeps_its_heartbeat_fresh(worker):
    from portal import heartbeat

    cache.delete(heartbeat.WORKER_KEY)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and heartbeat.last_seen(heartbeat.WORKER_KEY) is None:
        time.sleep(0.2)
    seen = heartbeat.last_seen(heartbeat.WORKER_KEY)
    assert seen is not None, "the worker recorded no heartbeat within 30 s"
    assert time.time() - seen["at"] < 30
    assert seen["hostname"].startswith("celery@")
