"""The capacity screen of a person acting for many clients through one provider: query
count and page time at 10 and at 10,000 clients, beside the floor (`/bench/ping`, signed
in) in the same run.

    createdb -h 127.0.0.1 -U postgres bench_mandates_capacity   # scratch: filled here
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_mandates_capacity \
      .venv/bin/python bench/mandates_capacity.py [--sizes 10 10000] [--requests 200]

What it does: migrates the database, builds through the services a social-secretariat
provider per size (tests/personas.build_provider: its RAE, the local manager of its
secretariat quality, an employee), then, in bulk, that many registered clients each with an
active mandate for the declarations and the employee holding Dimona's declaration for each
through the provider (`relying/tests/mandated_support.clients_through`, the rows the
services write). Registers Dimona as a client. Then requests, signed in as each employee,
the authorization endpoint (the capacity screen: the first page of 20, by name), its second
page with a search ("Client 0"), and the floor, interleaved round by round so a shared
machine's load falls on all alike, in process through the whole middleware stack (Django's
test Client, no network).

Targets (issue 14): the same query count at 10 and at 10,000 clients; p95 within 5x the
floor's p95 and under 100 ms (the targets of bench/page_cost.py). Exit status 1 if missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_mandates_capacity")

# The page-cost bench's targets, percentile and verdicts: one definition for every bench.
from bench.page_cost import TARGET_MS, TARGET_RATIO, percentile, target_verdict  # noqa: E402

REDIRECT_URI = "https://dimona.bench.example/callback"


def build(sizes: list[int], out=print) -> tuple[str, dict[int, object]]:
    """The client id of Dimona and, per size, the employee acting for that many clients."""
    from django.core.management import call_command

    from relying import services
    from relying.models import ApplicationClient
    from relying.tests.mandated_support import clients_through
    from roles.models import Application
    from tests.personas import build_provider, ensure_catalogue, quietly

    call_command("migrate", verbosity=0)
    ensure_catalogue()
    dimona = Application.objects.get(code="dimona")
    registration = ApplicationClient.objects.filter(application=dimona).first()
    if registration is None:
        registration, _secret = services.client_register(
            actor=None, application=dimona, redirect_uris=[REDIRECT_URI]
        )
    people = {}
    first = 0
    for size in sizes:
        started = time.perf_counter()
        with quietly():  # nothing of the building is e-mailed or queued
            provider = build_provider(name=f"Bench Secretariat {size}")
            clients_through(provider, provider.staff, size, first=first)
        first += size
        people[size] = provider.staff
        out(f"{size:>6} clients built in {time.perf_counter() - started:.1f} s")
    return registration.client_id, people


def run(sizes: list[int], requests: int, warmup: int = 10, out=print) -> list[dict]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client_id, people = build(sizes, out=out)
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid enterprise roles",
        "state": "bench-state-0123456789",
    }
    screen = "/identity/o/authorize?" + urlencode(query)
    searched = screen + "&" + urlencode({"capacity_search": "Client 0", "capacity_page": 2})
    items = []
    for size, person in people.items():
        client = Client()
        client.force_login(person)
        items.append({"page": "ping (signed in)", "size": size, "client": client,
                      "url": "/bench/ping"})  # fmt: skip
        items.append({"page": "capacity screen", "size": size, "client": client, "url": screen})
        items.append({"page": "capacity search, p. 2", "size": size, "client": client,
                      "url": searched})  # fmt: skip
    for item in items:
        for _ in range(warmup):
            response = item["client"].get(item["url"])
        item["status"] = response.status_code
        with CaptureQueriesContext(connection) as captured:
            item["client"].get(item["url"])
        item["queries"] = len(captured.captured_queries)
        item["times"] = []
    out(f"{len(items)} pages x {requests} interleaved rounds …")
    for _ in range(requests):
        for item in items:
            started = time.perf_counter()
            item["client"].get(item["url"])
            item["times"].append((time.perf_counter() - started) * 1000)
    for item in items:
        times = item.pop("times")
        item.pop("client")
        item["p50_ms"] = statistics.median(times)
        item["p95_ms"] = percentile(times, 0.95)
    return items


def verdicts(items: list[dict]) -> bool:
    floor = {i["size"]: i["p95_ms"] for i in items if i["page"].startswith("ping")}
    queries: dict[str, set[int]] = {}
    for item in items:
        queries.setdefault(item["page"], set()).add(item["queries"])
    ok = True
    for item in items:
        if item["page"].startswith("ping"):
            item["ratio"], item["ok"] = None, None
            continue
        item["ratio"] = item["p95_ms"] / floor[item["size"]]
        item["same_queries"] = len(queries[item["page"]]) == 1
        item["ok"] = (
            item["status"] == 200
            and item["same_queries"]
            and item["ratio"] <= TARGET_RATIO
            and item["p95_ms"] < TARGET_MS
        )
        ok = ok and item["ok"]
    return ok


def print_table(items: list[dict], out=print) -> None:
    out(f"{'page':<24} {'clients':>7} {'st':>3} {'q':>3} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'x floor':>8}  targets")  # fmt: skip
    for i in items:
        ratio = "" if i["ratio"] is None else f"{i['ratio']:.1f}"
        verdict = target_verdict(i)
        out(f"{i['page']:<24} {i['size']:>7} {i['status']:>3} {i['queries']:>3} "
            f"{i['p50_ms']:>8.2f} {i['p95_ms']:>8.2f} {ratio:>8}  {verdict}")  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 10_000])
    parser.add_argument("--requests", type=int, default=200, help="measured rounds per page")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    items = run(args.sizes, args.requests, args.warmup)
    ok = verdicts(items)
    load_after = os.getloadavg()
    print_table(items)
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          f"(nproc {os.cpu_count()})")  # fmt: skip
    if args.json:
        Path(args.json).write_text(
            json.dumps({"load": [load_before, load_after], "items": items}, indent=2)
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
