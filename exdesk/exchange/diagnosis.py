"""Why a deposit has not arrived: the chain's facts against the exchange's rules.

Input is what the customer says (or what the exchange's deposit record says) as a ``Claim``,
the exchange's ``/assets`` and the customer's ``/deposit-addresses`` (docs/exchange-connector.md)
and one ``ChainReader`` per network. ``diagnose`` returns a ``Diagnosis``: every finding, the
one outcome that matters most and the agent's next step. ``describe`` and ``next_step_text``
turn it into short translated sentences for the console.

Pure logic: no database, no HTTP of its own (the readers do that).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_lazy, ngettext

from . import addresses
from .chains import ChainReader, ChainTransaction, ChainUnavailable, normalise_evm_txid

# ---------------------------------------------------------------- protocol data


@dataclass(frozen=True)
class Asset:
    """One item of ``GET /assets``: a coin on one network."""

    coin: str
    network: str
    family: str  # evm, bitcoin, tron, xrp, stellar, ton, cosmos, solana
    chain_id: int | None
    contract: str | None  # a token's contract, None for the native coin
    decimals: int
    required_confirmations: int
    min_deposit: Decimal
    memo_required: bool
    deposit_enabled: bool
    withdraw_enabled: bool

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> Asset:
        return cls(
            coin=item["coin"],
            network=item["network"],
            family=item["family"],
            chain_id=item.get("chain_id"),
            contract=item.get("contract") or None,
            decimals=int(item["decimals"]),
            required_confirmations=int(item["required_confirmations"]),
            min_deposit=Decimal(str(item["min_deposit"])),
            memo_required=bool(item["memo_required"]),
            deposit_enabled=bool(item["deposit_enabled"]),
            withdraw_enabled=bool(item["withdraw_enabled"]),
        )


@dataclass(frozen=True)
class DepositAddress:
    """One item of ``GET /customers/{uid}/deposit-addresses``."""

    coin: str
    network: str
    address: str
    memo: str | None = None

    @classmethod
    def from_json(cls, item: Mapping[str, Any]) -> DepositAddress:
        return cls(item["coin"], item["network"], item["address"], item.get("memo") or None)


@dataclass(frozen=True)
class Claim:
    """What the customer says, or what the exchange's deposit record says. Empty: not known."""

    txid: str
    coin: str = ""
    network: str = ""
    memo: str = ""
    amount: Decimal | None = None
    address: str = ""

    @classmethod
    def from_deposit(cls, item: Mapping[str, Any]) -> Claim:
        """From one item of ``GET /customers/{uid}/deposits``."""
        amount = item.get("amount")
        return cls(
            txid=item.get("txid") or "",
            coin=item.get("coin") or "",
            network=item.get("network") or "",
            memo=item.get("memo") or "",
            amount=Decimal(str(amount)) if amount not in (None, "") else None,
            address=item.get("address") or "",
        )


# ---------------------------------------------------------------- the result

OUTCOMES = (
    "confirmed",
    "pending",
    "not_found",
    "failed",
    "wrong_address",
    "wrong_network",
    "to_contract",
    "unsupported_token",
    "below_minimum",
    "memo_missing",
    "deposit_disabled",
)
NEXT_STEPS = (
    "wait",
    "credit_check",
    "memo_recovery",
    "wrong_network_recovery",
    "escalate",
    "tell_customer",
    "ask_for_txid",
)

# The most decisive problem first: it is the one the customer must hear about.
# - failed: nothing moved, so every other check is moot;
# - wrong_address, to_contract: the funds never reached the exchange (nothing it can do);
# - wrong_network: the exchange holds the address but not on that chain (wallet team review);
# - unsupported_token, deposit_disabled, memo_missing: the exchange received something it
#   cannot credit by itself (wallet team review);
# - below_minimum: received and valid, but under the threshold;
# - not_found: nothing to check on the chain (after the claim's own problems above);
# - pending, confirmed: no problem, only time.
PRIORITY = (
    "failed",
    "wrong_address",
    "to_contract",
    "wrong_network",
    "unsupported_token",
    "deposit_disabled",
    "memo_missing",
    "below_minimum",
    "not_found",
    "pending",
    "confirmed",
)

