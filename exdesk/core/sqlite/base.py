"""SQLite backend whose writes queue for the database instead of polling for it.

SQLite admits one writer at a time and makes the others retry with growing sleeps
(1, 2, 5 … 100 ms). With several threads or processes writing, that showed as p99
latencies of half a second. Here every write transaction, and every write statement
outside one, first takes a per-file queue: a thread lock inside the process and an
``flock`` on ``<database>.lock`` between processes. The kernel hands the lock over in
turn, without sleeping. See docs/decisions/0002-request-path.md.
"""

from __future__ import annotations

import fcntl
import os
import threading
from typing import BinaryIO

from django.db import OperationalError
from django.db.backends.sqlite3 import base

LOCK_TIMEOUT_SECONDS = 30
_WRITE_PREFIXES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class WriteQueue:
    """One writer at a time for one database file, across threads and processes."""

    def __init__(self, lock_path: str | None):
        self._thread_lock = threading.Lock()
        self._lock_path = lock_path
        self._lock_file: BinaryIO | None = None
        self._pid: int | None = None

    def acquire(self) -> None:
        if not self._thread_lock.acquire(timeout=LOCK_TIMEOUT_SECONDS):
            raise OperationalError("database is locked (timed out in the write queue)")
        if self._lock_path is None:
            return
        try:
            if self._lock_file is None or self._pid != os.getpid():  # one per process
                self._lock_file = open(self._lock_path, "a+b")  # noqa: SIM115
                self._pid = os.getpid()
            fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        except BaseException:
            self._thread_lock.release()
            raise

    def release(self) -> None:
        try:
            if self._lock_file is not None:
                fcntl.flock(self._lock_file, fcntl.LOCK_UN)
        finally:
            self._thread_lock.release()

    def __enter__(self):
        self.acquire()
        return self

    def __exit__(self, *exc):
        self.release()


_queues: dict[str, WriteQueue] = {}
_queues_lock = threading.Lock()


def write_queue_for(name: str, in_memory: bool) -> WriteQueue:
    key = str(name)
    with _queues_lock:
        if key not in _queues:
            _queues[key] = WriteQueue(None if in_memory else f"{key}.lock")
        return _queues[key]


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_write_lock = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.write_queue = write_queue_for(self.settings_dict["NAME"], self.is_in_memory_db())
        queue = self.write_queue

        class QueuedCursor(base.SQLiteCursorWrapper):
            """Single write statements outside a transaction queue too."""

            def execute(self, query, params=None):
                if self.connection.in_transaction or not _is_write(query):
                    return super().execute(query, params)
                with queue:
                    return super().execute(query, params)

            def executemany(self, query, param_list):
                if self.connection.in_transaction or not _is_write(query):
                    return super().executemany(query, param_list)
                with queue:
                    return super().executemany(query, param_list)

        self._cursor_class = QueuedCursor

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=self._cursor_class)

    def _start_transaction_under_autocommit(self):
        self.write_queue.acquire()
        self._holds_write_lock = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private, not in the stubs
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self):
        if self._holds_write_lock:
            self._holds_write_lock = False
            self.write_queue.release()

    def _commit(self):
        try:
            return super()._commit()  # type: ignore[misc]  # private, not in the stubs
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]  # private, not in the stubs
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()  # type: ignore[misc]  # private, not in the stubs
        finally:
            self._release_write_lock()


def _is_write(query: str) -> bool:
    return query.lstrip()[:7].upper().startswith(_WRITE_PREFIXES)
