"""Helpers for the test suite (imported by conftest.py and tests; never by the portal)."""

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache


def clear_cache() -> None:
    """Forget this run's cached values, and only this run's.

    `cache.clear()` flushes a whole Redis database: another test run on the same Redis (a
    second checkout, CI beside a developer) would lose its rate-limit counters mid-test. The
    test settings give each run its own key prefix; on Redis only that prefix is deleted.
    """
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
