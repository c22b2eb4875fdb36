import pytest

from exdesk.sla import services


@pytest.fixture(autouse=True)
def fresh_policies():
    """Each test starts from what its database holds."""
    services.forget_policies()
    yield
    services.forget_policies()
