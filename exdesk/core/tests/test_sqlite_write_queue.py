"""Writers from several processes and threads queue for SQLite instead of failing.

The same workload on Django's stock SQLite backend, with the same 1 ms busy timeout,
fails with "database is locked": that control run shows the test can fail.
"""

import multiprocessing
import threading
import time

import pytest

WRITERS_PER_PROCESS = 2
TRANSACTIONS = 15


def _wrapper(engine: str, path: str):
    import django
    from django.utils.module_loading import import_string

    django.setup()
    wrapper_class = import_string(f"{engine}.base.DatabaseWrapper")
    settings = {
        "ENGINE": engine,
        "NAME": path,
        "OPTIONS": {"timeout": 0.001},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
    return wrapper_class(settings, alias="queue-test")


def _write(engine: str, path: str, label: str, errors) -> None:
    db = _wrapper(engine, path)
    for n in range(TRANSACTIONS):
        try:
            db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
            with db.cursor() as cursor:
                cursor.execute("INSERT INTO t (label) VALUES (%s)", [f"{label}-{n}"])
                time.sleep(0.003)  # hold the write lock a little, as a real request does
            db.commit()
        except Exception as exc:
            errors.append(repr(exc))
            db.rollback()
        finally:
            db.set_autocommit(True)
        with db.cursor() as cursor:  # a single statement outside a transaction
            try:
                cursor.execute("UPDATE t SET label = label WHERE id = 1")
            except Exception as exc:
                errors.append(repr(exc))
    db.close()


def _process(engine: str, path: str, name: str, results) -> None:
    errors: list[str] = []
    threads = [
        threading.Thread(target=_write, args=(engine, path, f"{name}{i}", errors))
        for i in range(WRITERS_PER_PROCESS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(errors)


def run_writers(engine: str, path: str) -> tuple[int, list[str]]:
    import sqlite3

    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, label TEXT)")
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    processes = [
        context.Process(target=_process, args=(engine, path, name, results)) for name in "ab"
    ]
    for process in processes:
        process.start()
    errors = [e for _ in processes for e in results.get(timeout=60)]
    for process in processes:
        process.join(timeout=60)
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT count(*) FROM t").fetchone()[0]
    return rows, errors


def test_writers_queue_across_processes_and_threads(tmp_path):
    rows, errors = run_writers("exdesk.core.sqlite", str(tmp_path / "queued.sqlite3"))
    assert errors == []
    assert rows == 2 * WRITERS_PER_PROCESS * TRANSACTIONS


def test_control_stock_backend_fails_the_same_workload(tmp_path):
    rows, errors = run_writers("django.db.backends.sqlite3", str(tmp_path / "stock.sqlite3"))
    assert any("locked" in e for e in errors)
    assert rows < 2 * WRITERS_PER_PROCESS * TRANSACTIONS


@pytest.mark.parametrize(
    ("sql", "is_write"),
    [
        ("INSERT INTO x VALUES (1)", True),
        ("  update x set a = 1", True),
        ("DELETE FROM x", True),
        ("REPLACE INTO x VALUES (1)", True),
        ("SELECT * FROM x", False),
        ("BEGIN IMMEDIATE", False),
    ],
)
def test_write_statements_are_recognised(sql, is_write):
    from exdesk.core.sqlite.base import _is_write

    assert _is_write(sql) is is_write
