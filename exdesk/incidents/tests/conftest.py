import pytest
from django.core.cache import cache

from exdesk.incidents.live import NOTICE_CACHE_KEY


@pytest.fixture(autouse=True)
def _no_cached_banner():
    """The widget's cached banner belongs to one test (its incidents are rolled back)."""
    cache.delete(NOTICE_CACHE_KEY)
    yield
    cache.delete(NOTICE_CACHE_KEY)
