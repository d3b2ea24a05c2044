import pytest

from portal.testing import clear_cache


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate-limit counters and cached pages must not leak from one test into another.
    clear_cache()
    yield
    clear_cache()
