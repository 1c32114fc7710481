"""``/healthz``: is this web machine fit to serve? For load balancers and monitoring, as JSON.

- ``database``: a ``SELECT 1``. Without the database nothing can be served: **503**.
- ``broker``: a ping of the Celery broker (Redis). Pages and the API do not need it (refresh requests
  wait in the database until a worker drains them), so a broker outage is reported as ``degraded`` with
  **200**: a load balancer must not take every web machine out because Redis restarted.
- ``snapshot``: the newest complete indicator snapshot and its age; older than
  ``HEALTHZ_SNAPSHOT_MAX_AGE`` seconds (default 36 h: the nightly run was missed) is ``degraded``.

``?strict=1`` answers 503 for anything short of ``ok``, for monitoring that should page someone.

The endpoint is public (load balancers probe it without credentials), so a failed check says only what is
down and a generic reason (``unreachable``, ``timeout``, ``error``); the exception's text, with host names
and ports, goes to the server log.
"""

import logging
import socket
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _reason(exc: Exception) -> str:
    """A reason that names no host, port, user or query: what a public answer may say about a failure."""
    import redis
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, (redis.TimeoutError, socket.timeout, TimeoutError)):
        return "timeout"
    if isinstance(exc, (redis.ConnectionError, OperationalError, InterfaceError, OSError)):
        return "unreachable"
    return "error"


def _timed(name: str, check) -> dict:
    started = time.monotonic()
    try:
        result = {"ok": True, **(check() or {})}
    except Exception as exc:  # any failure of a dependency is what this endpoint reports
        logger.warning("healthz: the %s check failed: %s: %s", name, type(exc).__name__, exc)
        result = {"ok": False, "error": _reason(exc)}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> dict:
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return {"mode": "in-process"}  # no broker: tasks run in the web process (make run)
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    return {}


def _snapshot() -> dict:
    from reports.selectors import snapshot_visible

    snapshot = snapshot_visible()
    if snapshot is None:
        return {"ok": False, "as_of": None, "age_seconds": None}
    finished = snapshot.finished_at or snapshot.started_at
    age = (timezone.now() - finished).total_seconds()
    max_age = getattr(settings, "HEALTHZ_SNAPSHOT_MAX_AGE", 36 * 3600)
    return {"ok": age <= max_age, "as_of": snapshot.as_of.isoformat(), "age_seconds": round(age)}


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _timed("database", _database)}
    checks["broker"] = _timed("broker", _broker)
    checks["snapshot"] = (
        _timed("snapshot", _snapshot) if checks["database"]["ok"] else {"ok": False, "error": "no database"}
    )
    if not checks["database"]["ok"]:
        status = "fail"
    elif all(check["ok"] for check in checks.values()):
        status = "ok"
    else:
        status = "degraded"
    strict = request.GET.get("strict") in {"1", "true", "yes"}
    code = 503 if status == "fail" or (strict and status != "ok") else 200
    return JsonResponse({"status": status, "checks": checks}, status=code)
