"""What needs doing in an official's provinces: the reads of the workbench page and the weekly digest.

Every count is one SQL aggregate over rows narrowed by ``utilities.scoping.restrict`` (the same rule as the
admin lists the items link to), so the page's query count does not grow with the data; nothing is counted
row by row in Python.
"""

import datetime
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from enterprises.models import Designation, Enterprise
from enterprises.validity import DUE_SOON, OVERDUE, validity_condition
from imports.models import ImportRecord
from patents.models import PatentApplicant
from patents.selectors import unmatched_applicant_names
from regions.models import City, Province
from reports.choices import SnapshotStatus
from reports.models import PendingRefresh, Snapshot
from reports.selectors import data_changed_at, province_data_changed_at, snapshots_stale_for
from utilities.scoping import ALL_PROVINCES, restrict, user_province_codes

LIKELY_APPLICANTS = 10
LAST_IMPORTS = 5
RECENT_CHANGES = 10
CHANGES_SINCE = datetime.timedelta(days=7)
APPLICANTS_CACHE_SECONDS = 3600
# Cached for "the provinces' data never changed": None cannot be told from a cache miss.
_NEVER = datetime.datetime.min.replace(tzinfo=datetime.UTC)


@dataclass
class Workbench:
    """The counts and short lists of the workbench (and of the digest), for one official on one day."""

    provinces: list[Province]
    all_provinces: bool
    today: datetime.date
    designations: dict[str, int] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    applicants: list[dict] = field(default_factory=list)
    imports_waiting: int = 0
    imports_last: list[ImportRecord] = field(default_factory=list)
    pending_refreshes: int = 0
    stale_snapshots: list[Snapshot] = field(default_factory=list)
    last_full_run: Snapshot | None = None
    changes: list = field(default_factory=list)
    changes_count: int = 0


def designation_counts(user, *, today: datetime.date) -> dict[str, int]:
    """Designations whose validity ends within 90 days, and those past it without a 复核 result."""
    return restrict(Designation.objects.all(), user).aggregate(
        **{which: Count("pk", filter=validity_condition(which, today=today)) for which in (DUE_SOON, OVERDUE)}
    )


def missing_data_counts(user) -> dict[str, int]:
    """Enterprises without what the indicators need (employees, city, industry field) or without any patent.

    The keys are the values of the enterprise list's "缺少的数据" filter (``enterprises.admin``).
    """
    linked = PatentApplicant.objects.filter(enterprise=OuterRef("pk"))
    return restrict(Enterprise.objects.all(), user).aggregate(
        employees=Count("pk", filter=Q(employees__isnull=True)),
        city=Count("pk", filter=Q(city__isnull=True)),
        industry=Count("pk", filter=Q(industry_field="")),
        patents=Count("pk", filter=~Exists(linked)),
    )


def province_name_pattern(codes: frozenset[str] | None) -> str | None:
    """A regular expression of the short names of these provinces and of their cities (江苏|南京|苏州 …)."""
    if codes is ALL_PROVINCES:
        return None
    names = {*Province.objects.filter(code__in=codes).values_list("short_name", flat=True)}
    names |= {*City.objects.filter(province_id__in=codes).values_list("short_name", flat=True)}
    names = sorted((name for name in names if len(name) >= 2), key=lambda name: (-len(name), name))
    return "|".join(re.escape(name) for name in names) or None


def _scope_key(codes: frozenset[str] | None) -> str:
    return "all" if codes is ALL_PROVINCES else ",".join(sorted(codes))


def cached_by_data_version(name: str, codes, changed: datetime.datetime | None, compute, *extra):
    """``compute()``, kept in the cache under the provinces and the data version until the data changes.

    Every write to enterprises, designations or applicant links moves ``DataState.changed_at`` once its
    transaction commits (``reports.receivers``), and the key names it, so a cached value is never older
    than the data it was read from; the key names the provinces, not the user: officials of the same
    provinces see the same rows (``restrict`` depends on them alone). No version recorded yet: no cache.
    """
    if changed is None:
        return compute()
    key = ":".join(("workbench", name, _scope_key(codes), changed.isoformat(), *map(str, extra)))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, APPLICANTS_CACHE_SECONDS)
    return value


def likely_applicants_cached(
    user, codes: frozenset[str] | None, changed: datetime.datetime | None = None
) -> list[dict]:
    """``likely_applicants``, kept in the cache until the data changes (``DataState``) or for an hour.

    The ranking reads every unmatched applicant the official sees (1.7 s for 江苏 with 200,000 unmatched
    rows, bench/workbench.py); it changes only when applicants or enterprises change.
    """
    changed = changed or data_changed_at()
    return cached_by_data_version("applicants", codes, changed, lambda: likely_applicants(user, codes))


