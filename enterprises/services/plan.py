"""The plan of an import: what it creates, updates or leaves unchanged, row by row, and how it is written.

A plan is computed against the database with a handful of set-based queries (never one per row); a dry
run stops there and reports it. ``Plan.apply`` writes it inside the caller's transaction: set-based
INSERT/UPDATE (``utilities.bulk``) plus one simple-history row per created or changed object
(``utilities.history``), then ``enterprises_changed`` with the ids that were touched.
"""

import datetime
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from imports.models import ImportRecord
from imports.records import ImportOutcome
from utilities.bulk import chunks, insert_with_new_pks, large_against, update_rows, vacuumed
from utilities.history import HistoryStamp, history_stamp, history_write

from ..choices import DesignationStatus, Program
from ..models import Designation, Enterprise
from ..names import normalize_name
from ..signals import enterprises_changed


class RowAction(enum.StrEnum):
    """What an import does with a row's enterprise and designation."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RowChange:
    """What an import does (or would do) with one row: shown in the admin preview."""

    row: int
    action: str  # a RowAction: "create" | "update" | "unchanged"
    credit_code: str
    name: str
    changes: tuple[str, ...] = ()


@dataclass
class DetailedImportOutcome(ImportOutcome):
    """The counts and record of ``ImportOutcome`` plus the per-row plan, for previews.

    ``changes`` is in file order. An enterprise file lists at most ``ChangeList.limit`` rows that change
    something and as many that change nothing (``changes_not_listed`` counts the others); the counts are
    always complete, and ``unchanged_rows`` counts every row that changes nothing.
    """

    changes: list[RowChange] = field(default_factory=list)
    unchanged_rows: int = 0
    changes_not_listed: int = 0


class ChangeList:
    """The rows' outcomes of an import planned chunk by chunk, kept for the preview up to a bound.

    A row's outcome holds its per-field changes (a few hundred bytes); keeping all of them made memory
    grow with the file. The admin preview shows the first 500 changed rows and the number of unchanged
    ones, so the first ``limit`` of each kind are kept and the rest counted; ``on_change`` (a command's
    dry run printing every row) still sees every row.
    """

    def __init__(self, *, limit: int, on_change: Callable[[RowChange], None] | None = None) -> None:
        self.limit = limit
        self.on_change = on_change
        self.listed: list[RowChange] = []
        self.unchanged = 0
        self.not_listed = 0
        self._changed_listed = 0

    def extend(self, changes: Iterable[RowChange]) -> None:
        for change in changes:
            if self.on_change is not None:
                self.on_change(change)
            unchanged = change.action == RowAction.UNCHANGED
            self.unchanged += unchanged
            listed_of_kind = len(self.listed) - self._changed_listed if unchanged else self._changed_listed
            if listed_of_kind >= self.limit:
                self.not_listed += 1
                continue
            self.listed.append(change)
            self._changed_listed += not unchanged


def _counts() -> dict[str, int]:
    return {
        "enterprises_created": 0,
        "enterprises_updated": 0,
        "enterprises_unchanged": 0,
        "enterprises_completed": 0,
        "designations_created": 0,
        "designations_updated": 0,
        "designations_unchanged": 0,
    }


def _save_enterprises(
    *,
    created: list[Enterprise],
    updated: list[Enterprise],
    fields: set[str],
    stamp: HistoryStamp,
) -> None:
    """Bulk writes plus their history rows naming the user; ``name_normalized`` is what ``save()`` sets."""
    now = timezone.now()
    for enterprise in (*created, *updated):
        enterprise.name_normalized = normalize_name(enterprise.name)
        enterprise.updated_at = now
    for enterprise in created:
        enterprise.created_at = now
    if created:
        # The new primary keys are set on the objects: designations and history rows need them.
        insert_with_new_pks(Enterprise, created)
        history_write(Enterprise, created, history_type="+", stamp=stamp)
    if updated:
        update_rows(Enterprise, updated, sorted(fields | {"name_normalized", "updated_at"}))
        history_write(Enterprise, updated, history_type="~", stamp=stamp)


def _save_designations(
    *,
    created: list[Designation],
    updated: list[Designation],
    fields: set[str],
    stamp: HistoryStamp,
) -> None:
    now = timezone.now()
    for designation in updated:
        designation.updated_at = now
    for designation in created:
        designation.created_at = designation.updated_at = now
        # The enterprise may have been created in this import: take its fresh primary key.
        designation.enterprise_id = designation.enterprise.pk
    if created:
        insert_with_new_pks(Designation, created)
        history_write(Designation, created, history_type="+", stamp=stamp)
    if updated:
        update_rows(Designation, updated, sorted(fields | {"updated_at"}))
        history_write(Designation, updated, history_type="~", stamp=stamp)


def enterprises_notify(enterprise_ids: set[int]) -> None:
    """Send ``enterprises_changed`` for the enterprises an import touched (nothing when none)."""
    if enterprise_ids:
        enterprises_changed.send(sender=Enterprise, enterprise_ids=frozenset(enterprise_ids))


def designations_of(
    enterprise_ids: Iterable[int], *, program: str = Program.LITTLE_GIANT
) -> dict[tuple[int, int], Designation]:
    """The enterprises' designations in ``program``, by (enterprise id, batch)."""
    found = {}
    for chunk in chunks(enterprise_ids):
        designations = Designation.objects.filter(program=program, enterprise_id__in=chunk)
        # Timestamps are set on write, never compared: not parsing 15,000 datetimes saves a second.
        for designation in designations.defer("created_at", "updated_at"):
            found[(designation.enterprise_id, designation.batch)] = designation
    return found


