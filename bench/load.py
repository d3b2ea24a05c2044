"""Load benchmark: signed-in people on gunicorn + PostgreSQL + Redis.

    createdb -h 127.0.0.1 -U postgres bench_load                  # a scratch database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_load \\
    REDIS_URL=redis://127.0.0.1:6379/15 \\
    .venv/bin/python bench/load.py                 # 50 users for 60 s (--users, --duration)

1. migrates the database, loads the wizard and generates its own data: an enterprise with
   its "employer" quality, one local manager (GL) and co-GLs of it, a few hundred role
   attributions (`--attributions`) and `--users` people, each with a role and a session
   created server-side (the session cookie is handed to the load generator: no login
   traffic);
2. starts gunicorn (`--workers 2`, gthread) with the production settings (DEBUG off, cache
   in Redis) through `bench.settings`;
3. runs the load generator in a second process: one thread per person, each with its own
   keep-alive connection, requesting in turn a wizard page, the person's profile and — for
   the managers — the local manager's attribution list, pausing a random think time
   between pages (`--think 1.0`: uniform 0.5–1.5 s, as a person reads; `--think 0` makes it a
   closed loop that measures saturation instead: latency is then mostly queueing);
4. prints requests per second, p50/p95/p99 (overall and per page) and the errors.

Target: no error, p95 under 200 ms. The exit status is 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = "bench.settings"
WIZARD_PAGES = ["/wizard/", "/wizard/local-manager/", "/wizard/user/", "/wizard/lr-who-is/"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


# --- 1. Data ----------------------------------------------------------------------------


def enterprise_number(index: int) -> str:
    first = 10000000 + index
    return f"{first:08d}{97 - first % 97:02d}"


def national_number(index: int) -> str:
    base = (
        f"{70 + (index // 1000) % 30:02d}{1 + (index // 30) % 12:02d}"
        f"{1 + index % 28:02d}{index % 997:03d}"
    )
    return f"{base}{97 - int(base) % 97:02d}"


def generate(users: int, attributions: int, managers: int) -> dict:
    """Create the bench's people and data; returns session keys and the list's path."""
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import transaction
    from guardian.shortcuts import assign_perm

    from accounts.models import User
    from enterprises.models import Designation, Enterprise, EnterpriseQuality, Quality
    from roles.models import Role, RoleAttribution

    call_command("migrate", verbosity=0)
    call_command("load_wizard", verbosity=0)
    tag = uuid.uuid4().hex[:8]
    with transaction.atomic():
        enterprise = Enterprise.objects.create(
            number=enterprise_number(random.randrange(1_000_000, 8_999_999)),
            name=f"Bench load {tag}",
            juridical_form="014",
            status=Enterprise.Status.ACTIVE,
        )
        eq = EnterpriseQuality.objects.create(
            enterprise=enterprise, quality=Quality.objects.get(code="employer")
        )
        roles = list(Role.objects.for_quality(eq.quality_id)[:4])
        people = User.objects.bulk_create(
            User(
                email=f"load-{tag}-{i}@example.test",
                first_name=f"Prénom{i}",
                last_name=f"Nom{i}",
                language="fr",
                password="!",  # noqa: S106 (unusable: the bench signs in with server-side sessions)
            )
            for i in range(users)
        )
        gl = people[0]
        for index, person in enumerate(people[:managers]):
            Designation.objects.create(
                enterprise=enterprise,
                kind=Designation.Kind.GL if index == 0 else Designation.Kind.CO_GL,
                enterprise_quality=eq,
                person=person,
                national_number=national_number(index),
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                status=Designation.Status.ACTIVE,
                designated_by=gl,
            )
            assign_perm("enterprises.manage_roles", person, eq)
        assign_perm("enterprises.designate_co_gl", gl, eq)
        rows = [
            RoleAttribution(
                enterprise=enterprise,
                enterprise_quality=eq,
                role=roles[i % len(roles)],
                person=person,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                source="direct",
                granted_by=gl,
            )
            for i, person in enumerate(people)
        ]
        rows += [
            RoleAttribution(
                enterprise=enterprise,
                enterprise_quality=eq,
                role=roles[i % len(roles)],
                national_number=national_number(1000 + i),
                first_name=f"Invité{i}",
                last_name="Bench",
                email=f"pending-{tag}-{i}@example.test",
                source="direct",
                granted_by=gl,
            )
            for i in range(max(0, attributions - users))
        ]
        RoleAttribution.objects.bulk_create(rows)
    sessions = []
    for person in people:
        session = SessionStore()
        session[SESSION_KEY] = str(person.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = person.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    from django.conf import settings
    from django.urls import reverse

    return {
        "sessions": sessions,
        "managers": managers,
        "list_path": reverse("roles:list", args=[eq.pk]),
        "profile_path": reverse("roles:profile"),
        "cookie_name": settings.SESSION_COOKIE_NAME,
        "attributions": RoleAttribution.objects.filter(enterprise_quality=eq).count(),
    }


# --- 3. The load generator (a second process) --------------------------------------------


def drive(config: dict) -> dict:
    """One thread per person, each on its own keep-alive connection, until the deadline."""
    port, duration, think = config["port"], config["duration"], config["think"]
    samples: list[tuple[str, float]] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_barrier = threading.Barrier(len(config["sessions"]))
    deadline_box: list[float] = []

    def person(index: int, session_key: str) -> None:
        is_manager = index < config["managers"]
        pages = [("wizard", None), ("profile", config["profile_path"])]
        if is_manager:
            pages.append(("manager list", config["list_path"]))
        headers = {
            "Cookie": f"{config['cookie_name']}={session_key}",
            "Accept-Language": "fr",
        }
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        rng = random.Random(index)
        start_barrier.wait()
        step = index  # people start at different pages
        while time.monotonic() < deadline_box[0]:
            name, path = pages[step % len(pages)]
            step += 1
            if path is None:
                path = rng.choice(WIZARD_PAGES)
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                ok = response.status == 200
                problem = f"{response.status} {path}"
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                elapsed, ok, problem = time.perf_counter() - started, False, f"{exc!r} {path}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            with lock:
                samples.append((name, elapsed))
                if not ok:
                    errors.append(problem)
            if think:
                time.sleep(rng.uniform(think / 2, think * 1.5))
        connection.close()

    threads = [
        threading.Thread(target=person, args=(i, key), daemon=True)
        for i, key in enumerate(config["sessions"])
    ]
    deadline_box.append(time.monotonic() + duration + 1)  # replaced once all are ready
    for thread in threads:
        thread.start()
    # The barrier releases everyone together; the measured window starts then.
    began = time.monotonic()
    deadline_box[0] = began + duration
    for thread in threads:
        thread.join(duration + 60)
    wall = time.monotonic() - began
    return {"samples": samples, "errors": errors, "wall": wall}


def report(result: dict, users: int, duration: int) -> bool:
    samples, errors = result["samples"], result["errors"]
    latencies = [s for _n, s in samples]
    total = len(latencies)
    rps = total / result["wall"] if result["wall"] else 0.0
    p95 = percentile(latencies, 0.95) * 1000
    print(f"\n{users} signed-in users for {duration} s: {total} requests, {rps:.1f} req/s")
    print(f"{'page':<14}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'mean':>10}")

    def line(name: str, values: list[float]) -> None:
        print(
            f"{name:<14}{len(values):>10}{percentile(values, 0.5) * 1000:>10.1f}"
            f"{percentile(values, 0.95) * 1000:>10.1f}{percentile(values, 0.99) * 1000:>10.1f}"
            f"{(statistics.fmean(values) * 1000 if values else float('nan')):>10.1f}"
        )

    for name in ("wizard", "profile", "manager list"):
        line(name, [s for n, s in samples if n == name])
    line("all", latencies)
    print(f"errors: {len(errors)}" + (f" (first: {errors[:5]})" if errors else ""))
    met = not errors and total > 0 and p95 < 200
    print(f"target (no error, p95 < 200 ms): {'met' if met else 'MISSED'} (p95 {p95:.1f} ms)")
    return met


# --- 2. and the whole run ---------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent signed-in people")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--attributions", type=int, default=300, help="on the manager's list")
    parser.add_argument("--managers", type=int, default=10, help="people who are GL/co-GL")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between pages (s), 0: none"
    )
    parser.add_argument("--drive", help=argparse.SUPPRESS)  # internal: the generator process
    args = parser.parse_args()

    if args.drive:
        config = json.loads(Path(args.drive).read_text())
        json.dump(drive(config), sys.stdout)
        return 0

    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get(
        "REDIS_URL"
    ):
        print("Needs DATABASE_URL (PostgreSQL, scratch database) and REDIS_URL.", file=sys.stderr)
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(ROOT))
    started = time.perf_counter()
    data = generate(args.users, args.attributions, min(args.managers, args.users))
    print(
        f"data: {args.users} people with sessions, {data['attributions']} attributions on the"
        f" list, {data['managers']} managers ({time.perf_counter() - started:.1f} s)"
    )

    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONPATH": str(ROOT)}
    env.setdefault("LOG_LEVEL", "WARNING")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "-k",
            "gthread",
            "--threads",
            str(args.threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    config_path = Path(f"/tmp/bench-load-{uuid.uuid4().hex[:8]}.json")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/wizard/")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("gunicorn did not start", file=sys.stderr)
                return 2
            time.sleep(0.3)
        # Warm up each gunicorn worker (imports, template loading, first connections).
        for _ in range(4 * args.workers):
            for path in (*WIZARD_PAGES, data["profile_path"], data["list_path"]):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                connection.request(
                    "GET", path, headers={"Cookie": f"{data['cookie_name']}={data['sessions'][0]}"}
                )
                connection.getresponse().read()
                connection.close()
        config = {**data, "port": port, "duration": args.duration, "think": args.think}
        config_path.write_text(json.dumps(config))
        print(
            f"load: {args.users} users for {args.duration} s, think time {args.think} s,"
            f" on gunicorn ({args.workers} workers × {args.threads} threads)"
        )
        generator = subprocess.run(
            [sys.executable, __file__, "--drive", str(config_path)],
            capture_output=True,
            text=True,
            timeout=args.duration + 180,
            check=True,
        )
        result = json.loads(generator.stdout)
    finally:
        config_path.unlink(missing_ok=True)
        server.terminate()
        server.wait(timeout=30)
    return 0 if report(result, args.users, args.duration) else 1


if __name__ == "__main__":
    sys.exit(main())
