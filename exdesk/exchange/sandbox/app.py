"""The sandbox exchange's HTTP API: a plain ASGI application, no framework.

``create_app(db_path, secrets, chain=None)`` serves the connector protocol
(docs/exchange-connector.md) under ``/exdesk/v1``, an unsigned ``GET /health`` and, when a
demo chain is given, its JSON-RPC at ``POST /chain/evm`` (the deposit diagnosis reads it).
Every protocol answer, errors included, is signed bound to the request's nonce.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote

from exdesk.exchange import signing
from exdesk.exchange.sandbox import store

logger = logging.getLogger(__name__)

BASE_PATH = "/exdesk/v1"
MAX_BODY_BYTES = 64 * 1024
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
# Blocks mined after the settled demo transfers: more than ETH's 12 required confirmations.
SETTLE_BLOCKS = 15
LISTS = ("deposits", "withdrawals", "orders", "trades", "deposit-addresses")
ACTIONS = ("freeze", "unfreeze-requests", "email-verification")

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Chain(Protocol):
    """What the sandbox needs of a demo chain (``sandbox.chain.DemoChain``)."""

    token_address: Any

    def handle(self, body: bytes) -> bytes: ...
    def send(self, transfers: list[dict[str, Any]]) -> dict[str, str]: ...
    def mine(self, blocks: int) -> Any: ...
    def head(self) -> Any: ...


class ChainError(Exception):
    pass


class SerializedChain:
    """One caller at a time: the server's requests and the block miner share one chain."""

    def __init__(self, chain: Chain):
        self.inner = chain
        self.lock = threading.RLock()

    def handle(self, body: bytes) -> bytes:
        with self.lock:
            return self.inner.handle(body)

    def send(self, transfers: list[dict[str, Any]]) -> dict[str, str]:
        with self.lock:
            return dict(self.inner.send(transfers))

    def mine(self, blocks: int = 1) -> None:
        with self.lock:
            self.inner.mine(blocks)

    def head(self) -> Any:
        with self.lock:
            return self.inner.head()

    @property
    def token_address(self) -> str:
        value = self.inner.token_address
        return str(value() if callable(value) else value)

    def rpc(self, method: str, params: list[Any]) -> Any:
        request = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        answer = json.loads(self.handle(json.dumps(request).encode()))
        if "error" in answer:
            raise ChainError(f"{method}: {answer['error']}")
        return answer.get("result")

    def confirmations_of(self, txid: str) -> int | None:
        """Head − the transaction's block + 1; None when the chain does not know it."""
        if hasattr(self.inner, "confirmations_of"):
            with self.lock:
                return self.inner.confirmations_of(txid)
        try:
            with self.lock:  # one consistent view of the head and the receipt
                receipt = self.rpc("eth_getTransactionReceipt", [txid])
                if not receipt or receipt.get("blockNumber") is None:
                    return None
                head = int(self.rpc("eth_blockNumber", []), 16)
        except (ChainError, ValueError, TypeError, AttributeError):
            return None
        return max(0, head - int(receipt["blockNumber"], 16) + 1)


def link_chain(db: sqlite3.Connection, chain: SerializedChain) -> dict[str, str]:
    """Make the demo EVM deposits real transactions on ``chain`` and store their txids.
    Settled transfers first, then enough blocks to credit them, then the pending ones,
    which confirm as blocks are mined. The chain lives in memory, so this runs at each
    start even though the database persists."""
    transfers = store.demo_evm_transfers()
    pending = [t for t in transfers if t["key"] in store.PENDING_CHAIN_KEYS]
    settled = [t for t in transfers if t["key"] not in store.PENDING_CHAIN_KEYS]
    with chain.lock:
        txids = chain.send(settled)
        chain.mine(SETTLE_BLOCKS)
        txids.update(chain.send(pending))
        chain_id = getattr(chain.inner, "chain_id", None)
        if chain_id is None:
            try:
                chain_id = int(chain.rpc("eth_chainId", []), 16)
            except (ChainError, ValueError, TypeError):
                chain_id = store.DEMO_EVM_CHAIN_ID
        store.set_evm_chain(db, chain_id, chain.token_address)
    store.attach_chain_transfers(db, txids)
    return txids


# ---------------------------------------------------------------- requests and answers


@dataclass
class Request:
    method: str
    path: str  # percent-encoded, as sent: the signature covers it
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    too_large: bool = False

    @property
    def signed_path(self) -> str:
        return self.path + ("?" + self.query if self.query else "")

    @property
    def nonce(self) -> str:
        return self.headers.get(signing.NONCE_HEADER.lower(), "")


