"""Where a withdrawal is: the exchange's record, then a real in-process EVM."""

from decimal import Decimal

import pytest
from web3 import EthereumTesterProvider, Web3

from exdesk import testing
from exdesk.exchange import services
from exdesk.exchange.chains import EvmChain
from exdesk.exchange.diagnosis import Asset
from exdesk.exchange.withdrawals import check_withdrawal, describe_withdrawal

ETH = Asset(
    coin="ETH",
    network="ETH",
    family="evm",
    chain_id=None,
    contract=None,
    decimals=18,
    required_confirmations=12,
    min_deposit=Decimal("0.01"),
    memo_required=False,
    deposit_enabled=True,
    withdraw_enabled=True,
)
DESTINATION = Web3.to_checksum_address("0x" + "5a" * 20)


@pytest.fixture(scope="module")
def chain():
    w3 = Web3(EthereumTesterProvider())
    return w3, EvmChain("ETH", w3)


def sent(w3, to=DESTINATION) -> str:
    accounts = w3.eth.accounts
    return w3.eth.send_transaction({"from": accounts[0], "to": to, "value": 10**17}).hex()


def item(**overrides) -> dict:
    base = {
        "id": "W1",
        "coin": "ETH",
        "network": "ETH",
        "amount": "0.1",
        "fee": "0.001",
        "address": DESTINATION,
        "memo": None,
        "txid": None,
        "status": "processing",
        "failure_reason": None,
    }
    return {**base, **overrides}


def test_statuses_before_the_chain(chain):
    _w3, reader = chain
    readers = {"ETH": reader}
    review = check_withdrawal(item(status="pending_review"), assets=[ETH], chains=readers)
    assert review.outcome == "under_review"
    failed = check_withdrawal(
        item(status="failed", failure_reason="missing destination tag"),
        assets=[ETH],
        chains=readers,
    )
    assert failed.outcome == "failed"
    assert "missing destination tag" in describe_withdrawal(failed)
    assert check_withdrawal(item(), assets=[ETH], chains=readers).outcome == "processing"


def test_confirming_then_sent(chain):
    w3, reader = chain
    txid = sent(w3)
    first = check_withdrawal(
        item(txid=txid, status="completed"), assets=[ETH], chains={"ETH": reader}
    )
    assert first.outcome == "confirming"
    assert first.params["blocks"] == 11
    for _ in range(11):
        sent(w3, to=Web3.to_checksum_address("0x" + "01" * 20))  # each transfer is a block
    done = check_withdrawal(
        item(txid=txid, status="completed"), assets=[ETH], chains={"ETH": reader}
    )
    assert done.outcome == "sent"


def test_a_transaction_to_another_address(chain):
    w3, reader = chain
    txid = sent(w3, to=Web3.to_checksum_address("0x" + "77" * 20))
    report = check_withdrawal(
        item(txid=txid, status="completed"), assets=[ETH], chains={"ETH": reader}
    )
    assert report.outcome == "destination_differs"


def test_a_txid_the_chain_does_not_know(chain):
    _w3, reader = chain
    report = check_withdrawal(
        item(txid="0x" + "33" * 32, status="completed"), assets=[ETH], chains={"ETH": reader}
    )
    assert report.outcome == "not_on_chain"


def test_no_reader_for_the_network(chain):
    report = check_withdrawal(
        item(txid="ab" * 32, status="completed", network="TRX", coin="USDT"),
        assets=[ETH],
        chains={},
    )
    assert report.outcome == "unchecked"


@pytest.mark.django_db
def test_the_withdrawal_page_against_the_sandbox(connected):
    case = testing.conversation(who=testing.customer(uid="10000001"))
    agent = testing.staff("agent1")
    rows = services.connector().withdrawals("10000001", 100)
    failed = next(w for w in rows if w["status"] == "failed")
    result = services.check_withdrawal(agent, case, failed["id"], readers={})
    assert result.report.outcome == "failed"
    assert failed["failure_reason"] in result.line
    assert services.check_withdrawal(agent, case, "nope", readers={}).problem
    client = testing.signed_in(agent)
    page = client.get(
        f"/console/exchange/conversations/{case.pk}/withdrawal/", {"id": failed["id"]}
    )
    assert page.status_code == 200
    assert b'data-outcome="failed"' in page.content