def likely_applicants(user, codes: frozenset[str] | None, *, limit: int = LIKELY_APPLICANTS) -> list[dict]:
    """Unmatched firm applicants the official sees that probably belong to their provinces, most patents first.

    "Probably": the applicant's name contains the short name of one of the provinces or of one of their
    cities, or its credit code carries the province's division code (characters 3-4 of the code). For a
    national administrator, the unmatched firms with the most patents anywhere.
    """
    applicants = restrict(PatentApplicant.objects.all(), user)
    pattern = province_name_pattern(codes)
    if codes is not ALL_PROVINCES:
        if not codes:
            return []
        prefixes = "|".join(sorted(code[:2] for code in codes))
        likely = Q(credit_code__regex=f"^..({prefixes})")
        if pattern:
            likely |= Q(name__regex=f"({pattern})")
        applicants = applicants.filter(likely)
    return unmatched_applicant_names(applicants=applicants, institutions=False, limit=limit)


def import_items(user) -> tuple[int, list[ImportRecord]]:
    """Previews waiting for their importer's confirmation, and the last imports with their outcome."""
    records = restrict(ImportRecord.objects.filter(preview_record__isnull=True), user)
    waiting = records.filter(outcome=ImportRecord.Outcome.PREVIEWED).count()
    last = list(records.exclude(kind=ImportRecord.Kind.REVERT).select_related("imported_by")[:LAST_IMPORTS])
    return waiting, last


def freshness(codes: frozenset[str] | None, changed: datetime.datetime | None = None) -> dict:
    """Refreshes pending for the provinces' enterprises, the older snapshots their changes made stale, the last full run.

    When the provinces' data last changed (a MAX over their enterprises and designations) moves only with
    the data version ``changed``: it is cached under it.
    """
    pending = PendingRefresh.objects.all()
    if codes is not ALL_PROVINCES:
        pending = pending.filter(enterprise__province_id__in=codes)
    last_run = Snapshot.objects.filter(status=SnapshotStatus.COMPLETE).order_by("-computed_at").first()
    if codes is ALL_PROVINCES:
        province_changed = changed
    else:
        province_changed = cached_by_data_version(
            "changed", codes, changed, lambda: province_data_changed_at(province_codes=codes) or _NEVER
        )
    stale = (
        []
        if province_changed in (None, _NEVER)
        else snapshots_stale_for(province_codes=codes, changed_at=province_changed)
    )
    return {
        "pending_refreshes": pending.count(),
        "stale_snapshots": list(stale),
        "last_full_run": last_run,
    }


def recent_changes(user, codes: frozenset[str] | None, *, since: datetime.datetime) -> tuple[int, list]:
    """Changes to the provinces' enterprises by other people (and by imports and commands) since ``since``."""
    rows = Enterprise.history.model.objects.filter(history_date__gte=since)
    if codes is not ALL_PROVINCES:
        rows = rows.filter(province_id__in=codes)
    rows = rows.exclude(history_user_id=user.pk)
    latest = list(rows.select_related("history_user").order_by("-history_date")[:RECENT_CHANGES])
    return rows.count(), latest


def workbench_for(user, *, today: datetime.date | None = None, now: datetime.datetime | None = None) -> Workbench:
    """Everything the workbench shows for ``user``: a fixed number of queries whatever the data's size."""
    today = today or timezone.localdate()
    codes = user_province_codes(user)
    provinces = [] if codes is ALL_PROVINCES else list(Province.objects.filter(code__in=codes).order_by("code"))
    waiting, last = import_items(user)
    changes_count, changes = recent_changes(user, codes, since=(now or timezone.now()) - CHANGES_SINCE)
    # The counts of the provinces' rows move only with the data version: cached under it (bench/workbench.py).
    changed = data_changed_at()
    return Workbench(
        provinces=provinces,
        all_provinces=codes is ALL_PROVINCES,
        today=today,
        designations=cached_by_data_version(
            "designations", codes, changed, lambda: designation_counts(user, today=today), today.isoformat()
        ),
        missing=cached_by_data_version("missing", codes, changed, lambda: missing_data_counts(user)),
        applicants=likely_applicants_cached(user, codes, changed),
        imports_waiting=waiting,
        imports_last=last,
        **freshness(codes, changed),
        changes=changes,
        changes_count=changes_count,
    )
