"""The cache on Redis, cleared by prefix.

Django's Redis cache clears by flushing the whole Redis database. Installations (and the
servers a test run starts side by side) share one database under their own key prefix,
and the task queue and chat fan-out live there too: a flush would drop other servers'
queued tasks. ``clear`` here deletes this cache's keys only."""

from __future__ import annotations

from itertools import islice

from django.core.cache.backends.redis import RedisCache


def _glob_escaped(text: str) -> str:
    return "".join(f"\\{ch}" if ch in "*?[]\\" else ch for ch in text)


def _batches(items, size: int):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class PrefixedRedisCache(RedisCache):
    def clear(self) -> bool:
        client = self._cache.get_client(None, write=True)
        prefix = self.key_prefix
        pattern = f"{_glob_escaped(prefix)}:*" if prefix else "*"
        for keys in _batches(client.scan_iter(match=pattern, count=1000), 500):
            client.delete(*keys)
        return True
