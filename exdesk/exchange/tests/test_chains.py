"""EvmChain and DemoChain on a real in-process EVM (eth-tester on py-evm)."""

import json
import socket
import threading
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from web3 import EthereumTesterProvider, Web3

from exdesk.exchange import evm_token
from exdesk.exchange.chains import ChainReader, ChainUnavailable, EvmChain
from exdesk.exchange.sandbox.chain import DemoChain


@dataclass(frozen=True)
class TokenAsset:
    network: str
    contract: str | None
    decimals: int


@pytest.fixture(scope="module")
def demo():
    return DemoChain()


@pytest.fixture(scope="module")
def chain(demo):
    return EvmChain("ETH", demo.w3)


@pytest.fixture(scope="module")
def assets(demo):
    return [TokenAsset("ETH", demo.token_address.lower(), 6), TokenAsset("ETH", None, 18)]


@pytest.fixture(scope="module")
def customer(demo):
    return demo.w3.eth.accounts[5]


def test_evm_chain_is_a_chain_reader(chain):
    assert isinstance(chain, ChainReader)
    assert chain.head() == chain.w3.eth.block_number


def test_token_transfer_is_read_from_the_transfer_log(demo, chain, assets, customer):
    txid = demo.send([{"key": "a", "to": customer, "amount": "12.5", "token": True}])["a"]
    tx = chain.transaction(txid, assets=assets)
    assert tx.to_address == customer
    assert tx.amount == Decimal("12.5")
    assert tx.raw_amount == 12_500_000
    assert tx.token_contract == demo.token_address
    assert tx.token_known and tx.succeeded and not tx.to_is_contract
    assert tx.from_address == demo.funder
    assert tx.confirmations == 1 and tx.memo is None

    demo.mine(4)
    assert chain.transaction(txid, assets=assets).confirmations == 5 == demo.confirmations_of(txid)


def test_native_transfer_and_a_txid_without_0x(demo, chain, assets, customer):
    txid = demo.send([{"key": "n", "to": customer, "amount": "0.25", "token": False}])["n"]
    tx = chain.transaction(txid.removeprefix("0x").upper(), assets=assets)
    assert tx.txid == txid
    assert tx.token_contract is None
    assert tx.amount == Decimal("0.25")
    assert tx.to_address == customer


def test_tokens_sent_to_the_token_contract(demo, chain, assets, customer):
    txid = demo.send(
        [{"key": "c", "to": customer, "amount": "3", "token": True, "to_token_contract": True}]
    )["c"]
    tx = chain.transaction(txid, assets=assets)
    assert tx.to_address == demo.token_address
    assert tx.to_is_contract


def test_unknown_token_is_reported_with_its_contract_and_raw_amount(demo, chain, assets):
    other = evm_token.deploy(demo.w3, demo.funder, name="Fake", symbol="FAKE", supply=10**12)
    txid = evm_token.token(demo.w3, other).functions.transfer(demo.w3.eth.accounts[6], 7_000_000)
    txid = txid.transact({"from": demo.funder})
    tx = chain.transaction(Web3.to_hex(txid), assets=assets)
    assert tx.token_contract == other
    assert not tx.token_known
    assert tx.amount == Decimal(7_000_000) and tx.raw_amount == 7_000_000


def test_a_reverted_transfer_is_read_from_its_call_data(demo, chain, assets, customer):
    poor = demo.w3.eth.accounts[7]  # has ether for gas but no tokens
    txid = demo.token.functions.transfer(customer, 1_000_000).transact(
        {"from": poor, "gas": 100_000}
    )
    tx = chain.transaction(Web3.to_hex(txid), assets=assets)
    assert not tx.succeeded
    assert tx.to_address == customer and tx.amount == Decimal(1)
    assert tx.token_contract == demo.token_address


def test_unknown_and_malformed_txids_are_none(chain, assets):
    assert chain.transaction("0x" + "ab" * 32, assets=assets) is None
    assert chain.transaction("not a hash", assets=assets) is None
    assert chain.transaction("0x1234", assets=assets) is None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_closed_port_is_chain_unavailable_without_the_url():
    url = f"http://127.0.0.1:{free_port()}/secret-api-key"
    chain = EvmChain.over_http("ETH", url, timeout=0.5)
    with pytest.raises(ChainUnavailable) as raised:
        chain.transaction("0x" + "ab" * 32, assets=[])
    assert raised.value.network == "ETH"
    assert "secret-api-key" not in str(raised.value)
    with pytest.raises(ChainUnavailable):
        chain.head()


def test_demo_chain_answers_json_rpc(demo):
    single = json.loads(
        demo.handle(b'{"jsonrpc": "2.0", "id": 7, "method": "eth_blockNumber", "params": []}')
    )
    assert single == {"jsonrpc": "2.0", "id": 7, "result": hex(demo.head())}

    batch = [
        {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "eth_getCode",
            "params": [demo.token_address, "latest"],
        },
        {"jsonrpc": "2.0", "id": 3, "method": "no_such_method", "params": []},
        {"jsonrpc": "2.0", "method": "eth_blockNumber", "params": []},  # a notification
    ]
    answers = json.loads(demo.handle(json.dumps(batch).encode()))
    assert [a["id"] for a in answers] == [1, 2, 3]
    assert int(answers[0]["result"], 16) == demo.chain_id
    assert len(answers[1]["result"]) > 2
    assert "error" in answers[2]
    assert json.loads(demo.handle(b"{oops"))["error"]["code"] == -32700


@pytest.fixture(scope="module")
def demo_over_http(demo):
    """The demo chain behind a tiny HTTP server, as the sandbox serves it."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            answer = demo.handle(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_evm_chain_reads_the_demo_chain_over_http(demo, demo_over_http, assets, customer):
    txid = demo.send([{"key": "h", "to": customer, "amount": "42", "token": True}])["h"]
    demo.mine(2)
    chain = EvmChain.over_http("ETH", demo_over_http, timeout=5)
    tx = chain.transaction(txid, assets=assets)
    assert tx.amount == Decimal(42) and tx.to_address == customer
    assert tx.confirmations == 3
    assert chain.head() == demo.head()


def test_two_testers_are_separate_chains():
    first, second = Web3(EthereumTesterProvider()), Web3(EthereumTesterProvider())
    txid = first.eth.send_transaction(
        {"from": first.eth.accounts[0], "to": first.eth.accounts[1], "value": 1}
    )
    assert EvmChain("BSC", second).transaction(Web3.to_hex(txid), assets=[]) is None