@dataclass
class Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    signed: bool = True


def answer(status: int, content: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    body = content if isinstance(content, bytes) else _dumps(content)
    return Response(status, body, headers or [])


def _dumps(content: Any) -> bytes:
    return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


class Refused(Exception):
    """Ends a request with an error answer."""

    def __init__(self, status: int, error: str, detail: str | None = None, **headers: str):
        super().__init__(error)
        content = {"error": error} if detail is None else {"error": error, "detail": detail}
        self.response = answer(status, content, list(headers.items()))


def invalid(detail: str) -> Refused:
    return Refused(400, "invalid_request", detail)


# ---------------------------------------------------------------- the application


class SandboxApp:
    """The ASGI application. Each request opens its own SQLite connection: requests run on
    uvicorn's event loop, the block miner on its own thread."""

    def __init__(self, db_path: str | Path, secrets: Mapping[str, str], chain: Chain | None = None):
        if not secrets or not all(secrets.values()):
            raise ValueError("the sandbox exchange needs at least one key id with a secret")
        self.db_path = str(db_path)
        self.secrets = dict(secrets)
        self.chain: SerializedChain | None = None
        if chain is not None:
            self.chain = chain if isinstance(chain, SerializedChain) else SerializedChain(chain)
        db = store.open_store(self.db_path)
        try:
            if self.chain is not None:
                link_chain(db, self.chain)
        finally:
            db.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets here
        body, too_large = await _read_body(receive)
        raw_path = scope.get("raw_path") or scope["path"].encode()
        request = Request(
            method=scope["method"].upper(),
            path=raw_path.decode("latin-1"),
            query=scope.get("query_string", b"").decode("latin-1"),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            body=body,
            too_large=too_large,
        )
        try:
            response = self.respond(request)
        except Exception:
            logger.exception("sandbox exchange failed on %s %s", request.method, request.path)
            response = answer(500, {"error": "server_error"})
        if response.signed:
            response.headers.extend(self._signature(request, response))
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(response.body)).encode()),
            *((name.lower().encode(), value.encode()) for name, value in response.headers),
        ]
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})

    def _signature(self, request: Request, response: Response) -> list[tuple[str, str]]:
        # The requester's key signs the answer; an unknown key gets the first one's, which
        # a client with another secret rightly refuses.
        key_id = request.headers.get(signing.KEY_HEADER.lower(), "")
        secret = self.secrets.get(key_id) or next(iter(self.secrets.values()))
        signed = signing.sign_response(secret, request.nonce, response.status, response.body)
        return list(signed.items())

    # ---------------------------------------------------------------- routing

    def respond(self, request: Request) -> Response:
        if request.path == "/health":
            if request.method != "GET":
                return _unsigned(Refused(405, "method_not_allowed", Allow="GET").response)
            return _unsigned(answer(200, {"ok": True}))
        if request.path == "/chain/evm":
            return _unsigned(self._chain_rpc(request))
        try:
            return self._protocol(request)
        except Refused as refusal:
            return refusal.response

    def _chain_rpc(self, request: Request) -> Response:
        if self.chain is None:
            return answer(404, {"error": "not_found"})
        if request.method != "POST":
            return Refused(405, "method_not_allowed", Allow="POST").response
        if request.too_large:
            return Refused(400, "invalid_request", "the body is too large").response
        return answer(200, self.chain.handle(request.body))

    def _protocol(self, request: Request) -> Response:
        if not (request.path == BASE_PATH or request.path.startswith(BASE_PATH + "/")):
            raise Refused(404, "not_found")
        if request.too_large:
            raise invalid(f"the body is larger than {MAX_BODY_BYTES} bytes")
        refusal = signing.check_request(
            self.secrets, request.headers, request.method, request.signed_path, request.body
        )
        if refusal is not None:
            logger.info("refused %s %s: %s", request.method, request.path, refusal.code)
            raise Refused(401, refusal.code)
        db = store.connect(self.db_path)
        try:
            timestamp = int(request.headers[signing.TIMESTAMP_HEADER.lower()])
            if not store.remember_nonce(db, request.nonce, timestamp, time.time()):
                logger.info("refused %s %s: replayed", request.method, request.path)
                raise Refused(401, "replayed")
            return self._route(request, db)
        finally:
            db.close()

    def _route(self, request: Request, db: sqlite3.Connection) -> Response:
        segments = [unquote(s) for s in request.path[len(BASE_PATH) + 1 :].split("/")]
        if segments == ["assets"]:
            _allow(request, "GET")
            return answer(200, {"items": store.assets(db, _limit(request.query))})
        if len(segments) not in (2, 3) or segments[0] != "customers" or not segments[1]:
            raise Refused(404, "not_found")
        uid, what = segments[1], (segments[2] if len(segments) == 3 else None)
        if what is not None and what not in LISTS and what not in ACTIONS:
            raise Refused(404, "not_found")
        _allow(request, "POST" if what in ACTIONS else "GET")
        if what is None:
            profile = store.customer(db, uid)
            if profile is None:
                raise Refused(404, "not_found")
            return answer(200, profile)
        if not store.exists(db, uid):
            raise Refused(404, "not_found")
        if what in ACTIONS:
            return self._action(request, db, uid, what)
        return answer(200, {"items": self._list(db, uid, what, _limit(request.query))})

    def _list(self, db: sqlite3.Connection, uid: str, what: str, limit: int) -> list[dict]:
        if what == "deposits":
            follow = self.chain.confirmations_of if self.chain is not None else None
            return store.deposits(db, uid, limit, follow)
        if what == "withdrawals":
            return store.withdrawals(db, uid, limit)
        if what == "orders":
            return store.orders(db, uid, limit)
        if what == "trades":
            return store.trades(db, uid, limit)
        return store.deposit_addresses(db, uid, limit)

    # ---------------------------------------------------------------- actions

    def _action(self, request: Request, db: sqlite3.Connection, uid: str, what: str) -> Response:
        key = request.headers.get("idempotency-key", "").strip()
        if not key:
            raise invalid("the Idempotency-Key header is required")
        if len(key) > 200:
            raise invalid("the Idempotency-Key header is longer than 200 characters")
        payload = _json_object(request.body)
        # Checked before anything is stored: a refused body leaves no idempotency record.
        requested_by = _text(payload, "requested_by")
        reference = _text(payload, "reference")
        reason = _text(payload, "reason") if what != "email-verification" else None
        approved_by = _optional_text(payload, "approved_by") if what == "freeze" else None

        def perform() -> tuple[int, dict[str, Any]]:
            if what == "email-verification":
                return 202, store.send_email_verification(
                    db, uid, requested_by=requested_by, exdesk_reference=reference,
                    reference=_reference("EMV"),
                )  # fmt: skip
            assert reason is not None
            if what == "unfreeze-requests":
                return 202, store.request_unfreeze(
                    db, uid, reason=reason, requested_by=requested_by,
                    exdesk_reference=reference, request_id=_reference("UFR"),
                )  # fmt: skip
            if store.account_state(db, uid) == "closed":
                return 409, {"error": "account_closed"}
            return 200, store.freeze(
                db, uid, reason=reason, requested_by=requested_by, approved_by=approved_by,
                exdesk_reference=reference, reference=_reference("FRZ"),
            )  # fmt: skip

        try:
            status, text = store.idempotent(
                db, key=key, uid=uid, action=what, body=request.body, perform=perform
            )
        except store.IdempotencyConflict:
            raise invalid("this Idempotency-Key was used for a different request") from None
        return answer(status, text.encode())


