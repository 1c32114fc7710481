"""The API's rate limits: a fixed-window counter per client, one ``INCR`` and ``EXPIRE`` per request (#28).

DRF's ``AnonRateThrottle``/``UserRateThrottle`` keep the timestamp of every request of a client in one cache
entry and rewrite the whole list on every request, so their cost grows with the rate allowed (with a
generous rate the indicator endpoint served half as many requests a second); and ``UserRateThrottle``
also counts anonymous callers by address, so an anonymous rate above the user rate never took effect.

Here a client's requests in the current window (a minute for ``120/minute``) are one counter in the cache,
``throttle:<scope>:<client>:<window number>``, which expires with its window. Anonymous callers are counted
by client address (``utilities.client_address``: ``X-Forwarded-For`` only behind the declared trusted
proxies) under ``API_THROTTLE_ANON`` alone; signed-in ones (session or token) by user under
``API_THROTTLE_USER`` alone. A fixed window lets a client send up to twice the rate across a window's
edge; that is the price of a counter that costs the same whatever the rate. While the cache is down
nothing is counted and every request goes through (a cache outage must not become an API outage).
"""

import time

from django.core.cache import cache
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from utilities.cache import count_hit
from utilities.client_address import client_address

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """``"120/minute"`` → (120, 60); None for no limit. DRF's notation: a count, then second, minute,
    hour or day (only the first letter counts)."""
    if not rate:
        return None
    count, _, period = rate.partition("/")
    if not count.strip().isdigit() or not period or period[0].lower() not in _PERIODS:
        raise ValueError(f"A throttle rate is 'N/second|minute|hour|day', not {rate!r}.")
    return int(count), _PERIODS[period[0].lower()]


class FixedWindowThrottle(BaseThrottle):
    """Counts a client's requests in fixed windows of the rate's period; subclasses say whom it counts."""

    scope = ""

    def __init__(self) -> None:
        self.wait_seconds: float | None = None

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str | None:
        """Whom the request counts against, or None when this throttle does not apply to it."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        rate = parse_rate(self.get_rate())
        ident = self.get_ident(request) if rate else None
        if rate is None or ident is None:
            return True
        limit, period = rate
        now = time.time()
        window = int(now // period)
        # One second beyond the window: a clock a little behind another worker's still finds the counter.
        count = count_hit(cache, f"throttle:{self.scope}:{ident}:{window}", period + 1)
        if count is None:
            return True  # the cache is down: fail open, as the rest of the site does
        self.wait_seconds = (window + 1) * period - now
        return count <= limit

    def wait(self) -> float | None:
        return self.wait_seconds


class AnonymousThrottle(FixedWindowThrottle):
    """Anonymous callers, per client address, at ``API_THROTTLE_ANON`` (scope ``anon``)."""

    scope = "anon"

    def get_ident(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return client_address(request) or "unknown"


class SignedInThrottle(FixedWindowThrottle):
    """Signed-in users and token clients, per user, at ``API_THROTTLE_USER`` (scope ``user``)."""

    scope = "user"

    def get_ident(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return str(request.user.pk)
        return None
