"""Benchmark: bulk CSV invitations through Redis and real Celery workers to an SMTP server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_invitations \\
    REDIS_URL=redis://127.0.0.1:6379/14 \\
    .venv/bin/python bench/invitations.py --rows 10000 --concurrency 4

Starts a local SMTP server (aiosmtpd, accepting and counting), then measures:
1. the baseline: the same number of messages sent with plain `smtplib` from one process,
   one connection per message (what Django's SMTP backend does per `send_mail`);
2. the portal: a CSV of `--rows` invitations parsed into a batch (`batch_parse`), confirmed
   (`batch_confirm`: bulk_create, one outbox message per chunk of 200), then delivered by a
   `celery -A portal worker` process — until every invitation is `sent` (or `failed`).

The database must be a scratch one (it is migrated and gets a bench enterprise).
Prints both throughputs in messages per second.
"""

from __future__ import annotations

import argparse
import io
import os
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class CountingHandler:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def baseline(port: int, rows: int) -> float:
    started = time.perf_counter()
    for i in range(rows):
        message = EmailMessage()
        message["From"] = "noreply@egov.example"
        message["To"] = f"baseline{i}@example.test"
        message["Subject"] = "Invitation"
        message.set_content("Hello\n" * 20)
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(message)
    return rows / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait for delivery")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        print("Needs DATABASE_URL (PostgreSQL, scratch database) and REDIS_URL.", file=sys.stderr)
        return 2

    from aiosmtpd.controller import Controller

    port = free_port()
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "z1x2c3v4b5" * 6),
        "ALLOWED_HOSTS": "localhost",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from guardian.shortcuts import assign_perm

    from accounts.models import User
    from enterprises.models import Enterprise, EnterpriseQuality, Quality
    from roles import services
    from roles.models import Invitation

    call_command("migrate", verbosity=0)
    # The bench is not an abuse: lift the per-hour invitation limits for this process.
    settings.ROLES_INVITATION_LIMITS = {"manager": 10**9, "enterprise": 10**9, "window": 3600}

    print(f"SMTP server on 127.0.0.1:{port}; {args.rows} messages each way.")
    rate = baseline(port, args.rows)
    print(f"plain smtplib (1 process, 1 connection/message): {rate:8.1f} msg/s")

    run = uuid.uuid4().hex[:6]
    manager, _ = User.objects.get_or_create(
        email="bench-gl@example.test", defaults={"first_name": "Bench", "last_name": "GL"}
    )
    enterprise, _ = Enterprise.objects.get_or_create(
        number="0403170701", defaults={"name": "Bench SRL"}
    )
    eq, _ = EnterpriseQuality.objects.get_or_create(
        enterprise=enterprise, quality=Quality.objects.get(code="employer")
    )
    assign_perm("enterprises.manage_roles", manager, eq)
    csv_text = "\n".join(
        f"P{i},N{i},bench-{run}-{i}@example.test,dimona-declaration,," for i in range(args.rows)
    )
    upload = io.BytesIO(csv_text.encode())
    upload.name = "bench.csv"

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            f"--concurrency={args.concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # let the worker connect
        before = handler.count
        started = time.perf_counter()
        batch = services.batch_parse(actor=manager, enterprise_quality=eq, uploaded=upload)
        parsed = time.perf_counter()
        services.batch_confirm(actor=manager, batch=batch)
        confirmed = time.perf_counter()
        print(
            f"parse {args.rows} rows: {parsed - started:.2f}s; "
            f"confirm (bulk_create + outbox): {confirmed - parsed:.2f}s"
        )
        deadline = time.monotonic() + args.timeout
        pending = Invitation.objects.filter(batch=batch, status=Invitation.Status.QUEUED)
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        sent = Invitation.objects.filter(batch=batch, status=Invitation.Status.SENT).count()
        failed = Invitation.objects.filter(batch=batch, status=Invitation.Status.FAILED).count()
        print(
            f"portal (Redis + worker x{args.concurrency}, token, audit, templates): "
            f"{sent / elapsed:8.1f} msg/s  (sent {sent}, failed {failed}, "
            f"received by SMTP {handler.count - before}, {elapsed:.1f}s end to end)"
        )
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
