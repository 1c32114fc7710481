"""Which machine sent a request, counting the proxies the deployment declares (settings.TRUSTED_PROXIES).

Behind the documented load balancer every request comes from the balancer's address (``REMOTE_ADDR``); the
client's address is the entry the balancer appended to ``X-Forwarded-For``, the right-most one. Entries to
its left were written by the client and prove nothing. Without a proxy (TRUSTED_PROXIES = 0) the header is
ignored altogether, so a client cannot choose the address it is counted under.

The login limit (django-axes, through AXES_CLIENT_IP_CALLABLE) and the API throttles
(utilities/api/throttling.py) use this function; the report-render limit (publications/throttling.py) uses
DRF's own rule with NUM_PROXIES set to the same number, which picks the same entry.
"""

from django.conf import settings


def client_address(request) -> str | None:
    """The client's address: ``REMOTE_ADDR``, or the X-Forwarded-For entry the outermost trusted proxy added.

    Same rule as DRF's ``BaseThrottle.get_ident`` with ``NUM_PROXIES``: with n trusted proxies, the n-th
    entry from the right (or the left-most one when the header is shorter).
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote
    entries = forwarded.split(",")
    return entries[-min(proxies, len(entries))].strip() or remote
