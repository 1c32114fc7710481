"""The snapshot lifecycle (writes): compute, refresh, queue, prune. Reads live in ``reports/selectors.py``.

The definitions of the metrics are in ``metrics.py``, the SQL that computes them in ``rollups.py`` and the
one-run-per-date lock in ``locks.py``.

Visibility: the snapshot row is created ``running`` and committed, the rows are written and the snapshot
is switched to ``complete`` (replacing the previous complete one for the same ``as_of``) in one
transaction, so readers see the old numbers or the new ones, never a half.
"""

import datetime
import logging
import traceback
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from patents.models import Patent
from utilities.bulk import chunks, table_name, vacuumed

from .choices import SnapshotStatus
from .locks import SnapshotLocked, snapshot_lock
from .metrics import last_complete_year, scope_metrics
from .models import DataState, EnterpriseMeasure, PendingRecompute, PendingRefresh, ScopeIndicator, Snapshot
from .rollups import (
    MEASURE_COLUMNS,
    _measures_insert,
    _member_codes,
    _scope_rows,
    _scope_rows_refresh,
    _statistics_refresh,
)
from .selectors import data_reaches_back, snapshot_year_earlier, year_earlier_date
from .signals import snapshot_completed
from .sme import sme_rows_store

__all__ = [
    "MEASURE_COLUMNS",
    "REFRESH_MAX_IDS",
    "RecomputeOutcome",
    "YearEarlier",
    "SnapshotLocked",
    "data_changed_mark",
    "last_complete_year",
    "scope_metrics",
    "snapshot_compute",
    "snapshot_recompute_enqueue",
    "snapshot_recompute_requested",
    "snapshot_refresh_enterprises",
    "snapshots_prune",
    "snapshots_stale_enqueue",
    "snapshot_year_earlier_ensure",
]

logger = logging.getLogger(__name__)

# Beyond this many enterprise ids an incremental refresh recomputes the whole snapshot instead: the full
# run costs seconds, and the id list stays below every database's bound-parameter limit.
REFRESH_MAX_IDS = getattr(settings, "REPORTS_REFRESH_MAX_IDS", 500)


@dataclass(frozen=True)
class RecomputeOutcome:
    """What a queued full recompute did: ``complete`` or ``skipped`` (with the reason); errors are raised."""

    status: str
    as_of: datetime.date
    snapshot_id: int | None = None
    reason: str = ""

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "as_of": self.as_of.isoformat(),
            "snapshot_id": self.snapshot_id,
            "reason": self.reason,
        }


# --- snapshots -------------------------------------------------------------------------------


def _finish(snapshot: Snapshot, *, status: str, error: str = "") -> None:
    snapshot.status = status
    snapshot.finished_at = timezone.now()
    snapshot.duration = snapshot.finished_at - snapshot.started_at
    snapshot.error = error


def _patent_count(as_of: datetime.date) -> int:
    return Patent.objects.filter(publication_date__lte=as_of).count()


def _pending_tokens(enterprise_ids: list[int] | None = None) -> dict[int, uuid.UUID]:
    """The refresh requests (enterprise id → token) a run is about to answer, read before it reads the data."""
    pending = PendingRefresh.objects.all()
    if enterprise_ids is not None:
        pending = pending.filter(enterprise_id__in=enterprise_ids)
    return dict(pending.values_list("enterprise_id", "token"))