def plan_designation(
    *,
    plan: "Plan",
    enterprise: Enterprise,
    existing: Designation | None,
    batch: int,
    status: str,
    designated_on: datetime.date | None,
    program: str = Program.LITTLE_GIANT,
) -> tuple[str, ...]:
    """Create the designation or update the fields the file gives; returns the changed field labels."""
    if existing is None:
        plan.new_designations.append(
            Designation(
                enterprise=enterprise,
                program=program,
                batch=batch,
                status=status or DesignationStatus.CONFIRMED,
                designated_on=designated_on,
            )
        )
        plan.counts["designations_created"] += 1
        return (f"新增第{batch}批认定",)
    changes = []
    if status and existing.status != status:
        changes.append(f"认定状态 {existing.get_status_display()} → {DesignationStatus(status).label}")
        existing.status = status
        plan.designation_fields.add("status")
    if designated_on and existing.designated_on != designated_on:
        changes.append(f"认定日期 {existing.designated_on or '—'} → {designated_on}")
        existing.designated_on = designated_on
        plan.designation_fields.add("designated_on")
    if changes:
        plan.changed_designations.append(existing)
        plan.counts["designations_updated"] += 1
    else:
        plan.counts["designations_unchanged"] += 1
    return tuple(changes)


@dataclass
class Plan:
    counts: dict[str, int] = field(default_factory=_counts)
    changes: list[RowChange] = field(default_factory=list)
    new_enterprises: list[Enterprise] = field(default_factory=list)
    changed_enterprises: list[Enterprise] = field(default_factory=list)
    enterprise_fields: set[str] = field(default_factory=set)
    new_designations: list[Designation] = field(default_factory=list)
    changed_designations: list[Designation] = field(default_factory=list)
    designation_fields: set[str] = field(default_factory=set)

    def apply(self, *, user, record: ImportRecord, notify: bool = True) -> set[int]:
        """Write the plan; returns the ids of the enterprises touched, announced unless ``notify`` is False.

        An import written plan by plan announces them once, at its end: a receiver (the applicants'
        linking) reads every enterprise's names per announcement.
        """
        # The history rows name the import record (and the API, for an API write), so "where did this value
        # come from?" is answered from an enterprise's history page.
        stamp = history_stamp(user=user, import_record=record)
        _save_enterprises(
            created=self.new_enterprises,
            updated=self.changed_enterprises,
            fields=self.enterprise_fields,
            stamp=stamp,
        )
        _save_designations(
            created=self.new_designations,
            updated=self.changed_designations,
            fields=self.designation_fields,
            stamp=stamp,
        )
        touched = {enterprise.pk for enterprise in (*self.new_enterprises, *self.changed_enterprises)}
        touched |= {designation.enterprise_id for designation in (*self.new_designations, *self.changed_designations)}
        if notify:
            enterprises_notify(touched)
        return touched

    def record(
        self,
        row: int,
        credit_code: str | None,
        name: str,
        enterprise_changes: Iterable[str],
        designation_changes: Iterable[str],
        *,
        created: bool = False,
    ) -> None:
        """Keep the row's outcome for the preview; ``created``: the row creates its enterprise."""
        changes = (*enterprise_changes, *designation_changes)
        if created:
            action = RowAction.CREATE
        elif changes:
            action = RowAction.UPDATE
        else:
            action = RowAction.UNCHANGED
        self.changes.append(RowChange(row, action.value, credit_code or "", name, tuple(changes)))


def detailed_outcome(recorded: ImportOutcome, plan: Plan) -> DetailedImportOutcome:
    return DetailedImportOutcome(
        counts=recorded.counts,
        record=recorded.record,
        warnings=recorded.warnings,
        changes=plan.changes,
        unchanged_rows=sum(change.action == RowAction.UNCHANGED for change in plan.changes),
    )


def statistics_renewed(counts: dict[str, int]) -> None:
    """After an import that wrote a large part of the enterprise or designation table (a first import, a
    new programme's list), given its ``counts``: statistics and visibility map at once, as after a bulk
    patent import.

    Without statistics the planner takes the 130,000 enterprises of a 10x dataset for a hundred, and the
    lists filtered by province read every enterprise of the province; autovacuum may be late, or off.
    """
    if connection.in_atomic_block:
        return  # VACUUM cannot run inside the caller's transaction: not worth asking how large the write was
    written = {
        Enterprise: counts["enterprises_created"] + counts["enterprises_updated"],
        Designation: counts["designations_created"] + counts["designations_updated"],
    }
    with connection.cursor() as cursor:
        large = [model for model, rows in written.items() if large_against(cursor, model, rows)]
    if large:
        vacuumed(*large)
