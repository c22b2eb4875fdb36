import pytest

from exdesk.helpcenter import starter


@pytest.fixture
def starter_kb(db):
    """The starter knowledge base, loaded and indexed as `exdesk load_starter_kb` does."""
    return starter.load()