def _unsigned(response: Response) -> Response:
    response.signed = False
    return response


def _allow(request: Request, method: str) -> None:
    if request.method != method:
        raise Refused(405, "method_not_allowed", Allow=method)


def _limit(query: str) -> int:
    values = parse_qs(query, keep_blank_values=True).get("limit")
    if not values:
        return DEFAULT_LIMIT
    value = values[-1]
    if len(values) > 1 or not re.fullmatch(r"[0-9]{1,4}", value) or not 1 <= int(value) <= 100:
        raise invalid(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(value)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise invalid("the body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise invalid("the body is not a JSON object")
    return payload


def _text(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > 2000:
        raise invalid(f"{name} must be a non-empty string of at most 2000 characters")
    return value.strip()


def _optional_text(payload: dict[str, Any], name: str) -> str | None:
    return None if payload.get(name) is None else _text(payload, name)


def _reference(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12].upper()}"


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The body, and whether it was too large (then it is dropped, not kept in memory)."""
    chunks: list[bytes] = []
    size, too_large = 0, False
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        too_large = too_large or size > MAX_BODY_BYTES
        if not too_large:
            chunks.append(chunk)
        if not message.get("more_body"):
            break
    return (b"" if too_large else b"".join(chunks)), too_large


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def create_app(
    db_path: str | Path, secrets: Mapping[str, str], chain: Chain | None = None
) -> SandboxApp:
    """The sandbox exchange over the SQLite file ``db_path`` (created and seeded when new).
    ``secrets``: {key id: shared secret}. ``chain``: a demo EVM chain, or None for none."""
    return SandboxApp(db_path, secrets, chain)
