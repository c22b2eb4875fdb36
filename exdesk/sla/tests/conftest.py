import pytest

from exdesk.sla import services


@pytest.fixture(autouse=True)
def fresh_policies():
    """Each test reads the policies of its own database (a rolled-back test's saves
    fire no signal)."""
    services.forget_policies()
    yield
    services.forget_policies()
