import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters and cached pages must not leak from one test into another.
    cache.clear()
    yield
    cache.clear()
