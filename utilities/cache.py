"""A Redis cache whose outage is a cache miss, not a site outage.

Nothing a visitor or an API client reads needs Redis: pages and the API read PostgreSQL, and the cache
only saves work (and holds the API throttles' counters, ``count_hit``). Django's ``RedisCache`` raises
``redis.ConnectionError`` from every call while Redis is down, which turns into a 500 wherever the cache
is touched; DRF's throttles touch it on every API request. This backend answers as an empty cache
instead (a get returns the default, a set stores nothing, so throttles let requests through) and logs
the outage once per ``retry_after`` seconds.

After a failure it does not try Redis again for ``retry_after`` seconds (OPTIONS, default 5): with
Redis unreachable behind a firewall every call would otherwise wait for the connect time-out.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ClientPerPoolRedisCacheClient(RedisCacheClient):
    """Django's Redis client maker, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every cache call; its constructor (response callbacks and
    options copied per instance) cost about a fifth of a cached API answer's CPU, four or five times per
    request. A ``redis.Redis`` takes a connection from its pool for each command, so one per pool serves
    every call (a backend, and so this object, belongs to one thread anyway).
    """

    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": dict(params.get("OPTIONS") or {})}
        self._retry_after = float(params["OPTIONS"].pop("retry_after", 5))
        super().__init__(server, params)
        self._class = ClientPerPoolRedisCacheClient
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _call(self, default, method, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return method(*args, **kwargs)
        except (RedisError, OSError) as exc:
            with self._lock:
                if time.monotonic() >= self._down_until:
                    logger.warning("cache unavailable, serving without it for %ss: %s", self._retry_after, exc)
                self._down_until = time.monotonic() + self._retry_after
            return default

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        value = self._call(missing, super().incr, key, delta, version)
        if value is missing:
            # What an empty cache answers (BaseCache.incr's contract for a missing key).
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that were not stored: all of them while Redis is down.
        return self._call(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(None, super().delete_many, keys, version)

    def clear(self):
        return self._call(False, super().clear)

    def count_hit(self, key, timeout: int, version=None) -> int | None:
        """``INCR`` the counter ``key`` and give it ``timeout`` seconds to live, in one round trip; None
        while Redis is down. The API throttles' fixed window (utilities/api/throttling.py)."""
        key = self.make_and_validate_key(key, version=version)

        def hit():
            pipeline = self._cache.get_client(key, write=True).pipeline(transaction=False)
            pipeline.incr(key)
            pipeline.expire(key, timeout)
            return pipeline.execute()[0]

        return self._call(None, hit)


def count_hit(cache, key: str, timeout: int) -> int | None:
    """Add one to the counter ``key`` of ``cache`` (created with ``timeout`` seconds to live) and return it;
    None when the cache cannot count (Redis down): callers let the request through.

    On Redis one ``INCR`` and one ``EXPIRE`` in one round trip; on other backends ``add`` then ``incr``,
    which the local memory cache does under its lock (the development server and the tests without Redis).
    ``cache`` is often ``django.core.cache.cache``, a proxy that is no instance of any backend class: the
    backend is asked for its ``count_hit`` by name, which the proxy forwards.
    """
    counter = getattr(cache, "count_hit", None)
    if counter is not None:
        return counter(key, timeout)
    cache.add(key, 0, timeout)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr, or a cache that stores nothing
        return None
