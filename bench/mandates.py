"""Mandates at scale: the provider's list of clients (first page, search by name, by number,
filters by group / state / ending soon, last page), its CSV export, the waiting proposals and
the mandator's list of providers, at 10 and at 100,000 mandates of one provider, beside the
trivial view (`/bench/ping`), in one interleaved run.

    createdb -h 127.0.0.1 -U postgres bench_mandates
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_mandates \\
      .venv/bin/python bench/mandates.py [--mandates 100000] [--requests 100] [--json out.json]

The database is emptied and migrated, then two providers are built through the services
(tests/personas.build_provider: a registered social secretariat, its RAE), the big one with
`--mandates` client enterprises and mandates, the small one with 10, inserted with
bulk_create (rows as the services leave them: every state, a quarter of them with an end
date). Each page is requested in-process through the whole middleware stack with Django's
test Client, signed in as the provider's RAE (the client's for the mandator's list); the
rounds are interleaved (one request of every page per round), so the load of a shared
machine falls on all pages alike. Printed: status, query count, p50 and p95 (ms) per page and
size, and the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_mandates")


from bench.page_cost import percentile  # noqa: E402


def generate(n: int, out=print) -> dict:
    from django.core.management import call_command
    from django.utils import timezone

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from bench.scale_data import enterprise_number
    from enterprises.models import Enterprise
    from mandates.models import ClientMandate
    from roles.models import ApplicationGroup
    from tests.personas import build_chain, build_provider, mandate_between

    started = time.perf_counter()
    big = build_provider(name="Grand Secrétariat Social")
    small = build_provider(name="Petit Secrétariat Social")
    client = build_chain(name="Boulangerie Cliente")
    group = ApplicationGroup.objects.get(code="ebox")
    declarations = ApplicationGroup.objects.get(code="social-security-declarations")
    today = timezone.localdate()
    mandate_between(client, big, group="ebox", start=today)
    states = list(ClientMandate.State.values)

    def clients(offset: int, count: int, prefix: str):
        rows = [
            Enterprise(number=enterprise_number(offset + i), name=f"{prefix} {i:06d} Vermeulen")
            for i in range(count)
        ]
        Enterprise.objects.bulk_create(rows, batch_size=5000)
        return Enterprise.objects.filter(number__in=[r.number for r in rows]).order_by("pk")

    for provider, count, offset in ((big, n, 10_000), (small, 10, 9_000)):
        others = clients(offset, count, "Client")
        rows = [
            ClientMandate(
                mandator=other,
                mandatary=provider.enterprise,
                group=group if i % 3 else declarations,
                start_date=today - timedelta(days=i % 700),
                end_date=today + timedelta(days=(i % 200)) if i % 4 == 0 else None,
                state=states[i % len(states)],
                proposed_by_side="mandatary",
                proposed_by=provider.rae,
                expires_at=timezone.now() + timedelta(days=30),
            )
            for i, other in enumerate(others.iterator(chunk_size=5000))
        ]
        ClientMandate.objects.bulk_create(rows, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    out(f"generated {n} + 10 mandates in {time.perf_counter() - started:.1f} s")
    return {"big": big, "small": small, "client": client, "group": group, "n": n}


def scenarios(world) -> list[dict]:
    from django.urls import reverse

    from mandates.models import ClientMandate
    from mandates.views import PAGE_SIZE

    items = [{"page": "ping (signed in)", "size": "-", "who": world["big"].rae,
              "url": "/bench/ping"}]  # fmt: skip
    for size, provider in ((str(world["n"]), world["big"]), ("10", world["small"])):
        number = provider.enterprise.number
        base = reverse("mandates:list", args=[number])
        count = ClientMandate.objects.filter(mandatary=provider.enterprise).count()
        last = max(1, -(-count // PAGE_SIZE))
        some = ClientMandate.objects.filter(mandatary=provider.enterprise).first().mandator
        pages = {
            "provider list": "?side=mandatary",
            "search by name": "?side=mandatary&q=00000",
            "search by number": f"?side=mandatary&q={some.number[:8]}",
            "filter by group": f"?side=mandatary&group={world['group'].pk}",
            "filter by state": "?side=mandatary&state=active",
            "ending soon": "?side=mandatary&ending=on",
            "last page": f"?side=mandatary&page={last}",
        }
        for page, query in pages.items():
            items.append({"page": page, "size": size, "who": provider.rae, "url": base + query})
        items.append({"page": "waiting proposals", "size": size, "who": provider.rae,
                      "url": reverse("mandates:waiting", args=[number])})  # fmt: skip
        export = reverse("mandates:export", args=[number]) + "?side=mandatary"
        items.append({"page": "CSV export", "size": size, "who": provider.rae, "stream": True,
                      "url": export})  # fmt: skip
    client = world["client"]
    items.append({"page": "mandator's list of providers", "size": "1", "who": client.rae,
                  "url": reverse("mandates:list", args=[client.enterprise.number])})  # fmt: skip
    return items


def run(n: int, requests: int, out=print) -> list[dict]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    world = generate(n, out=out)
    items = scenarios(world)
    clients = {}
    for item in items:
        if item["who"].pk not in clients:
            c = Client()
            c.force_login(item["who"])
            clients[item["who"].pk] = c
        item["client"] = clients[item["who"].pk]
        item["times"] = []

    def fetch(item):
        response = item["client"].get(item["url"])
        if item.get("stream"):
            item["rows"] = sum(chunk.count(b"\n") for chunk in response.streaming_content) - 1
        return response

    for item in items:
        for _ in range(3):
            fetch(item)
        with CaptureQueriesContext(connection) as captured:
            item["status"] = fetch(item).status_code
        item["queries"] = len(captured.captured_queries)
    out(f"load average before: {os.getloadavg()}")
    for _ in range(requests):
        for item in items:
            started = time.perf_counter()
            fetch(item)
            item["times"].append((time.perf_counter() - started) * 1000)
    out(f"load average after: {os.getloadavg()}")
    results = []
    out(f"{'page':32} {'size':>5} {'status':>6} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for item in items:
        row = {
            "page": item["page"],
            "size": item["size"],
            "status": item["status"],
            "queries": item["queries"],
            "p50": round(statistics.median(item["times"]), 2),
            "p95": round(percentile(item["times"], 0.95), 2),
        }
        if "rows" in item:
            row["csv rows"] = item["rows"]
        results.append(row)
        out(f"{row['page']:32} {row['size']:>5} {row['status']:>6} {row['queries']:>7} "
            f"{row['p50']:>8} {row['p95']:>8}")  # fmt: skip
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mandates", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = run(args.mandates, args.requests)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
