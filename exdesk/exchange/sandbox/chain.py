"""The sandbox exchange's blockchain: a real EVM in memory (eth-tester on py-evm).

The sandbox server sends demo deposits with ``send``, moves time on with ``mine`` and serves
``handle`` as its JSON-RPC endpoint, so exdesk's ``EvmChain.over_http`` reads it exactly like a
production node. Every transaction is mined into its own block as it is sent.

No Django here: the server runs it in its own process.
"""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from typing import Any

from eth_tester import EthereumTester
from web3 import EthereumTesterProvider, Web3
from web3.providers.eth_tester.middleware import request_formatters, result_formatters

from .. import evm_token

TOKEN_SUPPLY = 10**9  # USDT, all of it with account 0
TRANSFER_GAS = 100_000  # given explicitly: an estimate would refuse a transfer that reverts

_PARSE_ERROR, _INVALID_REQUEST, _INTERNAL_ERROR = -32700, -32600, -32603


class DemoChain:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.provider = EthereumTesterProvider(EthereumTester())
        self.w3 = Web3(self.provider)
        self.funder = self.w3.eth.accounts[0]
        self.token_address: str = evm_token.deploy(
            self.w3,
            self.funder,
            name="Tether USD",
            symbol="USDT",
            supply=TOKEN_SUPPLY * 10**evm_token.DECIMALS,
        )
        self.token = evm_token.token(self.w3, self.token_address)
        self.chain_id: int = self.w3.eth.chain_id

    # ------------------------------------------------------------------ for the sandbox

    def send(self, transfers: list[dict[str, Any]]) -> dict[str, str]:
        """Send each transfer from account 0; return its ``key`` -> txid ("0x…").

        A transfer: ``key``, ``to`` (checksummed), ``amount`` (decimal string in coin units),
        ``token`` (USDT, else native ETH), ``to_token_contract`` (send the USDT to the token
        contract's own address instead of ``to``: a classic loss).
        """
        txids: dict[str, str] = {}
        with self._lock:
            for transfer in transfers:
                amount = Decimal(str(transfer["amount"]))
                if transfer.get("token") or transfer.get("to_token_contract"):
                    to = (
                        self.token_address
                        if transfer.get("to_token_contract")
                        else Web3.to_checksum_address(transfer["to"])
                    )
                    raw = int(amount.scaleb(evm_token.DECIMALS))
                    txid = self.token.functions.transfer(to, raw).transact(
                        {"from": self.funder, "gas": TRANSFER_GAS}
                    )
                else:
                    txid = self.w3.eth.send_transaction(
                        {
                            "from": self.funder,
                            "to": Web3.to_checksum_address(transfer["to"]),
                            "value": int(amount.scaleb(18)),
                        }
                    )
                txids[transfer["key"]] = Web3.to_hex(txid)
        return txids

    def mine(self, blocks: int = 1) -> None:
        with self._lock:
            self.provider.ethereum_tester.mine_blocks(blocks)

    def head(self) -> int:
        with self._lock:
            return self.w3.eth.block_number

    def confirmations_of(self, txid: str) -> int | None:
        """Blocks on top of the transaction's, its own included; None when unknown."""
        with self._lock:
            try:
                receipt = self.w3.eth.get_transaction_receipt(txid)
            except Exception:  # unknown or malformed hash
                return None
            return self.w3.eth.block_number - receipt["blockNumber"] + 1

    # ------------------------------------------------------------------ JSON-RPC

    def handle(self, body: bytes) -> bytes:
        """Answer a JSON-RPC 2.0 request or batch (b"" when it held only notifications)."""
        try:
            request = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return _dump(_error(None, _PARSE_ERROR, "Parse error"))
        if isinstance(request, list):
            if not request:
                return _dump(_error(None, _INVALID_REQUEST, "Empty batch"))
            answers = [self._answer(item) for item in request]
            answers = [answer for answer in answers if answer is not None]
            return _dump(answers) if answers else b""
        answer = self._answer(request)
        return _dump(answer) if answer is not None else b""

    def _answer(self, request: Any) -> dict[str, Any] | None:
        if not isinstance(request, dict) or not isinstance(request.get("method"), str):
            return _error(None, _INVALID_REQUEST, "Invalid request")
        request_id = request.get("id")
        params = request.get("params") or []
        method = request["method"]
        try:
            with self._lock:
                response = self._call(method, list(params))
        except Exception as error:  # a bad parameter must not take the server down
            response = {"error": {"code": _INTERNAL_ERROR, "message": str(error) or "error"}}
        if "id" not in request:
            return None  # a notification
        answer: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
        if response.get("error"):
            answer["error"] = response["error"]
        else:
            answer["result"] = response.get("result")
        return answer

    def _call(self, method: str, params: list[Any]) -> dict[str, Any]:
        """The provider speaks eth-tester's dialect (ints, snake_case keys); web3's own
        eth-tester formatters translate both ways, then the quantities become hex."""
        if method in ("eth_call", "eth_estimateGas") and params and isinstance(params[0], dict):
            params[0] = {"from": self.funder, **params[0]}  # eth-tester insists on a sender
        if method in request_formatters:
            params = list(request_formatters[method](params))
        response = dict(self.provider.make_request(method, params))  # type: ignore[arg-type]
        if "result" in response and method in (result_formatters or {}):
            response["result"] = result_formatters[method](response["result"])  # type: ignore[index]
        if "result" in response:
            response["result"] = _as_json_rpc(response["result"])
        return response


def _as_json_rpc(value: Any) -> Any:
    """Ethereum JSON-RPC has no JSON numbers: quantities are hex strings, bytes are 0x-hex."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return hex(value)
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    if isinstance(value, dict):
        return {key: _as_json_rpc(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json_rpc(item) for item in value]
    return value


def _error(request_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


def _dump(answer: Any) -> bytes:
    return json.dumps(answer).encode()
