"""Helpers for the test suite (imported by conftest.py and tests; never by the portal)."""

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache


def _backend():
    # The backend itself: `django.core.cache.cache` is a proxy, never an instance of it.
    return caches["default"]


def clear_cache() -> None:
    """Forget this run's cached values, and only this run's.

    `cache.clear()` flushes a whole Redis database: another test run on the same Redis (a
    second checkout, CI beside a developer) would lose its rate-limit counters mid-test. The
    test settings give each run its own key prefix; on Redis only that prefix is deleted.
    """
    cache = _backend()
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


def cache_state() -> object:
    """This run's cached values as they are now, for `cache_restore` (a world built once per
    module is handed to each test with the rate-limit counters its building left)."""
    cache = _backend()
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=False)
        return [
            (key, client.pttl(key), client.dump(key))
            for key in client.scan_iter(match=f"{cache.key_prefix}:*", count=1000)
        ]
    if isinstance(cache, LocMemCache):
        with cache._lock:
            return (dict(cache._cache), dict(cache._expire_info))
    return None


def cache_restore(state: object) -> None:
    """Put back what `cache_state` saw, and nothing else."""
    clear_cache()
    cache = _backend()
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        for key, ttl, value in state:
            if value is not None and ttl != -2:  # -2: expired meanwhile
                client.restore(key, max(ttl, 0), value, replace=True)
    elif isinstance(cache, LocMemCache):
        values, expiries = state
        with cache._lock:
            cache._cache.update(values)
            cache._expire_info.update(expiries)
