"""Where a page's time goes: cProfile over `page_cost.py`'s requests of one page.

    .venv/bin/python bench/page_profile.py "roles list" [--size large] [--requests 200]
        [--sort tottime] [--limit 40] [--queries]

Same data, settings, personas and URLs as `bench/page_cost.py` (run `bench/scale_data.py`
first). The page is requested `--requests` times in-process, signed in as its persona, after a
warm-up; the profile of those requests is printed (`--sort` cumtime or tottime), and with
`--queries` the SQL of one request with the time of each query.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", help="a page of page_cost.py, e.g. 'roles list', 'profile'")
    parser.add_argument("--size", choices=("large", "small"), default="large")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sort", default="cumtime")
    parser.add_argument("--limit", type=int, default=40)
    parser.add_argument("--queries", action="store_true", help="also list one request's SQL")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.page_cost import build_scenarios

    found = [row for row in build_scenarios() if row[1] == args.page]
    if not found:
        parser.error(f"no page {args.page!r} in page_cost.py")
    _group, page, persona, big, small = found[0]
    big_persona, small_persona = persona if isinstance(persona, tuple) else (persona, persona)
    url, persona = (big, big_persona) if args.size == "large" else (small or big, small_persona)

    client = Client()
    if persona:
        client.force_login(User.objects.get(email=f"{persona}@bench.example"))
    for _ in range(20):
        response = client.get(url)
    print(f"{page} ({args.size}): GET {url} as {persona or 'anonymous'} → {response.status_code}")

    if args.queries:
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        for query in captured.captured_queries:
            print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:400]}")
        print(f"  {len(captured.captured_queries)} queries")

    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.requests):
        client.get(url)
    profile.disable()
    elapsed = (time.perf_counter() - started) * 1000 / args.requests
    print(f"{elapsed:.2f} ms per request under the profiler (load {os.getloadavg()[0]:.2f})")
    stats = pstats.Stats(profile)
    stats.strip_dirs().sort_stats(args.sort).print_stats(args.limit)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
