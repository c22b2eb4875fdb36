import pytest

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.trust.demo import seed_demo_channels


@pytest.fixture
def admin(db):
    return testing.staff("trust.admin", Role.ADMIN, teams=())


@pytest.fixture
def registry(admin):
    """The demo exchange's official channels (exdesk/trust/demo.py)."""
    seed_demo_channels(admin)
    return admin
