"""The API's rate limits (utilities/api/throttling.py): a fixed-window counter per client, anonymous and
signed-in rates independent, the trusted proxies honoured, open while Redis is down (#28)."""

from types import SimpleNamespace

import pytest
import redis
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from officials.services import official_set_up
from tests.api_helpers import fresh_throttles, throttle_rates  # noqa: F401
from utilities.api import throttling
from utilities.api.throttling import parse_rate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles", "regions")]

URL = "/api/v1/provinces/"
BALANCER = "10.0.0.2"
CLOSED_REDIS = {
    "default": {
        "BACKEND": "utilities.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: refused at once
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


def statuses(client, n: int, **extra) -> list[int]:
    return [client.get(URL, **extra).status_code for _ in range(n)]


@pytest.fixture
def signed_in(regions):
    user = official_set_up(username="reader", role="provincial", province_codes=["320000"]).user
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, moved by hand."""
    now = [1_000_040.0]  # 20 s into a minute
    monkeypatch.setattr(throttling, "time", SimpleNamespace(time=lambda: now[0]))
    return now


def test_an_anonymous_rate_above_the_user_rate_takes_effect(client, settings):
    throttle_rates(settings, anon="5/minute", user="2/minute")

    assert statuses(client, 6) == [200] * 5 + [429]


def test_signed_in_callers_are_limited_by_the_user_rate_only(signed_in, settings):
    throttle_rates(settings, anon="1/minute", user="3/minute")

    assert statuses(signed_in, 4) == [200, 200, 200, 429]


def test_anonymous_and_signed_in_counts_are_separate(client, signed_in, settings):
    throttle_rates(settings, anon="2/minute", user="2/minute")
    assert statuses(client, 3) == [200, 200, 429]

    assert statuses(signed_in, 2) == [200, 200]


def test_the_429_says_when_the_window_ends(client, settings, clock):
    throttle_rates(settings, anon="2/minute")
    statuses(client, 2)

    refused = client.get(URL)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "40"  # 20 s into the minute


def test_a_new_window_starts_a_new_count(client, settings, clock):
    throttle_rates(settings, anon="2/minute")
    assert statuses(client, 3) == [200, 200, 429]

    clock[0] += 40  # the next minute

    assert statuses(client, 3) == [200, 200, 429]


def test_one_counter_a_client_and_window_whatever_the_rate(client, settings, clock):
    throttle_rates(settings, anon="100000/minute")
    statuses(client, 5)

    assert cache.get(f"throttle:anon:127.0.0.1:{int(clock[0] // 60)}") == 5


def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(client, settings):
    throttle_rates(settings, anon="2/minute")
    settings.TRUSTED_PROXIES = 0
    forged = [client.get(URL, headers={"X-Forwarded-For": f"192.0.2.{n}"}).status_code for n in range(3)]
    assert forged == [200, 200, 429]

    settings.TRUSTED_PROXIES = 1
    behind = [
        client.get(URL, headers={"X-Forwarded-For": f"198.51.100.{n}"}, REMOTE_ADDR=BALANCER).status_code
        for n in range(3)
    ]
    assert behind == [200, 200, 200]


def test_with_redis_down_requests_go_through(client, settings):
    throttle_rates(settings, anon="1/minute")
    # Through the settings fixture, as the rates: an override_settings decorator would be undone before
    # the fixture's, which would then restore the closed Redis for the following tests.
    settings.CACHES = CLOSED_REDIS

    assert statuses(client, 3) == [200, 200, 200]


@pytest.mark.redis
def test_on_redis_the_counter_expires_with_its_window(client, settings, own_redis):
    throttle_rates(settings, anon="2/minute")
    with override_settings(
        CACHES={"default": {"BACKEND": "utilities.cache.ResilientRedisCache", "LOCATION": own_redis.url}}
    ):
        assert statuses(client, 3) == [200, 200, 429]
        redis_client = redis.Redis.from_url(own_redis.url)
        keys = redis_client.keys("*throttle:anon:*")
        assert len(keys) == 1
        assert int(redis_client.get(keys[0])) == 3
        assert 0 < redis_client.ttl(keys[0]) <= 61


@pytest.mark.redis
def test_on_redis_a_request_is_counted_in_one_round_trip(client, settings, own_redis):
    """Through ``django.core.cache.cache`` (a proxy, no instance of the backend's class) too: one INCR
    and one EXPIRE, pipelined; not an ADD (SET NX), an EXISTS and an INCR. A cached answer then costs
    four commands in all: the counter's two, the versions and the answer."""
    throttle_rates(settings, anon="100/minute")
    with override_settings(
        CACHES={"default": {"BACKEND": "utilities.cache.ResilientRedisCache", "LOCATION": own_redis.url}}
    ):
        assert statuses(client, 1) == [200]  # the answer and the data version are in the cache now
        redis_client = redis.Redis.from_url(own_redis.url)
        redis_client.config_resetstat()
        assert statuses(client, 4) == [200] * 4
        calls = {
            name.removeprefix("cmdstat_"): stats["calls"] for name, stats in redis_client.info("commandstats").items()
        }
    assert calls.get("incrby") == 4
    assert calls.get("expire") == 4
    assert "exists" not in calls
    assert "set" not in calls
    assert calls.get("mget") == 4 and calls.get("get") == 4


@pytest.mark.parametrize(
    ("rate", "parsed"), [("120/minute", (120, 60)), ("5/s", (5, 1)), ("10/hour", (10, 3600)), (None, None)]
)
def test_rates_are_written_as_drf_writes_them(rate, parsed):
    assert parse_rate(rate) == parsed


def test_a_malformed_rate_is_refused_naming_it():
    with pytest.raises(ValueError, match="'many/minute'"):
        parse_rate("many/minute")