# finding code -> (outcome, next step); codes without an entry are context only.
_DECISIVE: dict[str, tuple[str, str]] = {
    "failed": ("failed", "tell_customer"),
    "wrong_address": ("wrong_address", "tell_customer"),
    "to_contract": ("to_contract", "tell_customer"),
    "sent_to_other_network_address": ("wrong_network", "wrong_network_recovery"),
    "found_on_other_network": ("wrong_network", "wrong_network_recovery"),
    "address_other_family": ("wrong_network", "tell_customer"),
    "unsupported_token": ("unsupported_token", "escalate"),
    "deposit_disabled": ("deposit_disabled", "escalate"),
    "memo_missing": ("memo_missing", "memo_recovery"),
    "memo_mismatch": ("memo_missing", "memo_recovery"),
    "below_minimum": ("below_minimum", "tell_customer"),
    "txid_missing": ("not_found", "ask_for_txid"),
    "txid_invalid": ("not_found", "ask_for_txid"),
    "not_found": ("not_found", "ask_for_txid"),
    "no_reader": ("not_found", "escalate"),
    "pending": ("pending", "wait"),
    "confirmed": ("confirmed", "credit_check"),
}


@dataclass(frozen=True)
class Finding:
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def outcome(self) -> str | None:
        decisive = _DECISIVE.get(self.code)
        return decisive[0] if decisive else None


@dataclass(frozen=True)
class Diagnosis:
    outcome: str
    findings: list[Finding]  # the decisive one first, then the others, then context
    next_step: str
    wait_blocks: int | None = None  # only for "pending"
    transaction: ChainTransaction | None = None

    def has(self, code: str) -> bool:
        return any(finding.code == code for finding in self.findings)


# ---------------------------------------------------------------- diagnose


def diagnose(
    claim: Claim,
    *,
    assets: Iterable[Asset],
    deposit_addresses: Iterable[DepositAddress],
    chains: Mapping[str, ChainReader],
) -> Diagnosis:
    """Look the claim's transaction up and say what went wrong, the worst problem first.

    The transaction is looked for on the claimed network's reader, then on the other
    readers (found elsewhere: a wrong network, unless it went to the customer's own deposit
    address on that network, which the exchange credits anyway). When it is found nowhere and
    a reader could not be asked, ``ChainUnavailable`` is raised: "not found" would be a guess.

    Every check adds a ``Finding``; the outcome is the finding that comes first in
    ``PRIORITY``: failed, wrong_address, to_contract, wrong_network, unsupported_token,
    deposit_disabled, memo_missing, below_minimum, not_found, pending, confirmed.

    Without a transaction (no txid, or no reader for the network, such as a memo chain) the
    claim itself is checked: its address format (``addresses.identify``: a TRON address for an
    ERC-20 deposit is a wrong network), that address against the customer's, the memo, the
    amount against the minimum and whether deposits are enabled.
    """
    context = _Context(list(assets), list(deposit_addresses))
    claimed_asset = context.asset(claim.coin, claim.network)
    findings: list[Finding] = []
    if claim.coin and claim.network and claimed_asset is None:
        findings.append(Finding("asset_unknown", {"coin": claim.coin, "network": claim.network}))
    address_findings: list[Finding] = []
    if claim.address and claimed_asset is not None:
        address_findings = _claim_address_findings(claim, claimed_asset, context)
        findings += address_findings

    transaction: ChainTransaction | None = None
    if not claim.txid.strip():
        findings.append(Finding("txid_missing"))
    else:
        transaction, lookup_findings = _look_up(claim, claimed_asset, context, chains)
        findings += lookup_findings

    if transaction is not None:
        findings += _transaction_findings(claim, transaction, context)
        asset = context.asset_of(transaction)
    else:
        asset = claimed_asset
        # An address of the right format, at least: is it the customer's?
        if claim.address and claimed_asset and context.deposit_addresses and not address_findings:
            findings += _destination_findings(claim.address, claim.network, False, context)

    if asset is not None:
        findings += _asset_rule_findings(claim, transaction, asset, context)
    return _conclude(findings, transaction)


