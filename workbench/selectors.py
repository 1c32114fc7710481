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
from reports.selectors import data_changed_at, snapshots_stale_for
from utilities.scoping import ALL_PROVINCES, restrict, user_province_codes

LIKELY_APPLICANTS = 10
LAST_IMPORTS = 5
RECENT_CHANGES = 10
CHANGES_SINCE = datetime.timedelta(days=7)
APPLICANTS_CACHE_SECONDS = 3600


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


def likely_applicants_cached(user, codes: frozenset[str] | None) -> list[dict]:
    """``likely_applicants``, kept in the cache until the data changes (``DataState``) or for an hour.

    The ranking reads every unmatched applicant the official sees (1.7 s for 江苏 with 200,000 unmatched
    rows, bench/workbench.py); it changes only when applicants or enterprises change, and every such
    change moves ``DataState.changed_at``, which is part of the key. The key names the provinces, not the
    user: officials of the same provinces see the same applicants (``restrict`` depends on them alone).
    """
    changed = data_changed_at()
    if changed is None:  # no change recorded yet: nothing to key the cache on
        return likely_applicants(user, codes)
    scope = "all" if codes is ALL_PROVINCES else ",".join(sorted(codes))
    key = f"workbench:applicants:{scope}:{changed.isoformat()}"
    rows = cache.get(key)
    if rows is None:
        rows = likely_applicants(user, codes)
        cache.set(key, rows, APPLICANTS_CACHE_SECONDS)
    return rows


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


def freshness(codes: frozenset[str] | None) -> dict:
    """Refreshes pending for the provinces' enterprises, the older snapshots their changes made stale, the last full run."""
    pending = PendingRefresh.objects.all()
    if codes is not ALL_PROVINCES:
        pending = pending.filter(enterprise__province_id__in=codes)
    last_run = Snapshot.objects.filter(status=SnapshotStatus.COMPLETE).order_by("-computed_at").first()
    return {
        "pending_refreshes": pending.count(),
        "stale_snapshots": list(snapshots_stale_for(province_codes=codes)),
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
    return Workbench(
        provinces=provinces,
        all_provinces=codes is ALL_PROVINCES,
        today=today,
        designations=designation_counts(user, today=today),
        missing=missing_data_counts(user),
        applicants=likely_applicants_cached(user, codes),
        imports_waiting=waiting,
        imports_last=last,
        **freshness(codes),
        changes=changes,
        changes_count=changes_count,
    )
