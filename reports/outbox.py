"""The outbox of indicator work: refresh and recompute requests kept in the database until done.

A change to the data writes its refresh request (``PendingRefresh``, one row per enterprise) in the
same transaction as the change, and a full recompute asked for is a ``PendingRecompute`` row. After the
commit the broker is only *nudged* (``kick``): if Redis is down the nudge fails quietly, the change is
saved and answered at once, and the request waits in the database. ``outbox_drain`` (a Celery task,
sent by every nudge and by beat every minute) then:

1. recovers dead runs: a snapshot still ``running`` whose date lock is free belongs to a worker that
   died (the lock dies with its database session), so it is marked failed and its date recomputed;
2. hands pending recomputes to the ``recompute`` queue (again if no run completed one in time);
3. refreshes pending enterprises in batches, deleting each request in the refresh's own transaction
   if its ``token`` is unchanged (a change committed meanwhile renewed the token: it stays pending).

A snapshot is fresh exactly when no refresh is pending for it (``selectors.snapshot_is_stale``).
"""

import datetime
import logging
import time
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from utilities.api.caching import data_written

from .choices import SnapshotStatus
from .locks import DRAIN_LOCKS, SnapshotLocked, snapshot_lock_is_free, try_advisory_lock
from .models import PendingRecompute, PendingRefresh, Snapshot

logger = logging.getLogger(__name__)

# A dispatched recompute that no run completed within this time is dispatched again (the broker lost
# it, or it is waiting behind the visibility timeout of a killed worker).
REDISPATCH_AFTER = datetime.timedelta(minutes=10)
_UPSERT_BATCH = 1000


# --- recording requests (inside the caller's transaction) --------------------------------------------


def refresh_request(enterprise_ids: Iterable[int]) -> None:
    """Record that ``enterprise_ids`` need refreshing, in the current transaction (one upsert).

    A bulk upsert sends no model signal: the data version, under which the pages keep the snapshots'
    staleness, is advanced here (now and at the commit)."""
    now = timezone.now()
    ids = sorted(set(enterprise_ids))
    if ids:
        data_written()
    for start in range(0, len(ids), _UPSERT_BATCH):
        # A batch of model instances at a time: all of a 130,000-row import's at once held ~60 MB.
        PendingRefresh.objects.bulk_create(
            [
                PendingRefresh(enterprise_id=i, requested_at=now, token=uuid.uuid4())
                for i in ids[start : start + _UPSERT_BATCH]
            ],
            update_conflicts=True,
            unique_fields=["enterprise"],
            update_fields=["requested_at", "token"],
        )


def recompute_request(*, as_of: datetime.date) -> None:
    """Record that a full recompute at ``as_of`` is wanted (a second request before it ran is the same one)."""
    PendingRecompute.objects.bulk_create(
        [PendingRecompute(as_of=as_of, requested_at=timezone.now(), dispatched_at=None)],
        update_conflicts=True,
        unique_fields=["as_of"],
        update_fields=["requested_at", "dispatched_at"],
    )


def kick() -> bool:
    """Nudge a worker to drain the outbox. Never raises: a broker outage only delays the work.

    Returns whether the nudge was sent (or, without a broker, the drain ran in this process).
    """
    from .tasks import outbox_drain_task

    if outbox_drain_task.app.conf.task_always_eager:
        # No broker (make run, the tests): drain here and now, as a worker would.
        outbox_drain()
        return True
    global _broker_down_until
    if time.monotonic() < _broker_down_until:
        return False  # failed moments ago: do not make every save of an outage wait for it again
    try:
        _broker_ping()
        outbox_drain_task.apply_async(retry=False)
    except Exception as exc:  # any broker failure: the requests wait in the database for beat
        _broker_down_until = time.monotonic() + BROKER_RETRY_AFTER
        logger.warning("could not reach the broker; pending indicator work waits for the next drain: %s", exc)
        return False
    return True


# After a failed nudge, later nudges in this process are skipped for this many seconds.
BROKER_RETRY_AFTER = 5.0
_broker_down_until = 0.0