class _Context:
    """The exchange's assets and the customer's addresses, with the look-ups diagnose needs."""

    def __init__(self, assets: list[Asset], deposit_addresses: list[DepositAddress]):
        self.assets = assets
        self.deposit_addresses = deposit_addresses

    def asset(self, coin: str, network: str) -> Asset | None:
        return next((a for a in self.assets if a.coin == coin and a.network == network), None)

    def asset_of(self, tx: ChainTransaction) -> Asset | None:
        """The asset a transaction moved: its token contract, or the network's native coin."""
        for asset in self.assets:
            if asset.network != tx.network:
                continue
            if tx.token_contract is None and asset.contract is None:
                return asset
            same_token = bool(tx.token_contract and asset.contract) and (
                str(asset.contract).lower() == str(tx.token_contract).lower()
            )
            if same_token:
                return asset
        return None

    def family(self, network: str, address: str = "") -> str:
        for asset in self.assets:
            if asset.network == network:
                return asset.family
        identified = _identify(address) if address else None
        return _FAMILY_OF_ADDRESS_NETWORK.get(identified.network, "") if identified else ""

    def own_address(self, address: str, network: str) -> DepositAddress | None:
        return next(
            (
                own
                for own in self.deposit_addresses
                if own.network == network and _same_address(own.address, address)
            ),
            None,
        )

    def own_address_elsewhere(self, address: str, network: str) -> DepositAddress | None:
        """The customer's deposit address on another network of the same family."""
        family = self.family(network, address)
        return next(
            (
                own
                for own in self.deposit_addresses
                if own.network != network
                and _same_address(own.address, address)
                and self.family(own.network, own.address) == family
            ),
            None,
        )

    def memo_for(self, coin: str, network: str) -> str | None:
        own = next(
            (a for a in self.deposit_addresses if a.coin == coin and a.network == network), None
        )
        return own.memo if own else None


def _look_up(
    claim: Claim, claimed_asset: Asset | None, context: _Context, chains: Mapping[str, ChainReader]
) -> tuple[ChainTransaction | None, list[Finding]]:
    """The transaction from the claimed network's reader first, then from the other readers
    of the same address family (an XRP hash is not searched for on Ethereum)."""
    family = claimed_asset.family if claimed_asset else ""
    order = [claim.network] if claim.network in chains else []
    order += [
        network
        for network in chains
        if network != claim.network and (not family or context.family(network) in (family, ""))
    ]
    findings: list[Finding] = []
    unavailable: list[ChainUnavailable] = []
    for network in order:
        try:
            tx = chains[network].transaction(claim.txid, assets=context.assets)
        except ChainUnavailable as error:
            unavailable.append(error)
            findings.append(Finding("chain_unavailable", {"network": network}))
            continue
        if tx is not None:
            return tx, findings
    if unavailable:
        raise unavailable[0]
    if claim.network and claim.network not in chains:
        # Not checked where the customer says it is: "not found" would mislead.
        findings.append(Finding("no_reader", {"network": claim.network}))
    elif _malformed_for_all(claim, context, order):
        findings.append(Finding("txid_invalid", {"txid": claim.txid, "network": claim.network}))
    else:
        findings.append(Finding("not_found", {"txid": claim.txid, "networks": ", ".join(order)}))
    return None, findings


def _malformed_for_all(claim: Claim, context: _Context, networks: Sequence[str]) -> bool:
    """True when the txid cannot be a transaction id of any of the searched EVM networks."""
    evm = [n for n in networks if context.family(n) in ("evm", "")]
    return len(evm) == len(networks) and normalise_evm_txid(claim.txid) is None


def _claim_address_findings(claim: Claim, asset: Asset, context: _Context) -> list[Finding]:
    """The claim's address format against the claimed asset's network."""
    identified = _identify(claim.address)
    if identified is None:
        return [Finding("address_unrecognised", {"address": claim.address})]
    if _address_fits(identified, asset):
        return []
    params = {
        "address": claim.address,
        "address_network": identified.network,
        "coin": asset.coin,
        "network": asset.network,
    }
    own = next(
        (a for a in context.deposit_addresses if _same_address(a.address, claim.address)), None
    )
    if own is not None:
        params["own_network"] = own.network  # the customer's deposit address over there
    return [Finding("address_other_family", params)]


