"""Reading stored indicators. Pages and the API never aggregate patents: they read these rows."""

import datetime

from django.db.models import Count, Exists, Max, Q, QuerySet, Subquery

from enterprises.choices import DesignationStatus, Program
from enterprises.models import Designation, Enterprise

from .choices import SnapshotStatus
from .models import DataState, EnterpriseMeasure, PendingRefresh, ScopeIndicator, Snapshot


def snapshot_visible(*, as_of: datetime.date | None = None) -> Snapshot | None:
    """The complete snapshot readers see: for ``as_of`` if given, else the one with the newest ``as_of``."""
    snapshots = Snapshot.objects.filter(status=SnapshotStatus.COMPLETE)
    if as_of is not None:
        snapshots = snapshots.filter(as_of=as_of)
    return snapshots.order_by("-as_of").first()


# A comparison "with a year earlier" takes a snapshot dated up to this long before that day (the same day a
# year earlier is preferred; a month-end snapshot for a mid-month date is still "a year earlier").
YEAR_EARLIER_SLACK = datetime.timedelta(days=31)


def year_earlier_date(as_of: datetime.date) -> datetime.date:
    """The same day one year before ``as_of`` (29 February → 28 February)."""
    try:
        return as_of.replace(year=as_of.year - 1)
    except ValueError:
        return as_of.replace(year=as_of.year - 1, day=28)


def snapshot_year_earlier(*, as_of: datetime.date) -> Snapshot | None:
    """The complete snapshot nearest to, and not after, one year before ``as_of`` (within a month)."""
    target = year_earlier_date(as_of)
    return (
        Snapshot.objects.filter(
            status=SnapshotStatus.COMPLETE, as_of__lte=target, as_of__gte=target - YEAR_EARLIER_SLACK
        )
        .order_by("-as_of")
        .first()
    )


def data_reaches_back(*, as_of: datetime.date) -> bool:
    """Whether the data can say who the 小巨人 were at ``as_of``: some designation in force has a known date on
    or before it. (Designations without a date count at every date, so they alone prove nothing.)"""
    return (
        Designation.objects.filter(program=Program.LITTLE_GIANT, designated_on__lte=as_of)
        .exclude(status=DesignationStatus.REVOKED)
        .exists()
    )


def snapshot_list(*, status: str | None = None) -> QuerySet[Snapshot]:
    snapshots = Snapshot.objects.all()
    if status:
        snapshots = snapshots.filter(status=status)
    return snapshots


def snapshot_newest_complete_id() -> int | None:
    """The snapshot that refreshes keep up to date: the complete one with the newest ``as_of``."""
    return (
        Snapshot.objects.filter(status=SnapshotStatus.COMPLETE).order_by("-as_of").values_list("pk", flat=True).first()
    )


def snapshot_is_stale(*, snapshot: Snapshot) -> bool:
    """True when some of the data behind the snapshot changed and is not in its numbers yet.

    Exact for the newest snapshot: stale while any refresh is pending (``PendingRefresh``), fresh when
    none is, however its ``computed_at`` compares. Older snapshots are never refreshed: they are stale
    when the data changed after their full run read it.
    """
    if snapshot.status != SnapshotStatus.COMPLETE:
        return False
    newest = snapshot.pk == snapshot_newest_complete_id()
    pending = PendingRefresh.objects.exists() if newest else False
    return _stale(snapshot, newest=newest, refresh_pending=pending, changed_at=None if newest else data_changed_at())


def _stale(snapshot: Snapshot, *, newest: bool, refresh_pending: bool, changed_at) -> bool:
    if newest:
        return refresh_pending
    return changed_at is not None and snapshot.computed_at is not None and changed_at > snapshot.computed_at


def snapshots_with_staleness(snapshots: QuerySet[Snapshot]) -> QuerySet[Snapshot]:
    """``snapshots`` carrying what ``snapshot_is_stale_among`` needs, read in the same query (a page reads
    its snapshots on every request, cached or not: the staleness costs no query of its own)."""
    return snapshots.annotate(
        refresh_pending=Exists(PendingRefresh.objects.all()),
        data_changed_at=Subquery(DataState.objects.filter(pk=1).values("changed_at")[:1]),
    )


