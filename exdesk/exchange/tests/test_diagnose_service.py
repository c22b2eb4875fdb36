"""The deposit diagnosis end to end: the console asks the sandbox exchange for the trader's
addresses and assets, and reads the transaction from a real EVM over JSON-RPC."""

import pytest

from exdesk import testing
from exdesk.accounts.choices import Role
from exdesk.audit.models import AuditAction, AuditEntry
from exdesk.exchange import services
from exdesk.exchange.chains import EvmChain
from exdesk.exchange.sandbox.chain import DemoChain
from exdesk.exchange.sandbox.server import running_sandbox

from .conftest import KEY_ID, SECRET

pytestmark = pytest.mark.django_db

TRADER = "10000001"
STRANGER = "0x" + "ab" * 20


@pytest.fixture(scope="module")
def chain():
    return DemoChain()


@pytest.fixture
def exchange(settings, tmp_path, chain):
    with running_sandbox(tmp_path / "sandbox.sqlite3", {KEY_ID: SECRET}, chain) as url:
        settings.EXCHANGE_URL, settings.EXCHANGE_KEY_ID, settings.EXCHANGE_SECRET = (
            url,
            KEY_ID,
            SECRET,
        )
        rpc = url.removesuffix("/exdesk/v1") + "/chain/evm"
        settings.CHAIN_RPC_URLS = {"ETH": rpc}
        yield url


@pytest.fixture
def case():
    return testing.conversation(who=testing.customer(uid=TRADER))


@pytest.fixture
def agent():
    return testing.staff("agent1")


def deposit(status: str, coin: str) -> dict:
    rows = services.connector().deposits(TRADER, limit=100)
    return next(
        d for d in rows if d["status"] == status and d["coin"] == coin and d["network"] == "ETH"
    )


def test_a_deposit_short_of_confirmations_says_how_many_blocks_to_wait(exchange, case, agent):
    pending = deposit("pending", "ETH")
    report = services.diagnose_deposit(
        agent, case, txid=pending["txid"], coin="ETH", network="ETH", amount=pending["amount"]
    )
    assert report.problem == ""
    assert report.diagnosis.outcome == "pending"
    assert report.diagnosis.next_step == "wait"
    assert report.diagnosis.wait_blocks > 0
    assert any("confirmations" in line for line in report.lines)


def test_a_confirmed_deposit(exchange, case, agent):
    credited = deposit("credited", "ETH")
    report = services.diagnose_deposit(
        agent, case, txid=credited["txid"], coin="ETH", network="ETH", amount=credited["amount"]
    )
    assert report.diagnosis.outcome == "confirmed"
    assert report.next_step
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW_EXCHANGE_ACCOUNT, detail__contains="diagnosis"
    ).exists()


def test_a_transfer_to_someone_else(exchange, chain, case, agent):
    txids = chain.send(
        [{"key": "k", "to": STRANGER, "amount": "0.3", "token": False, "to_token_contract": False}]
    )
    chain.mine(20)
    report = services.diagnose_deposit(agent, case, txid=txids["k"], coin="ETH", network="ETH")
    assert report.diagnosis.outcome == "wrong_address"


def test_tokens_sent_to_the_token_contract(exchange, chain, case, agent):
    txids = chain.send(
        [{"key": "c", "to": STRANGER, "amount": "40", "token": True, "to_token_contract": True}]
    )
    report = services.diagnose_deposit(agent, case, txid=txids["c"], coin="USDT", network="ETH")
    assert report.diagnosis.outcome == "to_contract"


def test_a_node_that_does_not_answer(exchange, settings, closed_port_url, case, agent):
    settings.CHAIN_RPC_URLS = {"ETH": closed_port_url}
    report = services.diagnose_deposit(
        agent, case, txid="0x" + "12" * 32, coin="ETH", network="ETH"
    )
    assert report.diagnosis is None
    assert "did not answer" in report.problem


def test_a_txid_is_required(exchange, case, agent):
    with pytest.raises(services.ValidationError):
        services.diagnose_deposit(agent, case, txid="  ")


def test_roles_without_customer_data_cannot_diagnose(exchange, case):
    with pytest.raises(services.PermissionDenied):
        services.diagnose_deposit(
            testing.staff("qa1", role=Role.QA_REVIEWER), case, txid="0x" + "12" * 32
        )


def test_the_diagnose_page(exchange, case):
    credited = deposit("credited", "ETH")
    client = testing.signed_in(testing.staff("agent1"))
    page = client.get(
        f"/console/exchange/conversations/{case.pk}/diagnose/",
        {"txid": credited["txid"], "coin": "ETH", "network": "ETH"},
    )
    assert page.status_code == 200
    assert b'data-outcome="confirmed"' in page.content
    assert b"Next step:" in page.content


def test_readers_come_from_the_settings(settings):
    settings.CHAIN_RPC_URLS = {"ETH": "http://127.0.0.1:9/rpc"}
    readers = services.chain_readers()
    assert isinstance(readers["ETH"], EvmChain)


def test_a_memo_chain_deposit_without_its_memo(exchange, case, agent):
    # No XRP node is configured: the claim itself is checked against the trader's address.
    xrp = next(a for a in services.connector().deposit_addresses(TRADER) if a["coin"] == "XRP")
    report = services.diagnose_deposit(
        agent, case, txid="AB" * 32, coin="XRP", network="XRP", address=xrp["address"]
    )
    assert report.diagnosis.outcome == "memo_missing"
    assert report.diagnosis.next_step == "memo_recovery"
