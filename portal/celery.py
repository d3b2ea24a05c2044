"""The Celery app, configured so that a message is never lost silently.

- late acks + reject on worker lost: a task killed mid-way (SIGKILL, OOM) goes back to the
  queue instead of being acknowledged before it ran; tasks are therefore idempotent (each
  guards its side effect with a state change in the database).
- prefetch 1: a worker holds one message at a time, so a crash strands at most one.
- visibility timeout above the longest time limit, so Redis does not redeliver a task that
  is still running.
"""

import os

from celery import Celery

from portal.heartbeat import WorkerHeartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_time_limit=120,
    task_soft_time_limit=90,
    broker_connection_timeout=3,
    broker_connection_retry_on_startup=True,
    broker_connection_max_retries=None,
    broker_transport_options={
        "visibility_timeout": 600,
        "socket_timeout": 3,
        "socket_connect_timeout": 3,
        # Kombu applies these to every connect of a producer: without short intervals a
        # publish while Redis is down waits 2 s + 4 s before failing (seen in
        # tests/faults), blocking the web request that enqueued the task.
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
    },
    # A publish while Redis is down must fail fast (the outbox sweeper retries later)
    # instead of blocking the web request.
    task_publish_retry=False,
    worker_cancel_long_running_tasks_on_connection_loss=False,
    timezone="Europe/Brussels",
)
app.autodiscover_tasks()
# The worker's heartbeat for /healthz/ready (beat's comes from CELERY_BEAT_SCHEDULER).
app.steps["consumer"].add(WorkerHeartbeat)

# How long a task's claim on a row (a delivery lease) holds: past the hard time limit the
# run that holds it is dead, since Redis never redelivers a running task (visibility
# timeout) and the time limit kills it first.
LEASE_SECONDS = app.conf.task_time_limit + 30