def _pending_complete(tokens: dict[int, uuid.UUID]) -> int:
    """Delete the requests a run answered, in its transaction: only those no change has renewed since.

    A request renewed meanwhile has another token and stays; one being renewed right now is locked by
    the changing transaction and is skipped rather than waited for (it will get a new token). One
    statement per few thousand requests, joined on (enterprise, token) pairs: the first run after a large
    import answers every enterprise's request, and ORs of 500 pairs, built and matched one by one, took
    1.4 s for the 12,950 requests of a report-scale import (0.17 s so).
    """
    if not tokens:
        return 0
    table = table_name(PendingRefresh)
    token_field = PendingRefresh._meta.get_field("token")
    deleted = 0
    with connection.cursor() as cursor:
        for chunk in chunks(sorted(tokens.items()), per_value=2):
            params = [
                value
                for enterprise_id, token in chunk
                for value in (enterprise_id, token_field.get_db_prep_value(token, connection))
            ]
            cursor.execute(
                # Locks the requests it deletes and passes over those a change holds (SKIP LOCKED).
                f"""DELETE FROM {table} WHERE enterprise_id IN (
                        WITH answered (enterprise_id, token) AS (VALUES {", ".join(["(%s, %s)"] * len(chunk))})
                        SELECT p.enterprise_id FROM {table} p
                        JOIN answered a ON a.enterprise_id = p.enterprise_id AND a.token = p.token FOR UPDATE OF p SKIP LOCKED)""",
                params,
            )
            deleted += cursor.rowcount
    return deleted


def snapshot_compute(*, as_of: datetime.date, owner: str | None = None, task_id: str = "") -> Snapshot:
    """Compute every indicator at ``as_of`` and make the new snapshot the visible one for that date.

    Raises ``SnapshotLocked`` when another run holds ``as_of``. On any error the previous complete snapshot
    stays in place, the attempt is recorded as ``failed`` with the error text, and the error is re-raised.
    """
    owner = owner or uuid.uuid4().hex
    with snapshot_lock(as_of, owner):
        # We hold the lock, so a "running" attempt for this date is a run that died without cleaning up.
        Snapshot.objects.filter(as_of=as_of, status=SnapshotStatus.RUNNING).update(
            status=SnapshotStatus.FAILED, error="interrupted (the worker stopped before finishing)"
        )
        started = timezone.now()
        snapshot = Snapshot.objects.create(
            as_of=as_of, status=SnapshotStatus.RUNNING, started_at=started, task_id=task_id[:64]
        )
        try:
            with transaction.atomic():
                # Read before the data: the refreshes this run answers (if it becomes the newest snapshot).
                answered = _pending_tokens()
                enterprise_count = _measures_insert(snapshot=snapshot)
                scope_count = _scope_rows(snapshot)
                sme_rows_store(snapshot)
                # Delete the previous complete snapshot first: the partial unique constraint allows one
                # complete snapshot per as_of, and both changes become visible at this commit.
                Snapshot.objects.filter(as_of=as_of, status=SnapshotStatus.COMPLETE).delete()
                _finish(snapshot, status=SnapshotStatus.COMPLETE)
                snapshot.computed_at = started
                snapshot.enterprise_count = enterprise_count
                snapshot.patent_count = _patent_count(as_of)
                snapshot.scope_count = scope_count
                snapshot.save()
                # Every recompute asked for this date before now is answered by this snapshot.
                PendingRecompute.objects.filter(as_of=as_of).delete()
                newest = Snapshot.objects.filter(status=SnapshotStatus.COMPLETE).order_by("-as_of").first()
                if newest is not None and newest.pk == snapshot.pk:
                    _pending_complete(answered)
                _statistics_refresh()
                snapshot_completed.send(sender=Snapshot, snapshot=snapshot)
        except Exception:
            _finish(snapshot, status=SnapshotStatus.FAILED, error=traceback.format_exc(limit=5)[-4000:])
            snapshot.save(update_fields=["status", "finished_at", "duration", "error"])
            logger.exception("indicator snapshot %s at %s failed", snapshot.pk, as_of)
            raise
    logger.info("indicator snapshot %s at %s complete in %s", snapshot.pk, as_of, snapshot.duration)
    # The previous snapshot's rows are dead now. Left to autovacuum (or never vacuumed where it is off),
    # they slow every later refresh: after four runs at 10x, each of its four roll-up queries took ~37 ms
    # instead of ~14 ms. Their statistics were refreshed in the run (``_statistics_refresh``).
    vacuumed(EnterpriseMeasure, ScopeIndicator, analyze=False)
    return snapshot