def _transaction_findings(claim: Claim, tx: ChainTransaction, context: _Context) -> list[Finding]:
    findings: list[Finding] = []
    if tx.mined and not tx.succeeded:
        findings.append(Finding("failed", {"network": tx.network, "txid": tx.txid}))
    if not context.deposit_addresses or tx.to_address is None:
        findings.append(Finding("address_unchecked"))
        if claim.network and tx.network != claim.network:
            findings.append(
                Finding("found_on_other_network", {"network": tx.network, "claimed": claim.network})
            )
    else:
        findings += _destination_findings(tx.to_address, tx.network, tx.to_is_contract, context)
        if (
            claim.network
            and tx.network != claim.network
            and context.own_address(tx.to_address, tx.network)
        ):
            findings.append(
                Finding(
                    "claimed_network_differs", {"network": tx.network, "claimed": claim.network}
                )
            )
    if context.asset_of(tx) is None:
        findings.append(
            Finding(
                "unsupported_token",
                {
                    "network": tx.network,
                    "contract": tx.token_contract or "",
                    "raw_amount": tx.raw_amount,
                },
            )
        )
    return findings


def _destination_findings(
    address: str, network: str, to_is_contract: bool, context: _Context
) -> list[Finding]:
    """Where value went (or was said to go) on ``network`` against the customer's addresses."""
    if context.own_address(address, network):
        return []
    elsewhere = context.own_address_elsewhere(address, network)
    if elsewhere is not None:
        params = {"address": address, "network": network, "meant": elsewhere.network}
        return [Finding("sent_to_other_network_address", params)]
    if to_is_contract:
        return [Finding("to_contract", {"address": address, "network": network})]
    return [Finding("wrong_address", {"address": address, "network": network})]


def _asset_rule_findings(
    claim: Claim, tx: ChainTransaction | None, asset: Asset, context: _Context
) -> list[Finding]:
    """The exchange's rules for the asset: enabled, memo, minimum, confirmations."""
    coin = {"coin": asset.coin, "network": asset.network}
    findings: list[Finding] = []
    if not asset.deposit_enabled:
        findings.append(Finding("deposit_disabled", coin))

    if asset.memo_required:
        expected = context.memo_for(asset.coin, asset.network)
        # The chain's memo when the reader gives one; otherwise the claim's (memo chains
        # without a reader yet are checked on what the customer or the record says).
        memo = tx.memo if tx is not None and tx.memo is not None else claim.memo.strip()
        if not memo:
            findings.append(Finding("memo_missing", coin))
        elif expected and memo != expected:
            findings.append(Finding("memo_mismatch", {**coin, "memo": memo}))

    amount = tx.amount if tx is not None and tx.token_known else claim.amount
    if tx is not None and tx.token_known and claim.amount not in (None, tx.amount):
        findings.append(
            Finding("amount_differs", {"claimed": claim.amount, "actual": tx.amount, **coin})
        )
    if amount is not None and amount < asset.min_deposit:
        findings.append(
            Finding("below_minimum", {**coin, "amount": amount, "minimum": asset.min_deposit})
        )

    if tx is not None and (tx.succeeded or not tx.mined):
        required = asset.required_confirmations
        counts = {**coin, "confirmations": tx.confirmations, "required": required}
        if not tx.mined or tx.confirmations < required:
            wait = required - tx.confirmations
            findings.append(Finding("pending", {**counts, "blocks": wait, "mined": tx.mined}))
        else:
            findings.append(Finding("confirmed", {**counts, "amount": tx.amount}))
    return findings


def _conclude(findings: list[Finding], tx: ChainTransaction | None) -> Diagnosis:
    def rank(finding: Finding) -> int:
        outcome = finding.outcome
        return PRIORITY.index(outcome) if outcome else len(PRIORITY)

    ordered = sorted(findings, key=rank)  # stable: equal ranks keep the order they were found
    decisive = next((f for f in ordered if f.outcome), None)
    if decisive is None:  # only context, e.g. an unknown asset with nothing to look up
        decisive = Finding("not_found")
        ordered.insert(0, decisive)
    outcome, next_step = _DECISIVE[decisive.code]
    wait_blocks = decisive.params["blocks"] if outcome == "pending" else None
    return Diagnosis(outcome, ordered, next_step, wait_blocks, tx)


# ---------------------------------------------------------------- addresses


