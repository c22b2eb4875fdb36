"""The deposit diagnosis against transactions on real in-process EVMs (eth-tester, py-evm).

Two separate testers play Ethereum ("ETH") and BNB Smart Chain ("BSC"), each with its own
USDT; the customer has deposit addresses on both.
"""

from decimal import Decimal

import pytest
from web3 import EthereumTesterProvider, Web3

from exdesk.exchange import evm_token
from exdesk.exchange.chains import ChainUnavailable, EvmChain
from exdesk.exchange.diagnosis import (
    Asset,
    Claim,
    DepositAddress,
    describe,
    diagnose,
    next_step_text,
)

# A TRON address (valid checksum) and an XRP one, for the claim-only checks.
TRON_ADDRESS = "TLsV52sRDL79HXGGm9yzwKibb6BeruhUzy"
XRP_DEPOSIT = "rEb8TK3gBgk5auZkwc6sHnwrGVJH8DuaLh"


class Chains:
    def __init__(self):
        self.eth = Web3(EthereumTesterProvider())
        self.bsc = Web3(EthereumTesterProvider())
        funder = self.eth.eth.accounts[0]
        self.usdt_eth = evm_token.deploy(self.eth, funder)
        # A different nonce on BSC, so the two chains' contracts and txids differ.
        self.bsc.eth.send_transaction({"from": funder, "to": funder, "value": 0})
        self.usdt_bsc = evm_token.deploy(self.bsc, funder)
        self.fake = evm_token.deploy(self.eth, funder, name="Fake", symbol="FAKE")
        self.funder = funder
        self.eth_deposit = self.eth.eth.accounts[5]  # the customer's ETH deposit address
        self.bsc_deposit = self.eth.eth.accounts[6]  # and their BSC one
        self.stranger = self.eth.eth.accounts[8]
        self.readers = {"ETH": EvmChain("ETH", self.eth), "BSC": EvmChain("BSC", self.bsc)}

    def usdt_transfer(self, w3, to, amount, *, contract=None, sender=None, gas=None):
        token = evm_token.token(w3, contract or self.usdt_eth)
        options = {"from": sender or self.funder}
        if gas:
            options["gas"] = gas
        raw = int(Decimal(amount).scaleb(6))
        return Web3.to_hex(token.functions.transfer(to, raw).transact(options))

    def mine(self, w3, blocks):
        w3.provider.ethereum_tester.mine_blocks(blocks)


def asset(coin, network, **overrides):
    item = {
        "coin": coin,
        "network": network,
        "family": "evm",
        "chain_id": 1,
        "contract": None,
        "decimals": 6,
        "required_confirmations": 12,
        "min_deposit": "1",
        "memo_required": False,
        "deposit_enabled": True,
        "withdraw_enabled": True,
    }
    return Asset.from_json({**item, **overrides})


@pytest.fixture(scope="module")
def chains():
    return Chains()


@pytest.fixture(scope="module")
def assets(chains):
    return [
        asset("USDT", "ETH", contract=chains.usdt_eth.lower(), min_deposit="10"),
        asset("USDT", "BSC", contract=chains.usdt_bsc, decimals=6, required_confirmations=15),
        asset("ETH", "ETH", decimals=18, min_deposit="0.01"),
        asset("XRP", "XRP", family="xrp", chain_id=None, decimals=6, memo_required=True),
        asset("DAI", "ETH", contract="0x" + "d" * 40, decimals=18, deposit_enabled=False),
    ]


@pytest.fixture(scope="module")
def deposit_addresses(chains):
    return [
        DepositAddress.from_json(
            {"coin": "USDT", "network": "ETH", "address": chains.eth_deposit, "memo": None}
        ),
        DepositAddress("ETH", "ETH", chains.eth_deposit),
        DepositAddress("USDT", "BSC", chains.bsc_deposit.lower()),
        DepositAddress("XRP", "XRP", XRP_DEPOSIT, "884213"),
    ]


@pytest.fixture(scope="module")
def check(chains, assets, deposit_addresses):
    def check(claim):
        return diagnose(
            claim, assets=assets, deposit_addresses=deposit_addresses, chains=chains.readers
        )

    return check


