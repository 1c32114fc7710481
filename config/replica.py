"""Public reads from a streaming replica (DATABASE_REPLICA_URL): the router, its middleware and the rules.

Which reads go where is decided once per request, by ``ReplicaReadsMiddleware``:

- **the replica** serves the reads of a GET/HEAD/OPTIONS request to a public view (the portal, the
  published reports, the sitemap, the API) from an anonymous visitor: no session user, no Authorization
  header (an official's API token is only known to DRF, later);
- **the primary** serves everything else: every write (``db_for_write``), the admin, signed-in officials
  (who so read their own writes at once), token API calls, and all work outside a request (Celery tasks,
  management commands), since the choice lives in a context variable that only the middleware sets.

**Lag.** A snapshot is read from the replica only once the replica has replayed it: before a request is
sent there, the complete snapshots (id and ``data_read_at``) the replica holds must be those the primary
holds, or the whole request reads the primary. The check runs at the request's first read: a request the
cache answers whole runs none. The primary's side is remembered per process for
``DATABASE_REPLICA_LAG_CHECK_SECONDS`` (1 s), so a crowd costs the primary one tiny query a second per
process; the replica's side is read once by every request that reads a table. Other rows (an enterprise edited a moment ago) may
lag by the replay delay, a fraction of a second on a healthy replica.

**Outage.** When the replica cannot be reached, the request reads the primary instead (no 500), and the
replica is not tried again for ``DATABASE_REPLICA_RETRY_SECONDS`` (30 s): one warning is logged for each
such break, not one per request. A replica connection that fails in the middle of a view makes the view
run again on the primary (safe: only safe methods are ever sent to the replica).

Without DATABASE_REPLICA_URL there is no ``replica`` alias and every read goes to the primary, as before.
"""

import contextvars
import logging
import threading
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Views of these top-level packages are public reads; the API's views are recognised as DRF views (below).
PUBLIC_VIEW_PACKAGES = ("portal.", "publications.", "django.contrib.sitemaps.")
# Public views that write: the report PDF is rendered and kept under an advisory lock of the primary, and
# what it reads under that lock (a PDF the lock's previous holder just kept) must be the primary's.
PRIMARY_VIEW_NAMES = frozenset({"publications:report-pdf"})
# Tagged, so that an operator (pg_stat_statements) and the tests can tell the check from the page's reads.
STAMP_SQL = (
    "/* replica lag check */ SELECT md5(coalesce(string_agg(id::text || ':' || "
    "coalesce(extract(epoch FROM coalesce(refreshed_at, computed_at))::text, ''), ',' ORDER BY id), '')) "
    "FROM {table} WHERE status = %s"
)

# True: this request reads the replica; False: the primary; UNDECIDED: a public read that may use the replica
# once the lag check passes, which runs at the request's first read (a request served from the cache whole,
# a cached page or API answer, reads no table and so costs neither database a query).
UNDECIDED = "undecided"
_reads_from_replica: contextvars.ContextVar[bool | str] = contextvars.ContextVar("reads_from_replica", default=False)


def _reads_replica_now() -> bool:
    """Whether this read goes to the replica, deciding an UNDECIDED request now (once per request)."""
    choice = _reads_from_replica.get()
    if choice == UNDECIDED:
        choice = replica_ready()
        _reads_from_replica.set(choice)
    return choice is True


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """Reads to the replica while the current request may use it; writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        if _reads_from_replica.get() is False:
            return None
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        # Inside a transaction of the primary, a read must see that transaction's writes.
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA if _reads_replica_now() else None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read there may be related to one read here.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class CircuitBreaker:
    """After a failure, the replica is left alone for ``DATABASE_REPLICA_RETRY_SECONDS``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._broken = False
        self.breaks = 0

    def closed(self) -> bool:
        return time.monotonic() >= self._open_until

    def trip(self, error: Exception) -> None:
        seconds = getattr(settings, "DATABASE_REPLICA_RETRY_SECONDS", 30)
        with self._lock:
            if not self.closed():
                return  # already broken: the warning was logged once for this break
            self._open_until = time.monotonic() + seconds
            self._broken = True
            self.breaks += 1
        logger.warning(
            "read replica unreachable, public reads use the primary for the next %s s: %s",
            seconds,
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
        )
        try:
            connections[REPLICA].close()
        except Exception:  # a dead connection may fail to close; it is dropped either way
            logger.debug("closing the broken replica connection failed", exc_info=True)

    def answered(self) -> None:
        """The replica answered: say so once after a break, so that the log shows when it was back."""
        if self._broken:
            self._broken = False
            logger.info("read replica reachable again, public reads use it")

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0
            self._broken = False


breaker = CircuitBreaker()


class _PrimaryStamp:
    """The primary's snapshot stamp, remembered for DATABASE_REPLICA_LAG_CHECK_SECONDS per process."""

    def __init__(self) -> None:
        self._value: str | None = None
        self._expires = 0.0

    def get(self) -> str:
        now = time.monotonic()
        if self._value is None or now >= self._expires:
            self._value = snapshot_stamp(DEFAULT_DB_ALIAS)
            self._expires = now + getattr(settings, "DATABASE_REPLICA_LAG_CHECK_SECONDS", 1)
        return self._value

    def forget(self) -> None:
        self._value = None


primary_stamp = _PrimaryStamp()


def snapshot_stamp(alias: str) -> str:
    """A digest of the complete snapshots a database holds: their ids and ``data_read_at``."""
    from reports.choices import SnapshotStatus
    from reports.models import Snapshot
    from utilities.bulk import table_name

    with connections[alias].cursor() as cursor:
        cursor.execute(STAMP_SQL.format(table=table_name(Snapshot)), [SnapshotStatus.COMPLETE])
        return cursor.fetchone()[0]


def replica_ready() -> bool:
    """The replica answers and has replayed every snapshot the primary has (see the module's docstring)."""
    if not breaker.closed():
        return False
    try:
        on_replica = snapshot_stamp(REPLICA)
    except (OperationalError, InterfaceError) as exc:
        breaker.trip(exc)
        return False
    breaker.answered()
    return on_replica == primary_stamp.get()


def public_read(request, view) -> bool:
    """A safe request of an anonymous visitor to a public view: one the replica may serve."""
    if request.method not in SAFE_METHODS or "HTTP_AUTHORIZATION" in request.META:
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in PRIMARY_VIEW_NAMES:
        return False
    module = getattr(view, "__module__", "") or ""
    if module.startswith(PUBLIC_VIEW_PACKAGES):
        return True
    # The API: DRF views (``as_view`` keeps the class), of the apps' ``api`` packages.
    return hasattr(view, "cls") and ".api." in module


class ReplicaReadsMiddleware:
    """Decide per request whether its reads may come from the replica (after the authentication middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _reads_from_replica.set(False)
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)

    def process_view(self, request, view, args, kwargs):
        if replica_configured() and public_read(request, view):
            _reads_from_replica.set(UNDECIDED)  # the lag check runs at the first read, if any

    def process_exception(self, request, exception):
        """The replica failed during the view: break the circuit and run the view again on the primary."""
        if not (_reads_from_replica.get() is True and isinstance(exception, (OperationalError, InterfaceError))):
            return None
        breaker.trip(exception)
        _reads_from_replica.set(False)
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        return response