# addresses.identify's networks -> the protocol's families
_FAMILY_OF_ADDRESS_NETWORK = {
    addresses.EVM: "evm",
    addresses.BITCOIN: "bitcoin",
    getattr(addresses, "BITCOIN_TESTNET", addresses.BITCOIN): "bitcoin",
    addresses.LITECOIN: "bitcoin",
    addresses.DOGECOIN: "bitcoin",
    addresses.TRON: "tron",
    addresses.XRP: "xrp",
    addresses.STELLAR: "stellar",
    addresses.TON: "ton",
    getattr(addresses, "TON_TESTNET", addresses.TON): "ton",
    addresses.COSMOS: "cosmos",
    addresses.SOLANA: "solana",
}
# The bitcoin family shares one protocol but not the addresses: a coin's own format.
_UTXO_COIN_OF_ADDRESS_NETWORK = {
    addresses.BITCOIN: "BTC",
    getattr(addresses, "BITCOIN_TESTNET", addresses.BITCOIN): "BTC",
    addresses.LITECOIN: "LTC",
    addresses.DOGECOIN: "DOGE",
}


def _identify(value: str) -> addresses.Address | None:
    """``addresses.identify`` for one address, whether it answers one Address or a list."""
    value = value.strip()
    result: Any = addresses.identify(value)
    if isinstance(result, list):
        return next((a for a in result if a.value == value), result[0] if result else None)
    return result


def _address_fits(identified: addresses.Address, asset: Asset) -> bool:
    if _FAMILY_OF_ADDRESS_NETWORK.get(identified.network) != asset.family:
        return False
    utxo_coin = _UTXO_COIN_OF_ADDRESS_NETWORK.get(identified.network)
    known_utxo_coins = _UTXO_COIN_OF_ADDRESS_NETWORK.values()
    return utxo_coin is None or asset.coin not in known_utxo_coins or utxo_coin == asset.coin


