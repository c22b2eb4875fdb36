"""The task queue's single-machine storage.

Huey's SQLite storage commits with ``synchronous=FULL`` (an fsync per enqueued task),
which measured as the largest single cost of creating a ticket. In WAL mode
``synchronous=NORMAL`` keeps every committed task across an application crash or
restart; only a power cut can lose the last moments, and it never corrupts the file —
the same guarantee the main SQLite database runs with.

Web processes enqueue and the worker dequeues in the same file; their write
transactions take the same kind of write queue as the main database (core.sqlite), so
they wait their turn instead of polling with sleeps.
"""

import contextlib

from huey import SqliteHuey
from huey.storage import SqliteStorage

from exdesk.core.sqlite import checkpoints
from exdesk.core.sqlite.base import write_queue_for


class WalSqliteStorage(SqliteStorage):
    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        conn.execute(f"pragma wal_autocheckpoint={checkpoints.AUTOCHECKPOINT_PAGES}")
        return conn

    @contextlib.contextmanager
    def db(self, commit=False, close=False):
        queue = write_queue_for(self.filename, in_memory=False) if commit else None
        with queue or contextlib.nullcontext(), super().db(commit=commit, close=close) as cursor:
            yield cursor


class WalSqliteHuey(SqliteHuey):
    storage_class = WalSqliteStorage


# Task priorities (docs/decisions/0005-mail-ingest-and-task-priorities.md): work a person
# is waiting for runs before background work when the queue is long.
LIVE_PRIORITY = 10
