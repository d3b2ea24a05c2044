"""Page cost at scale: server time (p50/p95) and query count, big beside small, in one run.

    .venv/bin/python bench/page_cost.py [--requests 300] [--json out.json]

Run `bench/scale_data.py` first (same DATABASE_URL). Each page is requested in-process through
the whole middleware stack with Django's test Client (no network), signed in as the persona
that uses it, at the largest size and at a small one; the rounds are interleaved (one request
of every page per round) so that the load of a shared machine falls on all pages alike.
Beside them the floor: `/bench/ping` (bench/urls.py), anonymous and signed in.

Targets (issue 7): the same query count at both sizes; p95 within 5x the floor's p95 and under
100 ms. Signed-in pages are compared with the signed-in floor (the session and user look-ups
are the stack's, not the page's); the anonymous wizard page with the anonymous floor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

TARGET_RATIO = 5.0
TARGET_MS = 100.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def build_scenarios():
    """(group, page, persona, big url, small url or None). Personas: bench/scale_data.py."""
    from bench.scale_data import enterprise_number
    from enterprises.models import EnterpriseQuality
    from roles.models import Role, RoleAttribution
    from roles.views import PAGE_SIZE

    def eq(k: int) -> int:
        return EnterpriseQuality.objects.get(
            enterprise__number=enterprise_number(k), quality__code="employer"
        ).pk

    eq1, eq2 = eq(1), eq(2)
    role = Role.objects.filter(application__quality__code="employer").order_by("pk").first().pk
    n1, n2 = enterprise_number(1), enterprise_number(2)

    def last_page(eq_id: int) -> int:
        count = RoleAttribution.objects.filter(enterprise_quality_id=eq_id).count()
        return max(1, -(-count // PAGE_SIZE))

    lists = [
        ("list", ""),
        ("search", "?q=vermeul"),
        ("filter", f"?status=ended&role={role}&source=direct"),
        ("sort by name", "?sort=name"),
        ("sort by role", "?sort=role"),
        ("last page", "?page={last}"),
    ]
    scenarios = [
        ("floor", "ping (anonymous)", None, "/bench/ping", None),
        ("floor", "ping (signed in)", "gl", "/bench/ping", None),
    ]
    for name, query in lists:
        scenarios.append(
            (
                "manager",
                f"roles {name}",
                "gl",
                f"/roles/q/{eq1}/{query.format(last=last_page(eq1))}",
                f"/roles/q/{eq2}/{query.format(last=last_page(eq2))}",
            )
        )
    scenarios += [
        ("profile", "profile", ("holder", "few"), "/profile/", "/profile/"),
        ("chain", "chain page", "rae", f"/enterprises/{n1}/chain/", f"/enterprises/{n2}/chain/"),
        ("wizard", "wizard answer (anonymous)", None, "/wizard/gl-manage-roles/", None),
        ("wizard", "wizard answer (signed in)", "gl", "/wizard/gl-manage-roles/", None),
        ("permissions", "my enterprises", ("multi", "single"), "/enterprises/", "/enterprises/"),
        ("permissions", "roles home", ("multi", "single"), "/roles/", "/roles/"),
        (
            "permissions",
            "wizard profiles",
            ("multi", "single"),
            "/wizard/profiles/",
            "/wizard/profiles/",
        ),
    ]
    return scenarios


def run(requests: int, warmup: int = 10, out=print) -> list[dict]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    clients: dict[str | None, Client] = {None: Client()}

    def client_for(persona: str | None) -> Client:
        if persona not in clients:
            client = Client()
            client.force_login(User.objects.get(email=f"{persona}@bench.example"))
            clients[persona] = client
        return clients[persona]

    # One measured item per (page, size).
    items = []
    for group, page, persona, big, small in build_scenarios():
        big_persona, small_persona = persona if isinstance(persona, tuple) else (persona, persona)
        items.append({"group": group, "page": page, "size": "large", "url": big,
                      "persona": big_persona, "times": []})  # fmt: skip
        if small:
            items.append({"group": group, "page": page, "size": "small", "url": small,
                          "persona": small_persona, "times": []})  # fmt: skip

    for item in items:
        client = client_for(item["persona"])
        for _ in range(warmup):
            response = client.get(item["url"])
        item["status"] = response.status_code
        with CaptureQueriesContext(connection) as captured:
            client.get(item["url"])
        item["queries"] = len(captured.captured_queries)
        item["bytes"] = len(response.content)

    out(f"{len(items)} pages x {requests} interleaved rounds …")
    for _ in range(requests):
        for item in items:
            client = clients[item["persona"]]
            started = time.perf_counter()
            client.get(item["url"])
            item["times"].append((time.perf_counter() - started) * 1000)

    for item in items:
        times = item.pop("times")
        item["p50_ms"] = statistics.median(times)
        item["p95_ms"] = percentile(times, 0.95)
    return items


def verdicts(items: list[dict]) -> list[dict]:
    floor = {i["page"]: i["p95_ms"] for i in items if i["group"] == "floor"}
    by_page: dict[str, dict[str, dict]] = {}
    for item in items:
        by_page.setdefault(item["page"], {})[item["size"]] = item
    for item in items:
        if item["group"] == "floor":
            item["ratio"] = None
            item["ok"] = None
            continue
        base = floor["ping (anonymous)" if item["persona"] is None else "ping (signed in)"]
        item["floor_p95_ms"] = base
        item["ratio"] = item["p95_ms"] / base
        sizes = by_page[item["page"]]
        same_queries = len({s["queries"] for s in sizes.values()}) == 1
        item["same_queries"] = same_queries
        item["ok"] = (
            item["status"] == 200
            and same_queries
            and item["ratio"] <= TARGET_RATIO
            and item["p95_ms"] < TARGET_MS
        )
    return items


def target_verdict(item: dict) -> str:
    """What the table says of one row: "(floor)", "ok", or which targets it misses (the
    mandates benches print the same verdicts)."""
    if item["ok"] is None:
        return "(floor)"
    failed = []
    if item["status"] != 200:
        failed.append(f"status {item['status']}")
    if not item["same_queries"]:
        failed.append("queries differ")
    if item["ratio"] > TARGET_RATIO:
        failed.append(f">{TARGET_RATIO:g}x")
    if item["p95_ms"] >= TARGET_MS:
        failed.append(f">={TARGET_MS:g} ms")
    return "ok" if not failed else "MISSED: " + ", ".join(failed)


def print_table(items: list[dict], out=print) -> None:
    out(
        f"{'page':<28} {'size':<6} {'persona':<7} {'st':>3} {'q':>3} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'x floor':>8}  targets"
    )
    for i in items:
        ratio = "" if i["ratio"] is None else f"{i['ratio']:.1f}"
        verdict = target_verdict(i)
        out(
            f"{i['page']:<28} {i['size']:<6} {i['persona'] or '-':<7} {i['status']:>3} "
            f"{i['queries']:>3} {i['p50_ms']:>8.2f} {i['p95_ms']:>8.2f} {ratio:>8}  {verdict}"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="measured rounds per page")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    items = verdicts(run(args.requests, args.warmup))
    load_after = os.getloadavg()
    print_table(items)
    print(
        f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"(nproc {os.cpu_count()})"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"load": [load_before, load_after], "items": items}, indent=2)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
