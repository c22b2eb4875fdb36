"""Reading one transaction from a blockchain, the same way for every chain.

The deposit diagnosis (``diagnosis.py``) asks a ``ChainReader`` for a transaction and gets a
``ChainTransaction``: where the value went, how much, in which token, whether it succeeded
and how deep it is buried. ``EvmChain`` reads Ethereum and the chains that speak its JSON-RPC
(BSC, Arbitrum, Polygon, …); Bitcoin, TRON and the others will implement the same protocol.

Nothing here needs Django, so the sandbox exchange can reuse it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from eth_typing import HexStr
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.exceptions import TransactionNotFound, Web3Exception

# keccak256("Transfer(address,address,uint256)"): topic0 of every ERC-20 (and ERC-721) transfer.
TRANSFER_TOPIC = "0x" + keccak(text="Transfer(address,address,uint256)").hex()
# Call selectors, to read a token transfer that is not mined yet or reverted (no logs then).
TRANSFER_SELECTOR = "0x" + keccak(text="transfer(address,uint256)")[:4].hex()
TRANSFER_FROM_SELECTOR = "0x" + keccak(text="transferFrom(address,address,uint256)")[:4].hex()
NATIVE_DECIMALS = 18  # wei per ether, when the assets list has no native coin for the network

_EVM_TXID = re.compile(r"0x[0-9a-f]{64}")


class ChainUnavailable(Exception):
    """The chain's node could not be asked or answered nonsense.

    The message is safe to show and to log: it names the network and the kind of failure,
    never the RPC URL (those often carry an API key).
    """

    def __init__(self, network: str, reason: str):
        super().__init__(f"The {network} node is not answering ({reason}).")
        self.network = network
        self.reason = reason


class AssetLike(Protocol):
    """What a reader needs from an asset (``diagnosis.Asset`` fits)."""

    @property
    def network(self) -> str: ...

    @property
    def contract(self) -> str | None: ...

    @property
    def decimals(self) -> int: ...


@dataclass(frozen=True)
class ChainTransaction:
    txid: str
    network: str
    block_number: int | None  # None: not mined yet
    confirmations: int  # 0 while pending; 1 when in the newest block
    from_address: str
    # Where the value went: the tx ``to`` for the native coin, the Transfer event's recipient
    # for a token. None only for a contract creation without value.
    to_address: str | None
    # In coin units with the asset's decimals. For a token not among the assets the decimals
    # are unknown: this is then the raw integer amount (see ``raw_amount``).
    amount: Decimal
    token_contract: str | None  # None for the native coin
    succeeded: bool  # the receipt's status; True while pending (not known yet)
    to_is_contract: bool  # the recipient has code (a token contract, a multisig, …)
    memo: str | None  # None on EVM chains, which have no memo
    raw_amount: int = 0  # the amount in the smallest unit (wei, or the token's base unit)
    token_known: bool = True  # False: the token's contract is not among the assets

    @property
    def mined(self) -> bool:
        return self.block_number is not None


@runtime_checkable
class ChainReader(Protocol):
    network: str

    def transaction(self, txid: str, *, assets: Iterable[AssetLike]) -> ChainTransaction | None:
        """The transaction, or None when the chain does not know it or the txid is malformed.

        Raises ``ChainUnavailable`` when the node cannot be asked.
        """
        ...

    def head(self) -> int:
        """The number of the newest block."""
        ...


def normalise_evm_txid(txid: str) -> str | None:
    """``0x`` + 64 lower-case hex digits, or None. Customers often paste the hash without 0x."""
    value = txid.strip().lower()
    if not value.startswith("0x"):
        value = "0x" + value
    return value if _EVM_TXID.fullmatch(value) else None


@dataclass(frozen=True)
class _Transfer:
    contract: str | None
    to_address: str | None
    raw_amount: int


class EvmChain(ChainReader):
    """A ``ChainReader`` over an EVM JSON-RPC node (``Web3`` instance)."""

    def __init__(self, network: str, w3: Web3):
        self.network = network
        self.w3 = w3

    @classmethod
    def over_http(cls, network: str, url: str, timeout: float = 5.0) -> EvmChain:
        provider = Web3.HTTPProvider(
            url,
            request_kwargs={"timeout": timeout},
            # The caller is a person waiting in the console: fail at once instead of
            # web3's default of five retries with back-off.
            exception_retry_configuration=None,
        )
        return cls(network, Web3(provider))

    def __repr__(self) -> str:
        return f"EvmChain({self.network!r})"

    # ------------------------------------------------------------------ ChainReader

    def head(self) -> int:
        return self._ask(lambda: self.w3.eth.block_number)

    def transaction(
        self, txid: str, *, assets: Iterable[AssetLike] = ()
    ) -> ChainTransaction | None:
        txid_hex = normalise_evm_txid(txid)
        if txid_hex is None:
            return None
        try:
            tx = self._ask(lambda: self.w3.eth.get_transaction(HexStr(txid_hex)))
        except _NotFound:
            return None
        block_number = tx.get("blockNumber")
        receipt = None
        if block_number is not None:
            try:
                receipt = self._ask(lambda: self.w3.eth.get_transaction_receipt(HexStr(txid_hex)))
            except _NotFound:  # a node still indexing the block
                block_number = None

        decimals_by_contract, native_decimals = self._decimals(assets)
        transfer = self._transfer(tx, receipt, decimals_by_contract)
        if transfer.contract is None:
            decimals: int | None = native_decimals
        else:
            decimals = decimals_by_contract.get(transfer.contract.lower())
        amount = Decimal(transfer.raw_amount)
        if decimals is not None:
            amount = amount.scaleb(-decimals)

        confirmations = 0
        if block_number is not None:
            confirmations = max(self.head() - block_number + 1, 0)
        to_is_contract = transfer.to_address is not None and self._has_code(transfer.to_address)
        return ChainTransaction(
            txid=txid_hex,
            network=self.network,
            block_number=block_number,
            confirmations=confirmations,
            from_address=to_checksum_address(tx["from"]),
            to_address=transfer.to_address,
            amount=amount,
            token_contract=transfer.contract,
            succeeded=receipt is None or receipt["status"] == 1,
            to_is_contract=to_is_contract,
            memo=None,
            raw_amount=transfer.raw_amount,
            token_known=decimals is not None,
        )

    # ------------------------------------------------------------------ reading

    def _decimals(self, assets: Iterable[AssetLike]) -> tuple[dict[str, int], int]:
        """Decimals of this network's tokens by lower-case contract, and of its native coin."""
        tokens: dict[str, int] = {}
        native = NATIVE_DECIMALS
        for asset in assets:
            if asset.network != self.network:
                continue
            if asset.contract:
                tokens[asset.contract.lower()] = asset.decimals
            else:
                native = asset.decimals
        return tokens, native

    def _transfer(self, tx: Any, receipt: Any, known_tokens: dict[str, int]) -> _Transfer:
        """What moved. A mined tx's Transfer logs win (a token's own accounting); a pending or
        reverted one has no logs, so its call data is read; otherwise it moved the native coin.
        """
        if receipt is not None:
            transfers = [t for t in map(_decode_transfer_log, receipt["logs"]) if t is not None]
            # A swap emits several: prefer a token the exchange knows.
            known = [t for t in transfers if (t.contract or "").lower() in known_tokens]
            if known or transfers:
                return (known or transfers)[0]
        called = _decode_transfer_call(tx)
        if called is not None and (receipt is None or receipt["status"] != 1):
            return called
        to = tx.get("to") or (receipt or {}).get("contractAddress")
        return _Transfer(None, to_checksum_address(to) if to else None, int(tx["value"]))

    def _has_code(self, address: str) -> bool:
        return len(self._ask(lambda: self.w3.eth.get_code(to_checksum_address(address)))) > 0

    def _ask(self, call: Any) -> Any:
        """Run one RPC call; a node that cannot answer becomes ``ChainUnavailable``."""
        try:
            return call()
        except TransactionNotFound as missing:
            raise _NotFound from missing
        except TimeoutError as error:
            raise ChainUnavailable(self.network, "timeout") from error
        except OSError as error:  # refused, DNS, TLS, and requests' own exceptions
            reason = "timeout" if "timeout" in type(error).__name__.lower() else "unreachable"
            raise ChainUnavailable(self.network, reason) from error
        except (Web3Exception, ValueError, KeyError, TypeError) as error:
            raise ChainUnavailable(self.network, "bad answer") from error


