import pytest
from django.contrib.contenttypes.models import ContentType

from anjian.orgs.services import invalidate_locator


@pytest.fixture(autouse=True)
def _forget_flushed_content_types():
    """``anjian demo --reset`` flushes the database and clears the content-type cache, which then
    holds the ids of the recreated rows; the test's rollback brings the old rows back. Without
    clearing the cache again, later tests in the same worker store timeline events and to-dos
    under content-type ids that no longer exist, and find none of them."""
    yield
    ContentType.objects.clear_cache()
    invalidate_locator()
