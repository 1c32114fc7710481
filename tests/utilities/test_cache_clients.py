"""The Redis cache keeps one client per connection pool instead of Django's new ``redis.Redis`` per call
(utilities/cache.py): the constructor was a fifth of a cached API answer's CPU (#28)."""

import pytest
import redis
from django.core.cache import caches
from django.test import override_settings

pytestmark = pytest.mark.redis


def test_every_call_of_a_backend_uses_the_same_client(own_redis):
    with override_settings(
        CACHES={"default": {"BACKEND": "utilities.cache.ResilientRedisCache", "LOCATION": own_redis.url}}
    ):
        backend = caches["default"]
        first = backend._cache.get_client("a")
        assert backend._cache.get_client("b", write=True) is first
        backend.set("answer", 42)
        assert backend.get("answer") == 42
        assert backend._cache.get_client() is first


def test_the_kept_client_reconnects_after_an_outage(own_redis):
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "utilities.cache.ResilientRedisCache",
                "LOCATION": own_redis.url,
                "OPTIONS": {"retry_after": 0},
            }
        }
    ):
        backend = caches["default"]
        backend.set("before", 1)
        own_redis.stop()
        assert backend.get("before") is None  # down: an empty cache, no error
        own_redis.start()
        backend.set("after", 2)
        assert backend.get("after") == 2
        assert redis.Redis.from_url(own_redis.url).exists(backend.make_key("after"))
