"""The capacity screen of a person acting for many clients through one provider: query
count and page time at 10 and at 100,000 mandates of the provider, the person acting for
10 and for 10,000 of the clients, beside the floor (`/bench/ping`, signed in) in the same
run.

    createdb -h 127.0.0.1 -U postgres bench_mandates_capacity   # scratch: filled here
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_mandates_capacity \
      .venv/bin/python bench/mandates_capacity.py [--sizes 10 100000] [--acting-for 10000] \
      [--requests 200]

What it does: migrates the database, builds through the services a social-secretariat
provider per size (tests/personas.build_provider: its RAE, the local manager of its
secretariat quality, an employee), then, in bulk, that many registered clients each with an
active mandate for the declarations, the employee holding Dimona's declaration through the
provider for `--acting-for` of them (`relying/tests/mandated_support.clients_through`, the
rows the services write), and analyses the tables (as autovacuum would after a load).
Registers Dimona as a client. Then requests, signed in as each employee, the authorization
endpoint: the capacity screen as first shown (above `capacities.LIST_AT_MOST` it lists none
and asks for a search), a search by name that narrows to 1,000 clients (its second page), one
that narrows to ten, and one by a client's enterprise number; and the floor, interleaved
round by round so a shared machine's load falls on all alike, in process through the whole
middleware stack (Django's test Client, no network).

Targets (issue 14): no page reads more queries at the large size than the most a page reads
at 10; p95 within 5x the
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


def build(sizes: list[int], acting_for: int, out=print) -> tuple[str, dict[int, tuple]]:
    """The client id of Dimona and, per size, the employee acting for up to `acting_for`
    of the provider's `size` clients, with one of those clients' numbers."""
    from django.core.management import call_command
    from django.db import connection

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
            clients = clients_through(
                provider, provider.staff, size, first=first, holding=acting_for
            )
        first += size
        held = min(size, acting_for)
        people[size] = (provider.staff, clients[held // 2].number, held)
        out(
            f"{size:>7} mandates, acting for {held}, built in {time.perf_counter() - started:.1f} s"
        )
    with connection.cursor() as cursor:
        # The planner's statistics, as a deployment's autovacuum keeps them after a load:
        # without them it plans the person's 10,000 attributions as one row.
        cursor.execute("ANALYZE")
    return registration.client_id, people


def run(
    sizes: list[int], acting_for: int, requests: int, warmup: int = 10, out=print
) -> list[dict]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client_id, people = build(sizes, acting_for, out=out)
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "openid enterprise roles",
        "state": "bench-state-0123456789",
    }
    screen = "/identity/o/authorize?" + urlencode(query)

    def searched(text, page=1):
        return screen + "&" + urlencode({"capacity_search": text, "capacity_page": page})

    items = []
    for size, (person, number, held) in people.items():
        client = Client()
        client.force_login(person)
        pages = [
            ("ping (signed in)", "/bench/ping"),
            ("capacity screen", screen),
            # Clients are named "Client 00000", …: "Client 01" is 1,000 of 10,000 held.
            ("search: 1,000, page 2", searched("Client 01", 2)),
            ("search: 10", searched("Client 0123")),
            ("search: a number", searched(number)),
        ]
        for page, url in pages:
            items.append({"page": page, "size": size, "held": held, "client": client, "url": url})
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
    smallest = min(i["size"] for i in items)
    # Flat: no page reads more queries at a larger size than the pages read at the smallest
    # (a search that finds nothing, or a first screen above LIST_AT_MOST that lists nothing,
    # reads fewer).
    bound = max(i["queries"] for i in items if i["size"] == smallest)
    ok = True
    for item in items:
        if item["page"].startswith("ping"):
            item["ratio"], item["ok"] = None, None
            continue
        item["ratio"] = item["p95_ms"] / floor[item["size"]]
        item["same_queries"] = item["queries"] <= bound
        item["ok"] = (
            item["status"] == 200
            and item["same_queries"]
            and item["ratio"] <= TARGET_RATIO
            and item["p95_ms"] < TARGET_MS
        )
        ok = ok and item["ok"]
    return ok


def print_table(items: list[dict], out=print) -> None:
    out(f"{'page':<24} {'mandates':>8} {'held':>6} {'st':>3} {'q':>3} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'x floor':>8}  targets")  # fmt: skip
    for i in items:
        ratio = "" if i["ratio"] is None else f"{i['ratio']:.1f}"
        verdict = target_verdict(i)
        out(f"{i['page']:<24} {i['size']:>8} {i['held']:>6} {i['status']:>3} {i['queries']:>3} "
            f"{i['p50_ms']:>8.2f} {i['p95_ms']:>8.2f} {ratio:>8}  {verdict}")  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[10, 100_000], help="mandates of a provider"
    )
    parser.add_argument(
        "--acting-for", type=int, default=10_000, help="clients the employee acts for, at most"
    )
    parser.add_argument("--requests", type=int, default=200, help="measured rounds per page")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    items = run(args.sizes, args.acting_for, args.requests, args.warmup)
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
