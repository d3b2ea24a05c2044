"""Invitations through Redis, a real Celery worker and a real SMTP server (aiosmtpd).

Skipped unless REDIS_URL is set and the database is PostgreSQL (the worker process needs
a database it can see: committed data, not the test's transaction).
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from roles import services
from roles.models import Invitation

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a real broker)"),
]


class Handler:
    """Accepts everything, except the first attempt for flaky@ (a 451 temporary failure)."""

    def __init__(self):
        self.messages = []
        self.attempts = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.attempts[address] = self.attempts.get(address, 0) + 1
        if address.startswith("flaky@") and self.attempts[address] == 1:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos[:], envelope.content.decode("utf-8", "replace")))
        return "250 Message accepted"


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:  # a free port (the Controller cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def worker(smtp):
    from portal.celery import app

    if connection.vendor != "postgresql":
        pytest.skip("the worker needs PostgreSQL (DATABASE_URL)")
    _handler, port = smtp
    queue = f"roles-test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "worker-test-" + "q7w8e9r0t1" * 6,
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "ROLES_TEST_QUEUE": queue,
    }
    process = subprocess.Popen([sys.executable, "-m", "roles.tests.worker_main"], cwd=ROOT, env=env)
    saved = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield process
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = saved
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.django_db(transaction=True)
def test_invitations_are_delivered_by_a_worker_with_a_retried_smtp_failure(
    worker, smtp, gl, eq, dimona
):
    handler, _port = smtp
    emails = ["marie@example.test", "flaky@example.test", "jan@example.test"]
    services.invitations_create(
        actor=gl,
        enterprise_quality=eq,
        roles=[dimona],
        invitees=[services.Invitee("P", "N", email) for email in emails],
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Invitation.objects.filter(status=Invitation.Status.SENT).count() == 3:
            break
        time.sleep(0.3)
    statuses = dict(Invitation.objects.values_list("email", "status"))
    assert statuses == dict.fromkeys(emails, "sent")
    assert sorted(rcpt[0] for rcpt, _content in handler.messages) == sorted(emails)
    assert handler.attempts["flaky@example.test"] == 2
    flaky = Invitation.objects.get(email="flaky@example.test")
    assert flaky.attempts == 2
    assert "/invitations/" in next(c for r, c in handler.messages if r == ["marie@example.test"])
