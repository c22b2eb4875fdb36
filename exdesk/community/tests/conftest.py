import pytest

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.community.models import ForumCategory, Member
from exdesk.trust.demo import seed_demo_channels


@pytest.fixture
def registry(db):
    """The demo exchange's official channels: demoexchange.example and its accounts."""
    seed_demo_channels(testing.staff("trust.admin", Role.ADMIN, teams=()))


@pytest.fixture
def category(db):
    return ForumCategory.objects.create(
        slug="deposits", name_en="Deposits", name_zh_hans="充值", position=1
    )


@pytest.fixture
def member(db):
    return Member.objects.create(display_name="satoshi fan", email="fan@example.org")


@pytest.fixture
def other(db):
    return Member.objects.create(display_name="hodler", email="hodler@example.org")


@pytest.fixture
def moderator(db):
    return testing.staff("mod", Role.SENIOR_AGENT)


@pytest.fixture
def agent(db):
    return testing.staff("agent", Role.AGENT)
