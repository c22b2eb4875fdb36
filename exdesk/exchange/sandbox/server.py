"""Run the sandbox exchange with uvicorn in a background thread (tests, contract tests).

with running_sandbox(tmp_path / "exchange.sqlite3", {"exdesk": "secret"}) as base_url:
    ...  # base_url == "http://127.0.0.1:PORT/exdesk/v1"
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from exdesk.exchange.sandbox.app import BASE_PATH, Chain, SandboxApp, create_app

START_TIMEOUT_SECONDS = 10


def uvicorn_config(app: SandboxApp, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="off",
        log_level="warning",
        access_log=False,
        server_header=False,
    )


@contextmanager
def running_sandbox(
    db_path: str | Path,
    secrets: Mapping[str, str],
    chain: Chain | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
) -> Iterator[str]:
    """Serve the sandbox exchange until the block ends; yields its base URL. ``port=0``
    takes a free port: the socket is bound here, so the port is known before uvicorn runs."""
    app = create_app(db_path, secrets, chain)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn_config(app, host, bound_port))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="sandbox-exchange", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox exchange did not start")
            time.sleep(0.01)
        yield f"http://{host}:{bound_port}{BASE_PATH}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_SECONDS)
        sock.close()
