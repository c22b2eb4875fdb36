from urllib.parse import urlencode

import pytest
from django.core.cache import cache

from exdesk.telephony import services

SECRET = "test-phone-secret"
CALLS_PATH = "/channels/phone/calls/"
SUPPORT_LINE = "+442079460958"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _phone_secret(settings):
    settings.PHONE_WEBHOOK_SECRET = SECRET
    settings.SITE_URL = "https://support.example.com"


def call_params(**fields) -> dict[str, str]:
    """A Twilio-shaped status callback: an inbound call to the support line."""
    params = {
        "CallSid": "CA0001",
        "AccountSid": "AC0001",
        "From": "+8613800138000",
        "To": SUPPORT_LINE,
        "Direction": "inbound",
        "CallStatus": "ringing",
        "Timestamp": "Mon, 02 Jun 2025 10:00:00 +0000",
    }
    params.update(fields)
    return {name: value for name, value in params.items() if value is not None}


def signed_post(client, params: dict[str, str], *, url: str | None = None, secret: str = SECRET):
    from django.conf import settings

    signature = services.call_signature(
        secret, url or settings.SITE_URL + CALLS_PATH, params.items()
    )
    return client.post(
        CALLS_PATH,
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )


@pytest.fixture
def post_call(client):
    """Post one signed callback; ``fields`` override the defaults (None drops one)."""

    def post(**fields):
        return signed_post(client, call_params(**fields))

    return post
