"""The task queue keeps work across a restart, in both storage modes, for real."""

import os
import uuid

from exdesk.testing import require

REDIS_URL = os.environ.get("EXDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def enqueue_then_restart(make_huey):
    """Enqueue with one queue object, drop it, and run the task with a new one."""
    first = make_huey()
    calls = []

    @first.task()
    def remember(value):
        calls.append(value)

    remember("deposit 42")
    del first
    second = make_huey()
    second.task(name=remember.task_class.__name__)(lambda value: calls.append(value))
    task = second.dequeue()
    assert task is not None
    second.execute(task)
    return calls


def test_sqlite_queue_survives_a_restart(tmp_path):
    from exdesk.core.queue import WalSqliteHuey

    path = str(tmp_path / "tasks.sqlite3")
    calls = enqueue_then_restart(lambda: WalSqliteHuey("restart-test", filename=path))
    assert calls == ["deposit 42"]


def test_redis_queue_survives_a_restart():
    require(redis_available(), f"Redis not reachable at {REDIS_URL}")
    from huey import PriorityRedisHuey

    name = f"exdesk-test-{uuid.uuid4().hex}"
    calls = enqueue_then_restart(lambda: PriorityRedisHuey(name, url=REDIS_URL))
    assert calls == ["deposit 42"]


def run_in_queue_order(huey) -> list[str]:
    """Background work queued first, then work a customer waits for: the second runs first."""
    from exdesk.core.queue import LIVE_PRIORITY

    calls: list[str] = []

    @huey.task()
    def background(value):
        calls.append(value)

    @huey.task(priority=LIVE_PRIORITY)
    def live(value):
        calls.append(value)

    background("send a receipt")
    background("rebuild an index")
    live("a customer's new mail")
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
    return calls


def test_waiting_customers_work_goes_first_in_sqlite(tmp_path):
    from exdesk.core.queue import WalSqliteHuey

    huey = WalSqliteHuey("priority-test", filename=str(tmp_path / "tasks.sqlite3"))
    assert run_in_queue_order(huey)[0] == "a customer's new mail"


def test_waiting_customers_work_goes_first_in_redis():
    require(redis_available(), f"Redis not reachable at {REDIS_URL}")
    from huey import PriorityRedisHuey

    huey = PriorityRedisHuey(f"exdesk-test-{uuid.uuid4().hex}", url=REDIS_URL)
    assert run_in_queue_order(huey)[0] == "a customer's new mail"


def test_redis_cache_backend_round_trip():
    require(redis_available(), f"Redis not reachable at {REDIS_URL}")
    from django.core.cache.backends.redis import RedisCache

    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"t{uuid.uuid4().hex}"})
    cache.set("lockout:alice", 3, timeout=30)
    assert cache.get("lockout:alice") == 3


def test_clearing_the_cache_leaves_other_installations_and_the_queue_alone():
    """Django's Redis cache clears by flushing the database; a run that clears its cache
    (tests do) dropped another server's queued tasks. exdesk clears its own keys only."""
    require(redis_available(), f"Redis not reachable at {REDIS_URL}")
    import redis
    from huey import PriorityRedisHuey

    from exdesk.core.cache import PrefixedRedisCache

    mine = PrefixedRedisCache(REDIS_URL, {"KEY_PREFIX": f"mine{uuid.uuid4().hex}"})
    theirs = PrefixedRedisCache(REDIS_URL, {"KEY_PREFIX": f"theirs{uuid.uuid4().hex}"})
    queue = PriorityRedisHuey(f"exdesk-test-{uuid.uuid4().hex}", url=REDIS_URL)
    queue.enqueue(queue.task()(lambda: None).s())
    for n in range(1200):  # more than one SCAN page and one DELETE batch
        mine.set(f"k{n}", n)
    theirs.set("lockout:bob", 1)
    assert mine.clear()
    assert mine.get("k7") is None and mine.get("k1199") is None
    assert theirs.get("lockout:bob") == 1
    assert len(queue) == 1
    client = redis.Redis.from_url(REDIS_URL)
    assert not list(client.scan_iter(match=f"{mine.key_prefix}:*"))
    theirs.clear()
    queue.flush()
