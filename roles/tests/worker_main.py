"""Start a Celery worker for the roles worker test, on the test's own queue.

Run as a subprocess with real settings (portal.settings: SMTP, Redis, PostgreSQL) from the
environment the test gives it.
"""

import os

from portal.celery import app

queue = os.environ["ROLES_TEST_QUEUE"]
# Retries and fan-out publish to the default queue: the test's own.
app.conf.task_default_queue = queue
app.conf.task_always_eager = False
app.worker_main(
    [
        "worker",
        "-Q",
        queue,
        "--pool=solo",
        "--loglevel=WARNING",
        "--without-heartbeat",
        "--without-gossip",
        "--without-mingle",
    ]
)
