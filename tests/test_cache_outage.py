"""Nothing a visitor or an API client reads needs Redis: a cache outage is a cache miss, never a 500.

The API's throttles keep their counters in the cache, so with Django's plain RedisCache every API
request failed while Redis was down.
"""

import pytest
from django.core.cache import cache
from django.test import override_settings

from utilities.cache import ResilientRedisCache

pytestmark = pytest.mark.django_db

# Nothing listens on port 1 of the loopback: connections are refused at once.
CLOSED = "redis://127.0.0.1:1/0"


def _redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "utilities.cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "retry_after": 5},
        }
    }


@override_settings(CACHES=_redis_cache(CLOSED))
@pytest.mark.parametrize("path", ["/api/v1/snapshots/", "/api/v1/indicators/national/CN/"])
def test_the_api_answers_anonymous_callers_with_redis_unreachable(client, path):
    assert client.get(path).status_code in (200, 404)  # 404: no snapshot computed in this test


@override_settings(CACHES=_redis_cache(CLOSED))
def test_the_api_answers_signed_in_callers_with_redis_unreachable(admin_client):
    assert admin_client.get("/api/v1/snapshots/").status_code == 200


@override_settings(CACHES=_redis_cache(CLOSED))
def test_an_unreachable_cache_behaves_as_an_empty_one():
    cache.set("k", 1)
    assert cache.get("k", "default") == "default"
    assert cache.add("k", 1) is False
    assert cache.get_many(["k"]) == {}
    with pytest.raises(ValueError):
        cache.incr("k")


def test_after_a_failure_the_cache_does_not_wait_on_redis_again_for_a_while():
    backend = ResilientRedisCache(CLOSED, {"OPTIONS": {"retry_after": 60}})
    calls = []
    backend._cache.get = lambda *args: calls.append(args) or (_ for _ in ()).throw(ConnectionError())
    assert backend.get("a") is None
    assert backend.get("b") is None
    assert len(calls) == 1


def test_the_throttles_keep_working_again_once_redis_is_back(client, own_redis):
    with override_settings(CACHES=_redis_cache(own_redis.url)):
        cache.set("probe", 1)
        assert cache.get("probe") == 1
        own_redis.stop()  # an outage in the middle of traffic
        assert client.get("/api/v1/snapshots/").status_code == 200
        assert cache.get("probe") is None