def _same_address(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    if a[:2].lower() == "0x" and b[:2].lower() == "0x":
        return a.lower() == b.lower()  # EVM: the letters' case is only a checksum
    return a == b


# ---------------------------------------------------------------- words

_SENTENCES = {
    "failed": gettext_lazy(
        "The transaction failed on %(network)s: nothing was transferred, only the network "
        "fee was spent."
    ),
    "wrong_address": gettext_lazy(
        "The funds went to %(address)s, which is not one of this customer's deposit "
        "addresses on %(network)s."
    ),
    "to_contract": gettext_lazy(
        "The funds went to %(address)s, a smart contract (often the token's own contract), "
        "not the customer's deposit address."
    ),
    "sent_to_other_network_address": gettext_lazy(
        "The transaction is on %(network)s, but it went to the customer's %(meant)s deposit "
        "address: it was sent on the wrong network."
    ),
    "found_on_other_network": gettext_lazy(
        "The transaction was found on %(network)s, not on %(claimed)s: it was sent on the "
        "wrong network."
    ),
    "claimed_network_differs": gettext_lazy(
        "The transaction is on %(network)s, not on %(claimed)s, and went to the customer's "
        "%(network)s deposit address."
    ),
    "address_other_family": gettext_lazy(
        "%(address)s is a %(address_network)s address: it cannot receive %(coin)s on "
        "%(network)s, so another network was probably used."
    ),
    "address_unrecognised": gettext_lazy(
        "%(address)s is not a valid address on any known network (check it for a typo)."
    ),
    "unsupported_token": gettext_lazy(
        "The transaction moved a token this exchange does not accept on %(network)s "
        "(contract %(contract)s, raw amount %(raw_amount)s)."
    ),
    "deposit_disabled": gettext_lazy("Deposits of %(coin)s on %(network)s are disabled."),
    "memo_missing": gettext_lazy("%(coin)s on %(network)s needs a memo (tag), and none was given."),
    "memo_mismatch": gettext_lazy(
        "The memo %(memo)s is not this customer's memo for %(coin)s on %(network)s."
    ),
    "below_minimum": gettext_lazy(
        "%(amount)s %(coin)s is below the minimum deposit of %(minimum)s %(coin)s."
    ),
    "confirmed": gettext_lazy(
        "Confirmed on %(network)s: %(confirmations)s of %(required)s confirmations, "
        "%(amount)s %(coin)s."
    ),
    "txid_missing": gettext_lazy("No transaction ID was given."),
    "txid_invalid": gettext_lazy("%(txid)s is not a valid transaction ID."),
    "not_found": gettext_lazy("No transaction %(txid)s was found on %(networks)s."),
    "no_reader": gettext_lazy(
        "exdesk cannot read the %(network)s chain, so the transaction was not checked there."
    ),
    "chain_unavailable": gettext_lazy(
        "The %(network)s node did not answer, so that chain was not searched."
    ),
    "amount_differs": gettext_lazy(
        "The amount on the chain (%(actual)s %(coin)s) differs from the amount stated "
        "(%(claimed)s %(coin)s)."
    ),
    "asset_unknown": gettext_lazy("This exchange does not list %(coin)s on %(network)s."),
    "address_unchecked": gettext_lazy(
        "The customer's deposit addresses are not known, so the destination was not compared."
    ),
}


def describe(diagnosis: Diagnosis) -> list[str]:
    """One short sentence per finding, the decisive one first, in the active language."""
    return [_sentence(finding) for finding in diagnosis.findings]


def _sentence(finding: Finding) -> str:
    params = {key: _plain(value) for key, value in finding.params.items()}
    if finding.code == "pending":
        if not finding.params.get("mined"):
            return (
                gettext(
                    "The transaction is not in a block yet on %(network)s; it needs %(required)s "
                    "confirmations."
                )
                % params
            )
        return (
            ngettext(
                "%(confirmations)s of %(required)s confirmations: "
                "wait about %(blocks)s more block.",
                "%(confirmations)s of %(required)s confirmations: "
                "wait about %(blocks)s more blocks.",
                finding.params["blocks"],
            )
            % params
        )
    if finding.code == "unsupported_token" and not finding.params.get("contract"):
        return gettext("This exchange does not accept the native coin of %(network)s.") % params
    if finding.code == "not_found" and "txid" not in params:
        return gettext("The transaction could not be checked.")
    return str(_SENTENCES[finding.code]) % params


def next_step_text(diagnosis: Diagnosis) -> str:
    """What the agent does next, in one sentence. Never promises a recovery."""
    step, outcome = diagnosis.next_step, diagnosis.outcome
    if step == "wait":
        return ngettext(
            "Ask the customer to wait about %(blocks)s more block; the deposit is normally "
            "credited once it has enough confirmations.",
            "Ask the customer to wait about %(blocks)s more blocks; the deposit is normally "
            "credited once it has enough confirmations.",
            diagnosis.wait_blocks or 0,
        ) % {"blocks": diagnosis.wait_blocks or 0}
    if step == "credit_check":
        return gettext(
            "Check that the deposit was credited; if it was not, escalate to the wallet team "
            "with the transaction ID."
        )
    if step == "memo_recovery":
        return gettext(
            "Send it to the wallet team for review as a missing or wrong memo, with the "
            "transaction ID; do not promise that the funds can be recovered."
        )
    if step == "wrong_network_recovery":
        return gettext(
            "Send it to the wallet team for review as a wrong-network deposit, with the "
            "transaction ID; do not promise that the funds can be recovered."
        )
    if step == "escalate":
        return gettext(
            "Send it to the wallet team for review with the transaction ID; do not promise "
            "an outcome."
        )
    if step == "ask_for_txid":
        return gettext("Ask the customer for the transaction ID (hash) and the network they used.")
    # tell_customer
    if outcome == "failed":
        return gettext(
            "Tell the customer the transfer failed and only the network fee left their "
            "wallet; they can send it again."
        )
    if outcome == "below_minimum":
        return gettext(
            "Tell the customer the amount is below the minimum deposit; deposits under the "
            "minimum are not credited automatically."
        )
    if outcome == "wrong_network":
        return gettext(
            "Ask the customer which network they actually used and for that transaction ID."
        )
    return gettext(
        "Tell the customer the funds did not reach their deposit address at this exchange; "
        "the exchange cannot move funds it does not hold."
    )


def _plain(value: Any) -> Any:
    """Decimals without exponent or trailing zeros: 5.000000 -> 5, 1E+1 -> 10."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return value
