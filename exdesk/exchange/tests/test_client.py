"""Contract tests: exdesk's connector client against the sandbox exchange over real HTTP,
and against servers that hang, refuse or forge answers."""

import http.server
import json
import threading
import time
import uuid

import httpx
import pytest

from exdesk.exchange import signing
from exdesk.exchange.client import (
    Connector,
    ConnectorConfig,
    ExchangeRejected,
    ExchangeUnavailable,
    NotFound,
)

from .conftest import KEY_ID, SECRET

TRADER = "10000001"


def connector(url: str, secret: str = SECRET, read_timeout: float = 5.0, **kwargs) -> Connector:
    config = ConnectorConfig(url, KEY_ID, secret, connect_timeout=1.0, read_timeout=read_timeout)
    return Connector(config, **kwargs)


def test_reads_every_part_of_an_account(sandbox_url):
    link = connector(sandbox_url)
    profile = link.profile(TRADER)
    assert profile["uid"] == TRADER
    assert {"level", "status", "last_rejection_reason"} <= set(profile["kyc"])
    assert profile["account"]["state"] in {"active", "frozen", "withdrawals_locked", "closed"}
    assert isinstance(profile["two_factor"]["enabled"], bool)
    assert "anti_phishing_code" in profile
    for rows, fields in [
        (link.deposits(TRADER), {"coin", "network", "amount", "status", "txid"}),
        (link.withdrawals(TRADER), {"coin", "network", "amount", "status", "address"}),
        (link.orders(TRADER), {"market", "product", "side", "type", "status"}),
        (link.trades(TRADER), {"market", "side", "price", "quantity", "fee"}),
        (link.deposit_addresses(TRADER), {"coin", "network", "address", "memo"}),
        (link.assets(), {"coin", "network", "family", "required_confirmations", "min_deposit"}),
    ]:
        assert rows, fields
        assert all(fields <= set(row) for row in rows)
    # Amounts are decimal strings, never floats.
    assert all(isinstance(row["amount"], str) for row in link.deposits(TRADER))


def test_limits_are_passed_on(sandbox_url):
    assert len(connector(sandbox_url).deposits(TRADER, limit=1)) == 1


def test_an_unknown_uid_is_not_found(sandbox_url):
    with pytest.raises(NotFound):
        connector(sandbox_url).profile("99999999")


def test_a_uid_cannot_reach_another_path(sandbox_url):
    # The UID is one path segment: "../assets" must not turn into another call.
    with pytest.raises(NotFound):
        connector(sandbox_url).profile("../assets")


def test_a_wrong_secret_is_refused(sandbox_url):
    with pytest.raises(ExchangeUnavailable) as caught:
        connector(sandbox_url, secret="not-the-secret").profile(TRADER)
    assert caught.value.reason == "refused"


def test_not_configured_says_so():
    with pytest.raises(ExchangeUnavailable) as caught:
        connector("").profile(TRADER)
    assert caught.value.reason == "not_configured"


def test_freeze_is_idempotent_by_key(sandbox_url):
    link = connector(sandbox_url)
    key = str(uuid.uuid4())
    first = link.freeze(
        TRADER,
        reason="Reported stolen",
        requested_by="agent1",
        approved_by=None,
        reference="C-1",
        idempotency_key=key,
    )
    again = link.freeze(
        TRADER,
        reason="Reported stolen",
        requested_by="agent1",
        approved_by=None,
        reference="C-1",
        idempotency_key=key,
    )
    assert first == again
    assert first["account"]["state"] == "frozen"
    assert link.profile(TRADER)["account"]["state"] == "frozen"


def test_other_actions(sandbox_url):
    link = connector(sandbox_url)
    ask = link.request_unfreeze(
        TRADER, reason="Recovered", requested_by="agent1", reference="C-1", idempotency_key="k1"
    )
    assert ask["status"] == "submitted" and ask["request_id"]
    sent = link.resend_email_verification(
        TRADER, requested_by="agent1", reference="C-1", idempotency_key="k2"
    )
    assert "*" in sent["sent_to"]  # masked


def test_a_hanging_exchange_times_out_after_the_retries(silent_exchange):
    link = connector(silent_exchange, read_timeout=0.3, pauses=(0.05, 0.05))
    started = time.monotonic()
    with pytest.raises(ExchangeUnavailable) as caught:
        link.profile(TRADER)
    assert caught.value.reason == "timeout"
    # three attempts of 0.3 s each, not one and not forever
    assert 0.9 <= time.monotonic() - started < 5


def test_a_closed_port_is_unreachable(closed_port_url):
    with pytest.raises(ExchangeUnavailable) as caught:
        connector(closed_port_url, pauses=()).profile(TRADER)
    assert caught.value.reason == "unreachable"


class _Forger(http.server.BaseHTTPRequestHandler):
    """Answers like an exchange, but cannot sign: what a spoofed back office would send."""

    status = 200
    signed_with = ""

    def do_GET(self):
        body = json.dumps({"uid": TRADER, "account": {"state": "active"}}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        if self.signed_with:
            nonce = self.headers.get(signing.NONCE_HEADER, "")
            for name, value in signing.sign_response(
                self.signed_with, nonce, self.status, body
            ).items():
                self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def forger():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Forger)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    _Forger.status, _Forger.signed_with = 200, ""


def test_an_unsigned_answer_is_never_believed(forger):
    url = f"http://127.0.0.1:{forger.server_address[1]}/exdesk/v1"
    with pytest.raises(ExchangeUnavailable) as caught:
        connector(url).profile(TRADER)
    assert caught.value.reason == "bad_answer"


def test_an_answer_signed_with_another_secret_is_never_believed(forger):
    _Forger.signed_with = "someone-elses-secret"
    url = f"http://127.0.0.1:{forger.server_address[1]}/exdesk/v1"
    with pytest.raises(ExchangeUnavailable):
        connector(url).profile(TRADER)


def test_a_correctly_signed_answer_is_accepted(forger):
    _Forger.signed_with = SECRET
    url = f"http://127.0.0.1:{forger.server_address[1]}/exdesk/v1"
    assert connector(url).profile(TRADER)["uid"] == TRADER


def test_server_errors_are_retried_then_reported(forger):
    _Forger.status, _Forger.signed_with = 503, SECRET
    url = f"http://127.0.0.1:{forger.server_address[1]}/exdesk/v1"
    with pytest.raises(ExchangeUnavailable) as caught:
        connector(url, pauses=(0.01, 0.01)).profile(TRADER)
    assert caught.value.reason == "server_error"


def test_a_refusal_is_not_retried(forger):
    _Forger.status, _Forger.signed_with = 409, SECRET
    url = f"http://127.0.0.1:{forger.server_address[1]}/exdesk/v1"
    with pytest.raises(ExchangeRejected) as caught:
        connector(url).profile(TRADER)
    assert caught.value.status == 409


def test_a_replayed_request_is_refused_by_the_exchange(sandbox_url):
    path = "/exdesk/v1/customers/10000001"
    headers = signing.sign_request(KEY_ID, SECRET, "GET", path, b"")
    url = sandbox_url.removesuffix("/exdesk/v1") + path
    assert httpx.get(url, headers=headers).status_code == 200
    again = httpx.get(url, headers=headers)
    assert again.status_code == 401
    assert again.json()["error"] == "replayed"


def test_every_request_has_a_new_nonce(sandbox_url):
    # Two identical calls in the same second both succeed: the client never replays itself.
    link = connector(sandbox_url)
    assert link.profile(TRADER) == link.profile(TRADER)
