"""Fixtures of the fault tests: a private Redis, a programmable SMTP server, real Celery
workers and the persona of a local manager.

Every test here runs against PostgreSQL (the worker is another process: it must see the
test's committed data) and starts its own redis-server on a free port, so it can stop and
start the broker without disturbing the shared Redis other test processes use.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from kombu import pools as kombu_pools

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate, timeout: float, interval: float = 0.2, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(message or f"condition not met within {timeout} s")


@pytest.fixture
def requires_services():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("fault tests need REDIS_URL (a real Redis; they start a private one)")
    if connection.vendor != "postgresql":
        pytest.skip("fault tests need PostgreSQL (DATABASE_URL): the worker is another process")
    if shutil.which("redis-server") is None:
        pytest.skip("fault tests need the redis-server binary")


# --- Redis ------------------------------------------------------------------------------


class PrivateRedis:
    """A redis-server of our own (no persistence): stopping it is a broker outage."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="faults-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.dir,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.ping, 10, 0.05, "the private redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_until(lambda: not self.ping(), 5, 0.05, "the private redis-server did not stop")


@pytest.fixture
def redis_server(requires_services):
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.dir, ignore_errors=True)


@pytest.fixture
def broker(redis_server, monkeypatch):
    """Point this process's Celery at the private Redis, tasks published (not run here)."""
    from portal import outbox
    from portal.celery import app

    def reset_pools():
        # kombu keeps producer pools in a global registry keyed by broker URL: clear it too,
        # or later publishes reuse a pool bound to the connections closed here.
        kombu_pools.reset()
        app._pool = None
        with contextlib.suppress(KeyError):
            app.__dict__["amqp"]._producer_pool = None

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    monkeypatch.setattr(outbox, "tasks_run_in_process", lambda: False)
    if app._pool is not None:
        app._pool.force_close_all()
    app.conf.broker_url = redis_server.url
    app.conf.task_always_eager = False
    reset_pools()
    try:
        yield redis_server
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app.conf.broker_url, app.conf.task_always_eager = saved
        reset_pools()


# --- SMTP -------------------------------------------------------------------------------


class ProgrammableHandler:
    """An SMTP server's DATA handler: accepts and records, unless programmed otherwise.

    `program("4xx", "5xx", "hang")` sets what the next messages get: a 451 temporary
    failure, a 554 rejection, or no answer for `hang_seconds` (past the client's timeout);
    "slow" answers 250 after `slow_seconds`. A message counts as delivered only once the
    server could answer 250 to a client still connected (as an MTA takes responsibility).
    """

    def __init__(self) -> None:
        self.plan: collections.deque[str] = collections.deque()
        self.hang_seconds = 5.0
        self.slow_seconds = 5.0
        self.delivered: list[tuple[tuple[str, ...], str]] = []
        self.attempts: list[tuple[float, tuple[str, ...], str]] = []
        self.receiving = threading.Event()

    def program(self, *behaviours: str) -> None:
        self.plan.extend(behaviours)

    def recipients(self) -> list[str]:
        return sorted(r for rcpts, _content in self.delivered for r in rcpts)

    async def handle_DATA(self, server, session, envelope):
        behaviour = self.plan.popleft() if self.plan else "accept"
        rcpts = tuple(envelope.rcpt_tos)
        self.attempts.append((time.monotonic(), rcpts, behaviour))
        self.receiving.set()
        if behaviour == "4xx":
            return "451 4.3.0 Temporary local problem, try again later"
        if behaviour == "5xx":
            return "554 5.7.1 Message rejected"
        if behaviour == "hang":
            await asyncio.sleep(self.hang_seconds)
            return "451 4.4.2 Too late"
        if behaviour == "slow":
            await asyncio.sleep(self.slow_seconds)
        transport = server.transport
        if transport is None or transport.is_closing():
            return "421 4.4.2 Client gone"
        self.delivered.append((rcpts, envelope.content.decode("utf-8", "replace")))
        return "250 2.0.0 Accepted"


@pytest.fixture
def smtp(requires_services):
    from aiosmtpd.controller import Controller

    handler = ProgrammableHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


# --- Celery workers ---------------------------------------------------------------------


class Worker:
    def __init__(self, process: subprocess.Popen, log: Path) -> None:
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited:\n{self.output()}")
            return " ready." in self.output()

        wait_until(ready, timeout, 0.2, f"the worker did not start:\n{self.output()}")

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in path.read_text().split()]
        except FileNotFoundError:
            return []

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes: nothing gets to clean up."""
        for pid in [*self.children(), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_worker(broker, smtp, tmp_path):
    """Start `celery -A portal worker` processes on the test database and the private Redis."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.worker_settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": broker.url,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "EMAIL_TIMEOUT": "2",
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "INFO",
    }
    workers: list[Worker] = []

    def start(
        *,
        pool: str = "solo",
        extra_env: dict | None = None,
        visibility_timeout: int | None = None,
    ) -> Worker:
        log = tmp_path / f"worker-{len(workers)}.log"
        extra_env = dict(extra_env or {})
        if visibility_timeout is None:
            command = [sys.executable, "-m", "celery", "-A", "portal", "worker"]
        else:  # the same worker, with a short Redis visibility timeout (see worker_main)
            command = [sys.executable, "-m", "tests.faults.worker_main"]
            extra_env["FAULTS_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
        command += ["--loglevel=INFO", "--without-heartbeat", "--without-gossip"]
        command += ["--without-mingle"]
        command += ["--pool=solo"] if pool == "solo" else ["--pool=prefork", "--concurrency=1"]
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**env, **extra_env},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        worker = Worker(process, log)
        workers.append(worker)
        worker.wait_ready()
        return worker

    try:
        yield start
    finally:
        for worker in workers:
            worker.stop()


# --- Personas ---------------------------------------------------------------------------


@pytest.fixture
def gl_quality(requires_services):
    """A local manager of an enterprise's "employer" quality, and the role it attributes."""
    from enterprises.models import Quality
    from enterprises.tests.factories import EnterpriseFactory, EnterpriseQualityFactory
    from roles.models import Role
    from tests.personas import ensure_catalogue, make_gl

    ensure_catalogue()
    eq = EnterpriseQualityFactory(
        enterprise=EnterpriseFactory(name="Boulangerie Dupont"),
        quality=Quality.objects.get(code="employer"),
    )
    return make_gl(eq), eq, Role.objects.get(code="dimona-declaration")
