"""``exdesk sandbox_exchange``: the sandbox exchange, for the demo (``make run``).

It serves the connector protocol over its own SQLite file and, when the demo chain is
available (``exdesk.exchange.sandbox.chain``), an EVM chain whose blocks are mined every
few seconds, so the demo's pending deposits confirm over a few minutes.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exdesk.exchange.sandbox.app import BASE_PATH, SandboxApp, SerializedChain, create_app
from exdesk.exchange.sandbox.server import uvicorn_config

logger = logging.getLogger(__name__)


def demo_chain() -> SerializedChain | None:
    try:
        from exdesk.exchange.sandbox.chain import DemoChain
    except ImportError:
        return None
    return SerializedChain(DemoChain())


def mine_blocks(chain: SerializedChain, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            chain.mine(1)
        except Exception:
            logger.exception("the demo chain could not mine a block")


class Command(BaseCommand):
    help = "Run the sandbox exchange: the connector protocol over its own demo database."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.SANDBOX_EXCHANGE_PORT)
        parser.add_argument(
            "--db", type=Path, default=settings.DATA_DIR / "sandbox-exchange.sqlite3"
        )
        parser.add_argument("--no-chain", action="store_true", help="serve no demo chain")
        parser.add_argument(
            "--block-seconds", type=float, default=10.0, help="how often a block is mined"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EXCHANGE_SECRET:
            raise CommandError(
                "No shared secret: set EXDESK_EXCHANGE_SECRET (the demo, EXDESK_DEMO=1, has one)."
            )
        if options["block_seconds"] <= 0:
            raise CommandError("--block-seconds must be positive.")
        chain = None if options["no_chain"] else demo_chain()
        app: SandboxApp = create_app(
            options["db"], {settings.EXCHANGE_KEY_ID: settings.EXCHANGE_SECRET}, chain
        )
        host, port = options["host"], options["port"]
        base = f"http://{host}:{port}"
        lines = [
            "",
            "The sandbox exchange is starting:",
            f"  Protocol:  {base}{BASE_PATH}  (key id {settings.EXCHANGE_KEY_ID!r})",
            f"  Database:  {options['db']}",
        ]
        stop = threading.Event()
        if app.chain is not None:
            lines.append(f"  EVM chain: {base}/chain/evm (JSON-RPC), a block every "
                         f"{options['block_seconds']:g} s")  # fmt: skip
            miner = threading.Thread(
                target=mine_blocks,
                args=(app.chain, options["block_seconds"], stop),
                name="sandbox-miner",
                daemon=True,
            )
            miner.start()
        else:
            lines.append("  EVM chain: none (the demo chain is not available)")
        self.stdout.write("\n".join([*lines, ""]))
        try:
            uvicorn.Server(uvicorn_config(app, host, port)).run()
        finally:
            stop.set()
