"""The sign-in flow on the embedded default too.

The suite runs on PostgreSQL in CI (DATABASE_URL set), but the portal also runs with nothing
installed, on SQLite, and the flow must hold there as well: the tokens' JSON lookups
(`data__grant_id`), the code's `select_for_update`, the capacity's constraint, what a NUL
in a parameter does differ between the two. So on PostgreSQL this runs the flow's modules
again in a fresh pytest process, on SQLite and without Redis (the embedded default), and
asserts they passed. On SQLite it is skipped: the modules themselves ran on it.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
FLOW_MODULES = [
    "relying/tests/test_oidc_flow.py",
    "relying/tests/test_oidc_capacity.py",
    "relying/tests/test_oidc_access_ends.py",
    "relying/tests/test_oidc_clients.py",
    "relying/tests/test_oidc_malformed_requests.py",
]
# Set for the child run only: its first test checks that it really runs on SQLite.
EXPECTED_VENDOR = "FLOW_EXPECTED_DATABASE_VENDOR"


def _embedded_default_env() -> dict[str, str]:
    """This run's environment without the database, the broker, and what the parent test
    run set for itself (its cache prefix, its xdist worker): the child sets its own."""
    dropped = {"DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX"}
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith("PYTEST_")
    }
    env[EXPECTED_VENDOR] = "sqlite"
    return env


@pytest.mark.skipif(EXPECTED_VENDOR not in os.environ, reason="only in the SQLite run below")
def test_the_child_run_is_on_sqlite():
    assert connection.vendor == os.environ[EXPECTED_VENDOR]


def test_the_flow_passes_on_sqlite_too():
    if connection.vendor == "sqlite":
        pytest.skip("this run is on SQLite already: the flow's modules ran on it")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:randomly",
            "-p",
            "no:warnings",
            f"{Path(__file__).relative_to(ROOT)}::test_the_child_run_is_on_sqlite",
            *FLOW_MODULES,
        ],
        cwd=ROOT,
        env=_embedded_default_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    # pytest's last line: "105 passed in 39.80s" (or "... failed ...").
    summary = (result.stdout.strip().splitlines() or [""])[-1]
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed, summary
    assert int(passed.group(1)) > len(FLOW_MODULES), summary
    assert not re.search(r"\d+ (failed|errors?)\b", summary), summary