def test_pending_then_confirmed(chains, check):
    txid = chains.usdt_transfer(chains.eth, chains.eth_deposit, "25")
    chains.mine(chains.eth, 2)
    pending = check(Claim(txid, "USDT", "ETH"))
    assert (pending.outcome, pending.next_step, pending.wait_blocks) == ("pending", "wait", 9)
    assert pending.transaction.amount == Decimal(25)
    assert describe(pending) == ["3 of 12 confirmations: wait about 9 more blocks."]
    assert "9 more blocks" in next_step_text(pending)

    chains.mine(chains.eth, 9)
    confirmed = check(Claim(txid, "USDT", "ETH", amount=Decimal(25)))
    assert (confirmed.outcome, confirmed.next_step) == ("confirmed", "credit_check")
    assert confirmed.wait_blocks is None
    assert describe(confirmed) == ["Confirmed on ETH: 12 of 12 confirmations, 25 USDT."]
    assert "wallet team" in next_step_text(confirmed)


def test_native_coin_confirmed(chains, check):
    txid = Web3.to_hex(
        chains.eth.eth.send_transaction(
            {"from": chains.funder, "to": chains.eth_deposit, "value": 5 * 10**16}
        )
    )
    chains.mine(chains.eth, 20)
    assert check(Claim(txid, "ETH", "ETH")).outcome == "confirmed"


def test_wrong_address(chains, check):
    txid = chains.usdt_transfer(chains.eth, chains.stranger, "50")
    diagnosis = check(Claim(txid, "USDT", "ETH"))
    assert (diagnosis.outcome, diagnosis.next_step) == ("wrong_address", "tell_customer")
    assert chains.stranger in describe(diagnosis)[0]


def test_tokens_sent_to_the_token_contract(chains, check):
    txid = chains.usdt_transfer(chains.eth, chains.usdt_eth, "50")
    diagnosis = check(Claim(txid, "USDT", "ETH"))
    assert diagnosis.outcome == "to_contract"
    assert diagnosis.transaction.to_is_contract
    assert "smart contract" in describe(diagnosis)[0]


def test_unsupported_token(chains, check):
    txid = chains.usdt_transfer(chains.eth, chains.eth_deposit, "70", contract=chains.fake)
    diagnosis = check(Claim(txid, "USDT", "ETH"))
    assert (diagnosis.outcome, diagnosis.next_step) == ("unsupported_token", "escalate")
    finding = diagnosis.findings[0]
    assert finding.params["contract"] == chains.fake
    assert finding.params["raw_amount"] == 70_000_000


def test_below_minimum(chains, check):
    txid = chains.usdt_transfer(chains.eth, chains.eth_deposit, "2.5")
    chains.mine(chains.eth, 12)
    diagnosis = check(Claim(txid, "USDT", "ETH"))
    assert (diagnosis.outcome, diagnosis.next_step) == ("below_minimum", "tell_customer")
    assert describe(diagnosis)[0] == "2.5 USDT is below the minimum deposit of 10 USDT."


def test_found_on_another_chain_to_the_customers_address_there_is_a_wrong_network(chains, check):
    # The customer says BSC, but sent on Ethereum to their BSC deposit address.
    txid = chains.usdt_transfer(chains.eth, chains.bsc_deposit, "100")
    diagnosis = check(Claim(txid, "USDT", "BSC"))
    assert diagnosis.transaction.network == "ETH"
    assert (diagnosis.outcome, diagnosis.next_step) == ("wrong_network", "wrong_network_recovery")
    assert describe(diagnosis)[0] == (
        "The transaction is on ETH, but it went to the customer's BSC deposit address: "
        "it was sent on the wrong network."
    )
    assert "do not promise" in next_step_text(diagnosis)


def test_found_on_another_chain_without_known_addresses_is_a_wrong_network(chains, assets):
    txid = chains.usdt_transfer(chains.eth, chains.bsc_deposit, "100")
    diagnosis = diagnose(
        Claim(txid, "USDT", "BSC"), assets=assets, deposit_addresses=[], chains=chains.readers
    )
    assert diagnosis.outcome == "wrong_network"
    assert diagnosis.has("found_on_other_network")


