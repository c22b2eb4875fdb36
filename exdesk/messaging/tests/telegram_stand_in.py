"""A local stand-in for the Telegram Bot API: the only double in the Telegram tests.

This machine cannot reach api.telegram.org, so a small HTTP server on 127.0.0.1 plays
its part over real sockets: ``/bot<token>/<method>`` (JSON or multipart, answered in
the Bot API's envelope) and ``/file/bot<token>/<path>`` downloads. It records every
call, serves files and getUpdates batches, and fails on request (403, 429, 500, …).
"""

from __future__ import annotations

import email.parser
import email.policy
import itertools
import json
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    # Multipart uploads: field name → (file name, bytes).
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    # What the stand-in answered.
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int = 0


class BotApiStandIn:
    def __init__(self, token: str):
        self.token = token
        self.calls: list[Call] = []
        self.downloads: list[str] = []
        # file_id → (file_path, bytes)
        self.files: dict[str, tuple[str, bytes]] = {}
        self.updates: list[dict] = []
        self.batch_size = 100
        self.failures: dict[str, list[Failure]] = defaultdict(list)
        self._message_ids = itertools.count(1000)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join()

    # ------------------------------------------------------------ set-up

    def fail(self, method: str, status: int, description: str, *, times: int = 1, **extra) -> None:
        """The next ``times`` calls of ``method`` fail as Telegram would answer."""
        self.failures[method] += [Failure(status, description, **extra)] * times

    def add_file(self, file_id: str, file_path: str, data: bytes) -> None:
        self.files[file_id] = (file_path, data)

    # ------------------------------------------------------------ reading

    def calls_of(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def texts_to(self, chat_id: int | str) -> list[str]:
        return [
            c.params["text"]
            for c in self.calls_of("sendMessage")
            if str(c.params["chat_id"]) == str(chat_id)
        ]

    # ------------------------------------------------------------ the API

    def _answer(self, method: str, params: dict) -> tuple[int, dict]:
        with self._lock:
            queued = self.failures.get(method)
            if queued:
                failure = queued.pop(0)
                body: dict[str, Any] = {
                    "ok": False,
                    "error_code": failure.status,
                    "description": failure.description,
                }
                if failure.retry_after:
                    body["parameters"] = {"retry_after": failure.retry_after}
                return failure.status, body
        if method in ("sendMessage", "sendPhoto", "sendDocument"):
            return 200, self._ok(
                {
                    "message_id": next(self._message_ids),
                    "chat": {"id": int(params["chat_id"]), "type": "private"},
                    "text": params.get("text", ""),
                }
            )
        if method == "getFile":
            if params.get("file_id") not in self.files:
                return 400, self._error(400, "Bad Request: invalid file_id")
            path, data = self.files[params["file_id"]]
            result = {"file_id": params["file_id"], "file_size": len(data), "file_path": path}
            return 200, self._ok(result)
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            with self._lock:
                # As Telegram: an offset confirms (forgets) every update before it.
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                return 200, self._ok(self.updates[: self.batch_size])
        if method in ("setWebhook", "deleteWebhook"):
            return 200, self._ok(True)
        return 404, self._error(404, "Not Found")

    @staticmethod
    def _ok(result: Any) -> dict:
        return {"ok": True, "result": result}

    @staticmethod
    def _error(status: int, description: str) -> dict:
        return {"ok": False, "error_code": status, "description": description}

    def _handler(self):
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                prefix = f"/bot{stand_in.token}/"
                if not self.path.startswith(prefix):
                    return self._json(401, stand_in._error(401, "Unauthorized"))
                method = self.path[len(prefix) :]
                length = int(self.headers.get("Content-Length") or 0)
                params, files = _parse(
                    self.headers.get("Content-Type", ""), self.rfile.read(length)
                )
                call = Call(method, params, files)
                with stand_in._lock:
                    stand_in.calls.append(call)
                status, call.answer = stand_in._answer(method, params)
                self._json(status, call.answer)

            def do_GET(self):
                prefix = f"/file/bot{stand_in.token}/"
                path = self.path[len(prefix) :] if self.path.startswith(prefix) else None
                found = [data for p, data in stand_in.files.values() if p == path]
                with stand_in._lock:
                    stand_in.downloads.append(self.path)
                if not found:
                    return self._json(404, stand_in._error(404, "Not Found"))
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(found[0])))
                self.end_headers()
                self.wfile.write(found[0])

            def _json(self, status: int, body: dict) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler


def _parse(content_type: str, body: bytes) -> tuple[dict, dict]:
    """The call's parameters: a JSON object, or a multipart form with its files."""
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}"), {}
    if not content_type.startswith("multipart/form-data"):
        return {}, {}
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    form = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    for part in form.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename:
            files[name] = (filename, data)
        else:
            params[name] = data.decode()
    return params, files
