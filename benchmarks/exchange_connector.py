"""The exchange toolkit's costs: a signed connector call, the account panel's five calls,
a deposit diagnosis read from an EVM node over JSON-RPC, and how soon a hanging exchange
is reported. Against the sandbox exchange and its in-process EVM chain, over loopback
HTTP, on this machine. Prints one JSON object.

    python benchmarks/exchange_connector.py [--calls 300] [--diagnoses 60]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exdesk.settings")
os.environ.setdefault("EXDESK_DEMO", "1")
os.environ.setdefault("EXDESK_DATA_DIR", tempfile.mkdtemp(prefix="exdesk-bench-"))

import django  # noqa: E402

django.setup()

from exdesk.exchange import diagnosis  # noqa: E402
from exdesk.exchange.chains import EvmChain  # noqa: E402
from exdesk.exchange.client import Connector, ConnectorConfig, ExchangeUnavailable  # noqa: E402
from exdesk.exchange.sandbox.chain import DemoChain  # noqa: E402
from exdesk.exchange.sandbox.server import running_sandbox  # noqa: E402

SECRET = "benchmark-secret"
TRADER = "10000001"


def percentiles(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
        "n": len(ordered),
    }


def timed(call, times: int) -> list[float]:
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--diagnoses", type=int, default=60)
    args = parser.parse_args()

    started = time.perf_counter()
    chain = DemoChain()
    chain_start_s = time.perf_counter() - started
    with (
        tempfile.TemporaryDirectory() as folder,
        running_sandbox(Path(folder) / "sandbox.sqlite3", {"exdesk": SECRET}, chain) as url,
    ):
        link = Connector(ConnectorConfig(url, "exdesk", SECRET))
        profile = timed(lambda: link.profile(TRADER), args.calls)

        def panel():
            link.profile(TRADER)
            link.deposits(TRADER, 10)
            link.withdrawals(TRADER, 10)
            link.orders(TRADER, 10)
            link.trades(TRADER, 10)

        panel_ms = timed(panel, max(args.calls // 5, 10))

        assets = [diagnosis.Asset.from_json(a) for a in link.assets()]
        addresses = [diagnosis.DepositAddress.from_json(a) for a in link.deposit_addresses(TRADER)]
        rpc = url.removesuffix("/exdesk/v1") + "/chain/evm"
        readers = {"ETH": EvmChain.over_http("ETH", rpc, 5.0)}
        pending = next(
            d for d in link.deposits(TRADER, 100) if d["status"] == "pending" and d["txid"]
        )
        claim = diagnosis.Claim(txid=pending["txid"], coin=pending["coin"], network="ETH")
        outcome = diagnosis.diagnose(
            claim, assets=assets, deposit_addresses=addresses, chains=readers
        ).outcome
        diagnose_ms = timed(
            lambda: diagnosis.diagnose(
                claim, assets=assets, deposit_addresses=addresses, chains=readers
            ),
            args.diagnoses,
        )

    # A back office that accepts the connection and never answers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    hanging = Connector(
        ConnectorConfig(
            f"http://127.0.0.1:{listener.getsockname()[1]}/exdesk/v1",
            "exdesk",
            SECRET,
            read_timeout=1.0,
        )
    )
    started = time.perf_counter()
    try:
        hanging.profile(TRADER)
    except ExchangeUnavailable as problem:
        reason = problem.reason
    hanging_s = time.perf_counter() - started
    listener.close()

    print(
        json.dumps(
            {
                "benchmark": "exchange_connector",
                "signed_profile_call": percentiles(profile),
                "account_panel_five_calls": percentiles(panel_ms),
                "deposit_diagnosis_over_json_rpc": {**percentiles(diagnose_ms), "outcome": outcome},
                "demo_chain_start_s": round(chain_start_s, 2),
                "hanging_exchange": {
                    "read_timeout_s": 1.0,
                    "attempts": 3,
                    "reported_after_s": round(hanging_s, 2),
                    "reason": reason,
                },
            }
        )
    )


if __name__ == "__main__":
    main()
