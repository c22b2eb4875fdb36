"""Why a withdrawal has not arrived: the exchange's record and, once it was sent, the chain.

"Where is my withdrawal?" has few answers: the exchange is still reviewing it, it is being
sent, it failed or was cancelled (and the reason), or it left and the chain shows how far it
got, to which address. Once it is on the chain with enough confirmations, the receiving
platform credits it: the customer shows them the TxID. Pure logic on the protocol's
withdrawal item (docs/exchange-connector.md) and a ``ChainReader``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_lazy, ngettext

from .chains import ChainReader, ChainTransaction
from .diagnosis import Asset


@dataclass(frozen=True)
class WithdrawalReport:
    # under_review, processing, failed, cancelled, not_on_chain, chain_failed,
    # destination_differs, confirming, sent, unchecked
    outcome: str
    params: dict[str, Any] = field(default_factory=dict)
    transaction: ChainTransaction | None = None


def check_withdrawal(
    item: Mapping[str, Any], *, assets: Iterable[Asset], chains: Mapping[str, ChainReader]
) -> WithdrawalReport:
    """``ChainUnavailable`` from a reader is left to the caller: "not on chain" would be a
    guess."""
    params = {
        "coin": item.get("coin", ""),
        "network": item.get("network", ""),
        "amount": item.get("amount", ""),
        "address": item.get("address", ""),
        "reason": item.get("failure_reason") or "",
    }
    status = item.get("status")
    if status == "pending_review":
        return WithdrawalReport("under_review", params)
    if status == "failed":
        return WithdrawalReport("failed", params)
    if status == "cancelled":
        return WithdrawalReport("cancelled", params)
    txid = item.get("txid") or ""
    if not txid:
        return WithdrawalReport("processing", params)
    reader = chains.get(params["network"])
    if reader is None:
        return WithdrawalReport("unchecked", {**params, "txid": txid})
    asset_list = list(assets)
    tx = reader.transaction(txid, assets=asset_list)
    if tx is None:
        return WithdrawalReport("not_on_chain", {**params, "txid": txid})
    if not tx.succeeded:
        return WithdrawalReport("chain_failed", params, tx)
    if (tx.to_address or "").lower() != str(params["address"]).lower():
        return WithdrawalReport("destination_differs", {**params, "actual": tx.to_address}, tx)
    asset = next(
        (a for a in asset_list if a.coin == params["coin"] and a.network == params["network"]),
        None,
    )
    required = asset.required_confirmations if asset else 1
    counts = {"confirmations": tx.confirmations, "required": required}
    if tx.confirmations < required:
        return WithdrawalReport(
            "confirming", {**params, **counts, "blocks": required - tx.confirmations}, tx
        )
    return WithdrawalReport("sent", {**params, **counts, "txid": txid}, tx)


_SENTENCES = {
    "under_review": gettext_lazy(
        "The withdrawal of %(amount)s %(coin)s is being reviewed by the exchange before it "
        "is sent; nothing is on the chain yet."
    ),
    "processing": gettext_lazy(
        "The withdrawal of %(amount)s %(coin)s was approved and is being sent; it has no "
        "transaction ID yet."
    ),
    "failed": gettext_lazy("The withdrawal failed: %(reason)s"),
    "cancelled": gettext_lazy(
        "The withdrawal was cancelled; the amount is back in the customer's balance."
    ),
    "unchecked": gettext_lazy(
        "The withdrawal was sent (transaction %(txid)s); exdesk cannot read the %(network)s "
        "chain to follow it."
    ),
    "not_on_chain": gettext_lazy(
        "The exchange reports transaction %(txid)s, but the %(network)s chain does not show it."
    ),
    "chain_failed": gettext_lazy("The withdrawal's transaction failed on %(network)s."),
    "destination_differs": gettext_lazy(
        "The transaction went to %(actual)s, not to the withdrawal address %(address)s."
    ),
    "sent": gettext_lazy(
        "The withdrawal reached %(address)s on %(network)s with %(confirmations)s "
        "confirmations (transaction %(txid)s)."
    ),
}


def describe_withdrawal(report: WithdrawalReport) -> str:
    if report.outcome == "confirming":
        return (
            ngettext(
                "The withdrawal is on %(network)s with %(confirmations)s of %(required)s "
                "confirmations: about %(blocks)s more block.",
                "The withdrawal is on %(network)s with %(confirmations)s of %(required)s "
                "confirmations: about %(blocks)s more blocks.",
                report.params["blocks"],
            )
            % report.params
        )
    return str(_SENTENCES[report.outcome]) % report.params


def withdrawal_next_step(report: WithdrawalReport) -> str:
    """What the agent does next. Never reveals how the exchange's review decides."""
    outcome = report.outcome
    if outcome in ("under_review", "processing", "confirming"):
        return gettext(
            "Ask the customer to wait; say the withdrawal is on its way and give no "
            "details of the review."
        )
    if outcome == "failed":
        return gettext("Tell the customer why it failed; they can correct it and withdraw again.")
    if outcome == "cancelled":
        return gettext("Tell the customer the amount is back in their balance.")
    if outcome in ("sent", "unchecked"):
        return gettext(
            "Give the customer the transaction ID: the receiving platform or wallet credits "
            "it, and they can show it the ID if it has not."
        )
    return gettext(
        "Escalate to the wallet team with the withdrawal and its transaction ID; tell the "
        "customer it is being checked."
    )