def _broker_ping() -> None:
    """Fail in milliseconds when Redis is down: kombu's own connect retries take about 2 s per send."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1, retry=Retry(NoBackoff(), 0))
    try:
        client.ping()
    finally:
        client.close()


# --- draining (in a worker) -------------------------------------------------------------------------


def snapshots_recover() -> list[datetime.date]:
    """Mark ``running`` snapshots whose run is dead as failed and ask for their dates again."""
    dates = []
    for as_of in sorted(set(Snapshot.objects.filter(status=SnapshotStatus.RUNNING).values_list("as_of", flat=True))):
        if not snapshot_lock_is_free(as_of):
            continue  # a live run holds the date
        Snapshot.objects.filter(as_of=as_of, status=SnapshotStatus.RUNNING).update(
            status=SnapshotStatus.FAILED,
            finished_at=timezone.now(),
            error="interrupted: the worker stopped before finishing (recovered by the outbox drain)",
        )
        recompute_request(as_of=as_of)
        logger.warning("indicator run at %s died; marked failed and queued again", as_of)
        dates.append(as_of)
    return dates


def recomputes_dispatch() -> list[datetime.date]:
    """Send the pending full recomputes that are not on their way already to the ``recompute`` queue."""
    from .tasks import snapshot_recompute_task

    now = timezone.now()
    due = PendingRecompute.objects.filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lt=now - REDISPATCH_AFTER))
    dates = list(due.order_by("as_of").values_list("as_of", flat=True))
    for as_of in dates:
        # Mark first: if sending fails the drain fails and the next one tries again after REDISPATCH_AFTER;
        # without a broker this runs the recompute right here.
        PendingRecompute.objects.filter(as_of=as_of).update(dispatched_at=now)
        snapshot_recompute_task.delay(as_of=as_of.isoformat())
    return dates


def refreshes_drain(*, max_batches: int = 100) -> int:
    """Refresh pending enterprises, a batch per transaction; returns how many requests were answered.

    Stops when nothing is pending, or when a pass answered nothing (no complete snapshot yet: the first
    full run answers them; or every row is being changed right now: the next drain takes them).
    """
    from . import services

    answered = 0
    for _ in range(max_batches):
        before = PendingRefresh.objects.count()
        if not before:
            break
        newest = Snapshot.objects.filter(status=SnapshotStatus.COMPLETE).order_by("-as_of").first()
        if newest is None:
            break
        if before > services.REFRESH_MAX_IDS:
            # A large import: a full recompute of the newest snapshot is cheaper than many batches, and
            # it answers every request it read.
            services.snapshot_compute(as_of=newest.as_of)
        else:
            ids = list(PendingRefresh.objects.order_by("requested_at").values_list("enterprise_id", flat=True))
            services.snapshot_refresh_enterprises(enterprise_ids=ids)
        after = PendingRefresh.objects.count()
        if after >= before:
            break
        answered += before - after
    return answered


def outbox_drain(*, rounds: int = 3) -> dict:
    """Everything pending, in order: recover dead runs, dispatch recomputes, refresh enterprises.

    One drain at a time (an advisory lock): a second one finds the lock taken and leaves the work to the
    running one. A request committed just as the running one finished would then wait for beat, so the
    running one looks again after releasing the lock (a few rounds at most).
    """
    outcome: dict = {"status": "skipped", "reason": "another drain is running"}
    for _ in range(rounds):
        with try_advisory_lock(DRAIN_LOCKS, 0) as taken:
            if not taken:
                return outcome
            recovered = snapshots_recover()
            dispatched = recomputes_dispatch()
            outcome = {"status": "drained", "recovered": _iso(recovered), "dispatched": _iso(dispatched)}
            try:
                outcome["refreshed"] = refreshes_drain()
            except SnapshotLocked as exc:
                # A full run holds the date: it answers what it read; beat drains the rest after it.
                return {**outcome, "status": "partial", "reason": str(exc)}
        if not outcome["refreshed"] or not PendingRefresh.objects.exists():
            break
    return outcome


def _iso(dates: list[datetime.date]) -> list[str]:
    return [d.isoformat() for d in dates]