class _NotFound(Exception):
    pass


def _hex(value: Any) -> str:
    """A log topic or data field as 0x-hex, whether the node gave bytes or a string."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    text = str(value)
    return text if text.startswith("0x") else "0x" + text


def _address_from_word(word: str) -> str:
    return to_checksum_address("0x" + word[-40:])


def _decode_transfer_log(log: Any) -> _Transfer | None:
    topics = [_hex(t) for t in log["topics"]]
    # Three topics: ERC-20. ERC-721 uses the same signature with the token id as a 4th topic.
    if len(topics) != 3 or topics[0].lower() != TRANSFER_TOPIC:
        return None
    data = _hex(log["data"])
    if len(data) != 2 + 64:
        return None
    return _Transfer(
        contract=to_checksum_address(log["address"]),
        to_address=_address_from_word(topics[2]),
        raw_amount=int(data, 16),
    )


def _decode_transfer_call(tx: Any) -> _Transfer | None:
    data = _hex(tx.get("input") or tx.get("data") or "0x").lower()
    selector, arguments = data[:10], data[10:]
    words = [arguments[i : i + 64] for i in range(0, len(arguments), 64)]
    if tx.get("to") is None:
        return None
    if selector == TRANSFER_SELECTOR and len(words) >= 2:
        recipient, value = words[0], words[1]
    elif selector == TRANSFER_FROM_SELECTOR and len(words) >= 3:
        recipient, value = words[1], words[2]
    else:
        return None
    return _Transfer(to_checksum_address(tx["to"]), _address_from_word(recipient), int(value, 16))
