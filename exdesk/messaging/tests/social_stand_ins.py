"""Local HTTP servers on 127.0.0.1 that play X's DM API, Meta's Graph Send API and a host
of Messenger attachments, since tests cannot reach the real ones. Each records the
requests it got and answers like the platform, or with the errors a test queues."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    # Without a Content-Length, as CDNs often stream: the reader cannot know the size early.
    chunked: bool = False

    @classmethod
    def of(cls, status: int, payload: dict) -> Answer:
        return cls(status, json.dumps(payload).encode())


class StandIn:
    """One local server. ``answer`` makes the platform's normal answer to a call; answers
    queued with ``fail_next`` are given first, one per call."""

    def __init__(self, answer: Callable[[Call], Answer]):
        self.calls: list[Call] = []
        self._answer = answer
        self._queued: list[Answer] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def fail_next(self, status: int, payload: dict, times: int = 1) -> None:
        with self._lock:
            self._queued.extend([Answer.of(status, payload)] * times)

    def handle(self, call: Call) -> Answer:
        with self._lock:
            self.calls.append(call)
            if self._queued:
                return self._queued.pop(0)
        return self._answer(call)

    def __enter__(self) -> StandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler_for(stand_in: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self._serve(b"")

        def do_POST(self):
            self._serve(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _serve(self, body: bytes) -> None:
            parts = urlsplit(self.path)
            answer = stand_in.handle(
                Call(
                    self.command,
                    parts.path,
                    dict(parse_qsl(parts.query)),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
            )
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            if answer.chunked:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(answer.body), answer.body))
            else:
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

        def log_message(self, *args) -> None:
            pass  # the test reads the recorded calls instead

    return Handler


def x_api() -> StandIn:
    """POST /2/dm_conversations/with/<participant>/messages → 201 with the new DM's id."""
    ids = itertools.count(1_800_000_000_000_000_001)

    def answer(call: Call) -> Answer:
        parts = call.path.strip("/").split("/")
        if call.method != "POST" or parts[:3] != ["2", "dm_conversations", "with"]:
            return Answer.of(404, {"title": "Not Found Error", "status": 404})
        event_id = str(next(ids))
        return Answer.of(
            201, {"data": {"dm_conversation_id": f"1-{parts[3]}", "dm_event_id": event_id}}
        )

    return StandIn(answer)


def graph_api() -> StandIn:
    """POST /v21.0/me/messages → 200 with the recipient and the message id."""
    ids = itertools.count(1)

    def answer(call: Call) -> Answer:
        if call.method != "POST" or call.path != "/v21.0/me/messages":
            return Answer.of(404, {"error": {"message": "Unknown path", "code": 803}})
        recipient = call.json()["recipient"]["id"]
        return Answer.of(200, {"recipient_id": recipient, "message_id": f"m_stand_in_{next(ids)}"})

    return StandIn(answer)


def file_host(files: dict[str, Answer]) -> StandIn:
    """GET /<name> → the answer stored under that name, else 404."""
    return StandIn(lambda call: files.get(call.path.lstrip("/"), Answer(404, b"", "text/plain")))
