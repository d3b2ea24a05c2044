"""What the PostgreSQL race tests share: their marks and running calls at the same moment."""

import os
import threading

import pytest
from django.db import connections

# Decided before any database set-up: a transactional test on SQLite cannot even flush
# (the audit table's append-only triggers forbid DELETE), and SQLite serialises every write.
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
POSTGRES_RACES = [
    pytest.mark.postgres,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def run_together(*calls) -> list:
    """Start every call at once (each on its own connection); their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as exc:  # recorded, asserted by the caller
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes
