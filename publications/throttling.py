"""How often an anonymous visitor may have a report PDF rendered (a kept PDF is served without limit).

A render takes seconds of CPU in a web worker, so without a limit anyone could keep the workers busy by
asking for the PDFs nobody has asked for yet (every region, both languages, every older snapshot). DRF's
rate throttle, used outside DRF: its history lives in the cache, as the API throttles' does.
"""

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_RATE = "6/hour"


class RenderThrottled(Exception):
    """This address has had its share of renders: ``wait`` seconds until the next one."""

    def __init__(self, wait: float | None) -> None:
        super().__init__(wait)
        self.wait = wait


class ReportRenderThrottle(SimpleRateThrottle):
    """``settings.REPORT_RENDER_RATE`` renders per anonymous client address; signed-in users are not limited."""

    scope = "report_render"

    def get_rate(self) -> str:
        return getattr(settings, "REPORT_RENDER_RATE", DEFAULT_RATE)

    def get_cache_key(self, request, view) -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.client_address(request)}

    def client_address(self, request) -> str:
        # REMOTE_ADDR, unless the number of trusted proxies is declared (NUM_PROXIES, fed by the project's
        # one proxies setting): then DRF's reading of X-Forwarded-For, the same as the API throttles'.
        # With NUM_PROXIES unset DRF would take X-Forwarded-For as sent, which any client can vary.
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR", "")
        return self.get_ident(request)


def report_render_allow(request) -> None:
    """Count a render for this request's client; ``RenderThrottled`` when it has had its share."""
    throttle = ReportRenderThrottle()
    if not throttle.allow_request(request, None):
        raise RenderThrottled(throttle.wait())