def test_claimed_network_wrong_but_sent_to_their_address_on_the_actual_chain(chains, check):
    txid = chains.usdt_transfer(chains.eth, chains.eth_deposit, "30")
    chains.mine(chains.eth, 12)
    diagnosis = check(Claim(txid, "USDT", "BSC"))
    assert diagnosis.outcome == "confirmed"  # the exchange credits it as an ETH deposit
    assert diagnosis.has("claimed_network_differs")


def test_on_the_claimed_chain_but_to_the_address_for_another_network(chains, check):
    txid = chains.usdt_transfer(
        chains.bsc, chains.eth_deposit, "40", contract=chains.usdt_bsc, sender=chains.funder
    )
    diagnosis = check(Claim(txid, "USDT", "BSC"))
    assert diagnosis.transaction.network == "BSC"
    assert diagnosis.outcome == "wrong_network"
    assert diagnosis.findings[0].params == {
        "address": chains.eth_deposit,
        "network": "BSC",
        "meant": "ETH",
    }


def test_failed_transfer(chains, check):
    poor = chains.eth.eth.accounts[7]  # ether for gas, no USDT
    txid = chains.usdt_transfer(chains.eth, chains.eth_deposit, "1000", sender=poor, gas=100_000)
    diagnosis = check(Claim(txid, "USDT", "ETH"))
    assert (diagnosis.outcome, diagnosis.next_step) == ("failed", "tell_customer")
    assert not diagnosis.transaction.succeeded


def test_not_found_and_invalid_txid(check):
    missing = check(Claim("0x" + "12" * 32, "USDT", "ETH"))
    assert (missing.outcome, missing.next_step) == ("not_found", "ask_for_txid")
    assert describe(missing)[0].endswith("was found on ETH, BSC.")

    invalid = check(Claim("my deposit", "USDT", "ETH"))
    assert (invalid.outcome, invalid.next_step) == ("not_found", "ask_for_txid")
    assert invalid.has("txid_invalid")

    no_txid = check(Claim("", "USDT", "ETH"))
    assert (no_txid.outcome, no_txid.next_step) == ("not_found", "ask_for_txid")


def test_memo_missing_is_checked_on_the_claim_without_a_reader(check):
    txid = "C" * 64  # an XRP Ledger hash: there is no XRP reader, nor is it searched on EVM
    diagnosis = check(Claim(txid, "XRP", "XRP", amount=Decimal(50), address=XRP_DEPOSIT))
    assert (diagnosis.outcome, diagnosis.next_step) == ("memo_missing", "memo_recovery")
    assert diagnosis.has("no_reader")
    assert "wallet team" in next_step_text(diagnosis)

    wrong_memo = check(Claim(txid, "XRP", "XRP", memo="111", address=XRP_DEPOSIT))
    assert wrong_memo.outcome == "memo_missing" and wrong_memo.has("memo_mismatch")

    right_memo = check(Claim(txid, "XRP", "XRP", memo="884213", address=XRP_DEPOSIT))
    assert (right_memo.outcome, right_memo.next_step) == ("not_found", "escalate")


def test_tron_address_for_an_erc20_deposit_is_a_wrong_network(check):
    diagnosis = check(Claim("", "USDT", "ETH", amount=Decimal(100), address=TRON_ADDRESS))
    assert diagnosis.outcome == "wrong_network"
    assert diagnosis.findings[0].code == "address_other_family"
    assert "TRON" in describe(diagnosis)[0]


def test_deposit_disabled(chains, check):
    diagnosis = check(Claim("", "DAI", "ETH", amount=Decimal(100)))
    assert (diagnosis.outcome, diagnosis.next_step) == ("deposit_disabled", "escalate")


def test_unreachable_chain_is_not_reported_as_not_found(chains, assets, deposit_addresses):
    port_that_refuses = "http://127.0.0.1:9/"  # discard port: nothing listens in the tests
    readers = {"ETH": EvmChain.over_http("ETH", port_that_refuses, timeout=0.5)}
    with pytest.raises(ChainUnavailable):
        diagnose(
            Claim("0x" + "12" * 32, "USDT", "ETH"),
            assets=assets,
            deposit_addresses=deposit_addresses,
            chains=readers,
        )


def test_claim_from_a_deposit_record():
    claim = Claim.from_deposit(
        {"txid": None, "coin": "XRP", "network": "XRP", "amount": "12.5", "memo": None}
    )
    assert claim == Claim("", "XRP", "XRP", "", Decimal("12.5"), "")
