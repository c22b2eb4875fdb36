"""Background WAL checkpoints for the SQLite files a web process writes.

In WAL mode SQLite copies the log back into the database ("checkpoint") inside whichever
commit crosses the threshold, fsync included: that request pays tens of milliseconds.
Web processes instead checkpoint from a background thread every second (PASSIVE: never
blocks readers or writers; sqlite3 releases the GIL meanwhile) and raise the automatic
threshold, which stays as a bound on the log's size when no web process runs.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

from django.conf import settings

AUTOCHECKPOINT_PAGES = 10_000
INTERVAL_SECONDS = 1.0
log = logging.getLogger(__name__)


def _checkpoint_forever(path: str, interval: float) -> None:
    conn = sqlite3.connect(path, timeout=0, check_same_thread=False)
    while True:
        time.sleep(interval)
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error as exc:  # busy or gone: try again next time
            log.debug("checkpoint of %s skipped: %s", path, exc)


def start(path: str, interval: float = INTERVAL_SECONDS) -> threading.Thread:
    thread = threading.Thread(
        target=_checkpoint_forever, args=(path, interval), name="sqlite-checkpoint", daemon=True
    )
    thread.start()
    return thread


def sqlite_files_in_use() -> list[str]:
    files = []
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "exdesk.core.sqlite":
        files.append(str(database["NAME"]))
    if settings.HUEY.get("huey_class") == "exdesk.core.queue.WalSqliteHuey":
        files.append(str(settings.HUEY["filename"]))
    return files