def snapshot_is_stale_among(*, snapshot: Snapshot, newest: Snapshot) -> bool:
    """``snapshot_is_stale`` for a complete snapshot read by ``snapshots_with_staleness``, given the
    newest complete one."""
    return _stale(
        snapshot,
        newest=snapshot.pk == newest.pk,
        refresh_pending=snapshot.refresh_pending,
        changed_at=snapshot.data_changed_at,
    )


def pending_refresh_list() -> QuerySet[PendingRefresh]:
    """Enterprises whose changes are not in the newest snapshot yet, oldest request first."""
    return PendingRefresh.objects.order_by("requested_at")


def data_changed_at() -> datetime.datetime | None:
    return DataState.objects.filter(pk=1).values_list("changed_at", flat=True).first()


def scope_indicator_list(*, snapshot: Snapshot, scope: str) -> QuerySet[ScopeIndicator]:
    return ScopeIndicator.objects.filter(snapshot=snapshot, scope=scope).order_by("code")


def scope_indicator_get(*, snapshot: Snapshot, scope: str, code: str) -> ScopeIndicator | None:
    return ScopeIndicator.objects.filter(snapshot=snapshot, scope=scope, code=code).first()


def enterprise_measure_get(*, snapshot: Snapshot | int, enterprise_id: int) -> EnterpriseMeasure | None:
    return (
        EnterpriseMeasure.objects.filter(snapshot=snapshot, enterprise_id=enterprise_id)
        .select_related("snapshot")
        .first()
    )


PERCENTILE_MEASURES = ("applications", "valid_inventions", "citations")


def enterprise_percentiles(*, measure: EnterpriseMeasure) -> dict[str, float | None]:
    """Percentile rank (0-1) of an enterprise within its industry for the measures of the enterprise page.

    The rank is the share of the industry's members whose value is at most the enterprise's (1.0 for
    the leader); null for an enterprise without an industry field. One query for the three measures.
    """
    if not measure.industry_field:
        return dict.fromkeys(PERCENTILE_MEASURES)
    peers = EnterpriseMeasure.objects.filter(snapshot_id=measure.snapshot_id, industry_field=measure.industry_field)
    counts = peers.aggregate(
        total=Count("pk"),
        **{key: Count("pk", filter=Q(**{f"{key}__lte": getattr(measure, key)})) for key in PERCENTILE_MEASURES},
    )
    return {key: counts[key] / counts["total"] for key in PERCENTILE_MEASURES}


def province_data_changed_at(*, province_codes: frozenset[str] | None) -> datetime.datetime | None:
    """When data of these provinces last changed (an enterprise or one of its designations); all data for None.

    For all provinces this is ``DataState.changed_at`` (every change, patent links too). For some, the
    newest ``updated_at`` of their enterprises and designations, in one query: a patent relink alone does
    not move it, which leaves the national mark (the snapshot list's 已过期) as the complete rule.
    """
    if province_codes is None:
        return data_changed_at()
    newest = Enterprise.objects.filter(province_id__in=province_codes).aggregate(
        enterprise=Max("updated_at"), designation=Max("designations__updated_at")
    )
    stamps = [stamp for stamp in newest.values() if stamp is not None]
    return max(stamps) if stamps else None


def snapshots_stale_for(
    *, province_codes: frozenset[str] | None, changed_at: datetime.datetime | None = None
) -> QuerySet[Snapshot]:
    """Older complete snapshots whose full run read the data before these provinces' last change.

    The newest complete snapshot is left out: the outbox refreshes it by itself (``PendingRefresh``).
    ``changed_at``: the provinces' ``province_data_changed_at`` when the caller has it already (cached).
    """
    newest_id = snapshot_newest_complete_id()
    if changed_at is None:
        changed_at = province_data_changed_at(province_codes=province_codes)
    if newest_id is None or changed_at is None:
        return Snapshot.objects.none()
    return (
        Snapshot.objects.filter(status=SnapshotStatus.COMPLETE, computed_at__lt=changed_at)
        .exclude(pk=newest_id)
        .order_by("-as_of")
    )