def snapshot_recompute_requested(
    *, as_of: datetime.date, requested_at: datetime.datetime | None = None, owner: str | None = None, task_id: str = ""
) -> RecomputeOutcome:
    """A queued full recompute: skipped when a run for ``as_of`` is in progress or finished since the request.

    A run that completed after the request was made already answers it (a second "recompute now" queued
    during a run must not compute everything again); data changed meanwhile reaches that snapshot through
    the incremental refresh its receivers queued.
    """
    if requested_at is not None:
        done = (
            Snapshot.objects.filter(as_of=as_of, status=SnapshotStatus.COMPLETE, finished_at__gte=requested_at)
            .values_list("pk", flat=True)
            .first()
        )
        if done:
            return RecomputeOutcome("skipped", as_of, done, "a snapshot completed after the request")
    try:
        snapshot = snapshot_compute(as_of=as_of, owner=owner, task_id=task_id)
    except SnapshotLocked as exc:
        # The run holding the date may be a refresh, which does not answer a recompute request: let the
        # next outbox drain hand it out again.
        PendingRecompute.objects.filter(as_of=as_of).update(dispatched_at=None)
        return RecomputeOutcome("skipped", as_of, None, str(exc))
    return RecomputeOutcome("complete", as_of, snapshot.pk)


def snapshot_refresh_enterprises(*, enterprise_ids, owner: str | None = None) -> Snapshot | None:
    """Recompute the measure rows of ``enterprise_ids`` in the newest complete snapshot, then its scopes.

    With no complete snapshot yet this does nothing: the first snapshot is made explicitly
    (``recompute_indicators``, ``setup_demo`` or the nightly run), not by an import. Raises
    ``SnapshotLocked`` when a run for that snapshot's date is in progress (the task retries later).
    """
    ids = sorted({int(i) for i in enterprise_ids})
    current = Snapshot.objects.filter(status=SnapshotStatus.COMPLETE).order_by("-as_of").first()
    if current is None or not ids:
        return None
    if len(ids) > REFRESH_MAX_IDS:
        return snapshot_compute(as_of=current.as_of, owner=owner)
    owner = owner or uuid.uuid4().hex
    with snapshot_lock(current.as_of, owner):
        started = timezone.now()
        with transaction.atomic():
            # Re-read under the lock: a full run may have replaced the snapshot since.
            snapshot = (
                Snapshot.objects.select_for_update().filter(as_of=current.as_of, status=SnapshotStatus.COMPLETE).first()
            )
            if snapshot is None:
                return None
            answered = _pending_tokens(ids)  # read before the data
            before = _member_codes(snapshot, ids)
            EnterpriseMeasure.objects.filter(snapshot=snapshot, enterprise_id__in=ids).delete()
            _measures_insert(snapshot=snapshot, enterprise_ids=ids)
            after = _member_codes(snapshot, ids)
            # Roll up again the scopes the enterprises left and the ones they are in now; every other
            # scope row is unchanged by construction.
            _scope_rows_refresh(snapshot, {scope: before[scope] | after[scope] for scope in before})
            snapshot.scope_count = ScopeIndicator.objects.filter(snapshot=snapshot).count()
            snapshot.enterprise_count = EnterpriseMeasure.objects.filter(snapshot=snapshot).count()
            # computed_at stays the full run's: these enterprises are up to date, not the whole snapshot
            # (whether others are still pending is what PendingRefresh says).
            snapshot.refreshed_at = started
            # patent_count stays the full run's: counting 1.5M patents would dominate a one-row refresh.
            snapshot.save(update_fields=["scope_count", "enterprise_count", "refreshed_at"])
            _pending_complete(answered)
    logger.info("refreshed %d enterprises in snapshot %s: %s", len(ids), snapshot.pk, ids[:50])
    return snapshot


