"""Throughput under gunicorn: requests per second, as a ratio to the trivial view.

    .venv/bin/python bench/throughput.py [--workers 2] [--seconds 10] [--connections 8]

Run `bench/scale_data.py` first (same DATABASE_URL). Starts gunicorn (`portal.wsgi` with
`bench.settings`, sync workers, as `make serve` runs it, without the access log), then a load
tool in a second process: an asyncio client keeping `--connections` requests in flight, a
new connection per request (gunicorn's sync workers close each one). Each target is loaded
for `--seconds`, in `--rounds` alternating rounds, so that a shared machine's load falls on
all of them alike; the figure is the total over the rounds.

Targets: the trivial view (/bench/ping), the cached wizard answer (anonymous), the profile
page signed in as the holder of 1,000 attributions and as the holder of two, and the local
manager's role list of the largest enterprise (100,000 attributions) and of enterprise #2
(ten). Issue 16 asks for the profile and the role list at 0.25 of the trivial view's
requests per second at least, the cached wizard answer at 0.5; the last column says which
hold.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


# Issue 16: requests per second of each page as a share of the trivial view's.
TARGET_RATIOS = {"wizard answer": 0.5, "profile": 0.25, "roles list": 0.25}


async def _load(
    host: str, port: int, request: bytes | list[bytes], seconds: float, connections: int
):
    """`request` is sent again and again; a list of requests is sent in turn (each
    connection starting at its own place in it)."""
    done = errors = 0
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    requests = request if isinstance(request, list) else [request]

    async def one_client(start: int):
        nonlocal done, errors
        turn = start
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            turn += 1
            try:
                reader, writer = await asyncio.open_connection(host, port)
                writer.write(requests[turn % len(requests)])
                await writer.drain()
                head = await reader.readline()
                await reader.read()  # until the server closes
                writer.close()
                if b" 200 " in head:
                    done += 1
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1
            except OSError:
                errors += 1

    await asyncio.gather(*(one_client(k) for k in range(connections)))
    return done, errors, latencies


def load_process(args) -> tuple[int, int, list[float]]:
    """Runs in the second process (multiprocessing)."""
    host, port, request, seconds, connections = args
    return asyncio.run(_load(host, port, request, seconds, connections))


def _request(path: str, cookie: str | None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _employer_quality(k: int) -> int:
    """The id of enterprise #k's "employer" quality (#1: 100,000 attributions, #2: ten)."""
    import django

    django.setup()
    from bench.scale_data import enterprise_number
    from enterprises.models import EnterpriseQuality

    return EnterpriseQuality.objects.get(
        enterprise__number=enterprise_number(k), quality__code="employer"
    ).pk


def _session_cookie(email: str) -> str:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    """The portal under gunicorn with the benches' settings, as `make serve` runs it."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip


def _wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=10.0, help="per target and round")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)

    manager = _session_cookie("gl@bench.example")
    targets = [
        ("ping (trivial view)", "/bench/ping", None),
        ("wizard answer, cached", "/wizard/gl-manage-roles/", None),
        ("profile, 1,000 attributions", "/profile/", _session_cookie("holder@bench.example")),
        ("profile, 2 attributions", "/profile/", _session_cookie("few@bench.example")),
        ("roles list, 100,000", f"/roles/q/{_employer_quality(1)}/", manager),
        ("roles list, 10", f"/roles/q/{_employer_quality(2)}/", manager),
    ]
    server = start_gunicorn(args.port, args.workers)
    results = {name: [0, 0, []] for name, _, _ in targets}
    load_before = os.getloadavg()
    try:
        _wait_for(args.port)
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool:
            # Warm every worker (imports, connections, the wizard cache).
            for _, path, cookie in targets:
                pool.apply(load_process, [("127.0.0.1", args.port, _request(path, cookie), 2.0,
                                           args.connections)])  # fmt: skip
            for _ in range(args.rounds):
                for name, path, cookie in targets:
                    done, errors, latencies = pool.apply(
                        load_process,
                        [("127.0.0.1", args.port, _request(path, cookie), args.seconds,
                          args.connections)],
                    )  # fmt: skip
                    results[name][0] += done
                    results[name][1] += errors
                    results[name][2] += latencies
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    load_after = os.getloadavg()

    total = args.seconds * args.rounds
    floor = results[targets[0][0]][0] / total
    print(
        f"gunicorn {args.workers} sync workers, {args.connections} connections in flight, "
        f"{args.rounds} x {args.seconds:g} s per target"
    )
    print(
        f"{'target':<30} {'req/s':>8} {'ratio':>6} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6}"
        "  target"
    )
    for name, _, _ in targets:
        done, errors, latencies = results[name]
        latencies.sort()
        p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0
        p95 = latencies[int(len(latencies) * 0.95)] * 1000 if latencies else 0
        rate = done / total
        wanted = next((v for prefix, v in TARGET_RATIOS.items() if name.startswith(prefix)), None)
        verdict = "" if wanted is None else ("ok" if rate / floor >= wanted else "MISSED")
        verdict = verdict and f"{verdict} (>= {wanted:g})"
        print(
            f"{name:<30} {rate:>8.1f} {rate / floor:>6.2f} {p50:>8.1f} {p95:>8.1f} {errors:>6}"
            f"  {verdict}"
        )
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"(nproc {os.cpu_count()})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
