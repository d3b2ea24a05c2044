"""Benchmark: bulk CSV invitations through Redis and real Celery workers to an SMTP server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_invitations \\
    REDIS_URL=redis://127.0.0.1:6379/14 \\
    .venv/bin/python bench/invitations.py --rows 10000 --concurrency 4

Starts a local SMTP server (aiosmtpd, accepting and counting), then measures:
1. the baselines: the same number of messages sent with plain `smtplib` from one process,
   (a) one connection per message (what one `send_mail` call per message costs) and
   (b) all of them over one connection (the fastest plain sending there is);
2. the portal: a CSV of `--rows` invitations parsed into a batch (`batch_parse`), confirmed
   (`batch_confirm`: bulk_create, one outbox message per chunk of 200), then delivered by a
   `celery -A portal worker` process (claim, token, render fr/nl/de/en templates, send over
   one connection per chunk, record + audit) — until every invitation is `sent` or `failed`.

The database must be a scratch one (it is migrated and gets a bench enterprise).
Prints the throughputs in messages per second and the ratio of the portal's (from upload
to last delivery) to the faster baseline. Target: at least 0.5.
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


def plain_message(i: int) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "noreply@egov.example"
    message["To"] = f"baseline{i}@example.test"
    message["Subject"] = "Invitation"
    message.set_content("Hello\n" * 20)
    return message


def baseline_per_message(port: int, rows: int) -> float:
    started = time.perf_counter()
    for i in range(rows):
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(plain_message(i))
    return rows / (time.perf_counter() - started)


def baseline_one_connection(port: int, rows: int) -> float:
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(rows):
            smtp.send_message(plain_message(i))
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
    per_message = baseline_per_message(port, args.rows)
    print(f"plain smtplib, 1 connection per message: {per_message:8.1f} msg/s")
    one_connection = baseline_one_connection(port, args.rows)
    print(f"plain smtplib, 1 connection for all:     {one_connection:8.1f} msg/s")
    best = max(per_message, one_connection)

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
        pending = Invitation.objects.filter(
            batch=batch, status__in=[Invitation.Status.QUEUED, Invitation.Status.SENDING]
        )
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
        sent = Invitation.objects.filter(batch=batch, status=Invitation.Status.SENT).count()
        failed = Invitation.objects.filter(batch=batch, status=Invitation.Status.FAILED).count()
        received = handler.count - before
        rate = sent / elapsed
        print(
            f"portal (Redis + worker x{args.concurrency}, token, audit, templates): "
            f"{rate:8.1f} msg/s  (sent {sent}, failed {failed}, "
            f"received by SMTP {received}, {elapsed:.1f}s from upload to last delivery)"
        )
        ratio = rate / best
        verdict = "met" if ratio >= 0.5 and sent == received == args.rows else "MISSED"
        print(f"ratio to the faster plain sending: {ratio:.2f} (target >= 0.5: {verdict})")
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