def snapshot_recompute_enqueue(*, as_of: datetime.date) -> bool:
    """Ask for a full recompute (the admin action and the command): recorded in the outbox, then a worker
    is nudged. Returns whether the broker was reached; if not, the request waits in the database and the
    next drain after the broker is back runs it.
    """
    from . import outbox

    with transaction.atomic():
        outbox.recompute_request(as_of=as_of)
    return outbox.kick()


def snapshots_prune(*, keep: int) -> int:
    """Keep the complete snapshots of the ``keep`` newest dates; delete older complete and all failed ones.

    Running attempts are left alone. Returns the number of snapshots deleted.
    """
    kept = list(
        Snapshot.objects.filter(status=SnapshotStatus.COMPLETE).order_by("-as_of").values_list("pk", flat=True)[:keep]
    )
    doomed = Snapshot.objects.exclude(status=SnapshotStatus.RUNNING).exclude(pk__in=kept)
    pks = list(doomed.values_list("pk", flat=True))
    # Bulk deletes of the big child table first, so the cascade has nothing left to collect.
    EnterpriseMeasure.objects.filter(snapshot_id__in=pks).delete()
    ScopeIndicator.objects.filter(snapshot_id__in=pks).delete()
    Snapshot.objects.filter(pk__in=pks).delete()
    return len(pks)


def data_changed_mark(*, at: datetime.datetime | None = None) -> None:
    """Record that the population or its patent links changed (makes older snapshots stale)."""
    DataState.objects.update_or_create(pk=1, defaults={"changed_at": at or timezone.now()})


def snapshots_stale_enqueue(*, snapshots) -> list[datetime.date]:
    """Queue a full recompute of each stale snapshot's date through the outbox (the workbench's button).

    The dates already waiting (``PendingRecompute``) are not asked again; returns the dates newly asked for.
    The nudge follows the commit; a broker outage leaves them waiting for the next drain.
    """
    from . import outbox

    waiting = set(PendingRecompute.objects.values_list("as_of", flat=True))
    dates = sorted({snapshot.as_of for snapshot in snapshots} - waiting)
    if not dates:
        return []
    with transaction.atomic():
        for as_of in dates:
            outbox.recompute_request(as_of=as_of)
    outbox.kick()
    return dates


# --- the snapshot a year earlier (reports compare with it) ---------------------------------------------


@dataclass(frozen=True)
class YearEarlier:
    """The snapshot a year before a date, or why there is none yet.

    ``status``: ``ready`` (``snapshot`` is set), ``computing`` (asked for, a worker computes it now) or
    ``unavailable`` (the data does not reach back to ``as_of``).
    """

    status: str
    as_of: datetime.date
    snapshot: Snapshot | None = None

    READY = "ready"
    COMPUTING = "computing"
    UNAVAILABLE = "unavailable"


def snapshot_year_earlier_ensure(*, as_of: datetime.date, wait: bool) -> YearEarlier:
    """The snapshot a year before ``as_of``, made sure of: computed here and now (``wait``: the PDF build) or
    asked of a worker through the outbox (the web page), when it is missing and the data reaches back.

    A run already holding that date (``SnapshotLocked``) is left to finish: the answer is then ``computing``.
    """
    target = year_earlier_date(as_of)
    found = snapshot_year_earlier(as_of=as_of)
    if found is not None:
        return YearEarlier(YearEarlier.READY, found.as_of, found)
    if not data_reaches_back(as_of=target):
        return YearEarlier(YearEarlier.UNAVAILABLE, target)
    if wait:
        try:
            return YearEarlier(YearEarlier.READY, target, snapshot_compute(as_of=target))
        except SnapshotLocked:
            return YearEarlier(YearEarlier.COMPUTING, target)
    if not PendingRecompute.objects.filter(as_of=target).exists():
        snapshot_recompute_enqueue(as_of=target)
    # Without a broker (make run, the tests) the drain ran in this process and the snapshot is there now.
    found = snapshot_year_earlier(as_of=as_of)
    if found is not None:
        return YearEarlier(YearEarlier.READY, found.as_of, found)
    return YearEarlier(YearEarlier.COMPUTING, target)
