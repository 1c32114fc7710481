"""Reverting a bulk patent import: the patents it created are deleted, the ones it changed restored.

The import left behind what this needs (``import_history``): a history row per patent it created or
changed, naming its record, and the state before of every patent it changed (with the applicant list,
links included, where it replaced that list). The plan compares them with every later history row of
those patents and refuses, naming the patents, when a later change touched a field the import changed,
a patent it created, or (for a replaced applicant list) the patent at all: the applicant list has no
history of its own, so a later edit of the patent may have changed it. ``imports.reverts`` calls this
for patent records (``patents.import_kinds``); the revert record, the preview and all-or-nothing are shared.

The writes are set-based (``utilities.bulk`` and history rows in bulk), so that an import of many
patents can be reverted in one transaction.
"""

import dataclasses
import functools
from collections import defaultdict

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from imports.models import ImportRecord
from utilities.bulk import chunks, table_name, update_rows
from utilities.history import (
    ConflictTest,
    RevertRefused,
    RevertStep,
    created_then_changed,
    deleted_since_import,
    history_stamp,
    history_when,
    history_who,
    history_write,
    revert_conflicts,
)
from utilities.scoping import CHANGE, restrict

from ..models import ApplicantBeforeImport, Patent, PatentApplicant, PatentBeforeImport
from ..signals import patent_links_changed
from .import_history import KEPT_FIELDS

# updated_at is stamped by every write (and by relinking); it is restored, but never a conflict by itself.
_COMPARED_FIELDS = [name for name in KEPT_FIELDS if name != "updated_at"]


def _applicant_lines(pks: list[int], record_id: int) -> dict[int, tuple[str, str]]:
    """(names now, names restored) of the patents whose applicant list the import replaced."""
    now: dict[int, list[str]] = defaultdict(list)
    then: dict[int, list[str]] = defaultdict(list)
    for chunk in chunks(pks):
        for patent_id, name in (
            PatentApplicant.objects.filter(patent_id__in=chunk).order_by("position").values_list("patent_id", "name")
        ):
            now[patent_id].append(name)
        before = ApplicantBeforeImport.objects.filter(import_record_id=record_id, patent_id__in=chunk)
        for patent_id, name in before.order_by("position").values_list("patent_id", "name"):
            then[patent_id].append(name)
    return {pk: ("；".join(now[pk]) or "—", "；".join(then[pk]) or "—") for pk in pks}


# --- the plan's queries, named: each is one set-based query whatever the import's size ---------------


def _import_rows(record_id: int):
    """The history rows the import wrote: one per patent it created (``+``) or changed (``~``)."""
    return Patent.history.model.objects.filter(history_import_record_id=record_id)


def _later_rows(record_id: int, first_history_id: int):
    """Every later history row of the import's patents: the changes a revert must not throw away.

    One query (per chunk of ids, the planner scanned every later history row for each chunk: 6 minutes
    for an import of 2.3 million patents).
    """
    history = Patent.history.model
    earlier_row = _import_rows(record_id).filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
    return (
        history.objects.filter(history_id__gt=first_history_id)
        .filter(Exists(earlier_row))
        .select_related("history_user")
        .order_by("history_id")
    )


def _deleted_since(record_id: int):
    """The ids of the import's patents deleted since."""
    return (
        _import_rows(record_id).exclude(Exists(Patent.objects.filter(pk=OuterRef("id")))).values_list("id", flat=True)
    )


def _replaced_by_later_imports(record_id: int, chunk: list[int]):
    """(record id, patent id) of later imports that replaced one of these patents' applicant lists."""
    return PatentBeforeImport.objects.filter(
        patent_id__in=chunk, applicants_replaced=True, import_record_id__gt=record_id
    ).values_list("import_record_id", "patent_id")


# --- the plan's steps ------------------------------------------------------------------------------


@dataclasses.dataclass
class _Facts:
    """What the plan reads about one import before deciding, patent by patent."""

    imported: dict[int, int]  # patent id -> the import's history_id
    created_labels: dict[int, str]
    changed_rows: dict[int, object] = dataclasses.field(default_factory=dict)  # patent id -> its ``~`` row
    later: dict[int, list] = dataclasses.field(default_factory=lambda: defaultdict(list))
    gone: set[int] = dataclasses.field(default_factory=set)
    current: dict[int, Patent] = dataclasses.field(default_factory=dict)
    before: dict[int, PatentBeforeImport] = dataclasses.field(default_factory=dict)
    replaced_later: set[tuple[int, int]] = dataclasses.field(default_factory=set)
    applicant_lines: dict[int, tuple[str, str]] = dataclasses.field(default_factory=dict)


def _what_was_imported(record_id: int) -> _Facts:
    """The import's patents, and a label for those it created.

    Its rows are read as tuples, not objects: a first import may have created a million. Only the changed
    patents' rows (and later rows, rare) are read whole, for their fields (``_read_the_rest``).
    """
    facts = _Facts(imported={}, created_labels={})
    for history_id, pk, kind, number, title in (
        _import_rows(record_id)
        .values_list("history_id", "id", "history_type", "publication_number", "title")
        .iterator(chunk_size=10_000)
    ):
        facts.imported[pk] = history_id
        if kind == "+":
            facts.created_labels[pk] = f"{number} {title}".strip()
    return facts


def _refuse_outright(record: ImportRecord, facts: _Facts, user) -> None:
    """RevertRefused before reading further: nothing (or nothing revertable) written, or no permission."""
    if not facts.imported:
        if (record.counts or {}).get("created") or (record.counts or {}).get("updated"):
            raise RevertRefused([_("这次专利导入早于逐行记录历史，不能整体撤销。")])
        raise RevertRefused([_("这次导入没有写入任何数据，无需撤销。")])
    if user is not None and not user.has_perms(("patents.change_patent", "patents.delete_patent")):
        raise RevertRefused([_("您没有修改和删除专利的权限，不能撤销专利导入。")])


def _read_the_rest(record_id: int, facts: _Facts) -> None:
    """The changed patents' rows, state now and state before; every later row; the patents deleted since."""
    facts.changed_rows = {row.id: row for row in _import_rows(record_id).filter(history_type="~")}
    for row in _later_rows(record_id, min(facts.imported.values())):
        facts.later[row.id].append(row)
    facts.gone = set(_deleted_since(record_id))
    for chunk in chunks(list(facts.changed_rows)):
        facts.current.update((patent.pk, patent) for patent in Patent.objects.filter(pk__in=chunk))
        facts.before.update(
            (kept.patent_id, kept)
            for kept in PatentBeforeImport.objects.filter(import_record_id=record_id, patent_id__in=chunk)
        )
        facts.replaced_later.update(_replaced_by_later_imports(record_id, chunk))
    replaced = [pk for pk, kept in facts.before.items() if kept.applicants_replaced]
    facts.applicant_lines = _applicant_lines(replaced, record_id) if replaced else {}


def _created_step(pk: int, label: str, facts: _Facts, reasons: list[str]) -> RevertStep | None:
    """Delete a patent the import created, unless a later change touched it."""
    if facts.later[pk]:
        reasons.append(created_then_changed(Patent, label, facts.later[pk][0]))
        return None
    return RevertStep(Patent, pk, label, "delete")


def _applicants_changed_later(pk: int, label: str, facts: _Facts) -> str | None:
    """Why the applicant list the import replaced cannot be restored, if a later change may have changed it.

    The applicant list has no history of its own: any later change of the patent may have changed it,
    except a later import that left the list alone.
    """
    for other in facts.later[pk]:
        if other.history_import_record_id and (other.history_import_record_id, pk) not in facts.replaced_later:
            continue
        return _(
            "%(noun)s“%(name)s”的申请人是这次导入改的，但 %(who)s 于 %(when)s 又修改过这件专利，不能恢复导入前的申请人。"
        ) % {"noun": Patent._meta.verbose_name, "name": label, "who": history_who(other), "when": history_when(other)}
    return None


@functools.cache
def _compared_fields() -> list:
    """The model fields of ``_COMPARED_FIELDS``, looked up once, not once per patent."""
    return [Patent._meta.get_field(name) for name in _COMPARED_FIELDS]


def _restore_step(pk: int, label: str, facts: _Facts, reasons: list[str]) -> RevertStep | None:
    """Restore the fields (and applicant list) the import changed, unless a later change touched them."""
    row, kept = facts.changed_rows[pk], facts.before.get(pk)
    if kept is None:  # cannot happen: the import keeps every patent it changes
        reasons.append(
            _("%(noun)s“%(name)s”导入前的状态没有保存，不能恢复。") % {"noun": Patent._meta.verbose_name, "name": label}
        )
        return None
    fields = [f for f in _compared_fields() if getattr(kept, f.attname) != getattr(row, f.attname)]
    conflicts = revert_conflicts(Patent, label, fields, [row, *facts.later[pk]], judged_by=ConflictTest.LATER_ROWS)
    applicants = _applicants_changed_later(pk, label, facts) if kept.applicants_replaced else None
    reasons.extend([*conflicts, *([applicants] if applicants else [])])
    if conflicts or applicants:
        return None
    patent = facts.current.get(pk)
    restored = [(f, getattr(patent, f.attname), getattr(kept, f.attname)) for f in fields]
    lines = [(str(_("申请人")), *facts.applicant_lines[pk])] if kept.applicants_replaced else []
    return RevertStep(Patent, pk, label, "restore", restored, lines)


def _patent_step(pk: int, facts: _Facts, reasons: list[str]) -> RevertStep | None:
    """What reverting does to one of the import's patents, or (in ``reasons``) why it can't."""
    row, patent = facts.changed_rows.get(pk), facts.current.get(pk)
    label = str(patent) if patent is not None else facts.created_labels.get(pk) or str(row.instance)
    if pk in facts.gone:
        reasons.append(deleted_since_import(Patent, label))
        return None
    if row is None:  # created by the import
        return _created_step(pk, label, facts, reasons)
    return _restore_step(pk, label, facts, reasons)


def patent_import_revert_plan(*, record: ImportRecord, record_id: int, user=None) -> list[RevertStep]:
    """What reverting the patent import ``record`` (whose rows name ``record_id``) does; RevertRefused if it can't."""
    facts = _what_was_imported(record_id)
    _refuse_outright(record, facts, user)
    _read_the_rest(record_id, facts)
    reasons: list[str] = []
    steps = [step for pk in facts.imported if (step := _patent_step(pk, facts, reasons)) is not None]
    if user is not None and not reasons:
        visible = restrict(Patent.objects.filter(pk__in=_import_rows(record_id).values("id")), user, CHANGE).count()
        if visible != len(facts.imported):
            reasons.append(_("这次导入涉及您负责的省份以外的专利，不能由您撤销。"))
    if reasons:
        raise RevertRefused(reasons)
    return steps


# --- the apply's SQL, named ---------------------------------------------------------------------------

_DELETE_WHERE_IN = "DELETE FROM {table} WHERE {column} IN ({marks})"
# The links as they were, except to an enterprise deleted since (its applicants are unmatched).
_APPLICANTS_AS_BEFORE = """
    INSERT INTO {applicants} (patent_id, position, name, name_normalized, credit_code, enterprise_id)
    SELECT b.patent_id, b.position, b.name, b.name_normalized, b.credit_code, e.id
    FROM {before} b
    LEFT JOIN {enterprises} e ON e.id = b.enterprise_id
    WHERE b.import_record_id = %s AND b.patent_id IN ({marks})"""


def _delete_where_in(cursor, model, column: str, ids: list[int]) -> None:
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(_DELETE_WHERE_IN.format(table=table_name(model), column=column, marks=marks), ids)


def _applicants_restore(cursor, record_id: int, pks: list[int]) -> None:
    """Put back the applicant lists the import replaced, as ``ApplicantBeforeImport`` kept them."""
    _delete_where_in(cursor, PatentApplicant, "patent_id", pks)
    sql = _APPLICANTS_AS_BEFORE.format(
        applicants=table_name(PatentApplicant),
        before=table_name(ApplicantBeforeImport),
        enterprises=table_name(Enterprise),
        marks=", ".join(["%s"] * len(pks)),
    )
    cursor.execute(sql, [record_id, *pks])


def patent_import_revert_apply(
    *, steps: list[RevertStep], record_id: int, revert: ImportRecord, reason: str, user
) -> dict[str, int]:
    """Write a planned revert (inside the caller's transaction); returns its counts.

    History rows first (``-`` for the deleted patents, ``~`` for the restored), naming the revert's own
    record; then the deletes and restores, set-based.
    """
    deleted = [step.pk for step in steps if step.action == "delete"]
    planned = {step.pk: step for step in steps}
    restored = [step.pk for step in steps if step.action == "restore"]
    stamp = history_stamp(user=user, reason=reason, import_record=revert)
    enterprise_ids: set[int] = set()
    for chunk in chunks(deleted + restored):
        linked = PatentApplicant.objects.filter(patent_id__in=chunk, enterprise__isnull=False)
        enterprise_ids.update(linked.values_list("enterprise_id", flat=True))
    now = timezone.now()
    with connection.cursor() as cursor:
        for chunk in chunks(deleted):
            history_write(Patent, list(Patent.objects.filter(pk__in=chunk)), history_type="-", stamp=stamp)
            _delete_where_in(cursor, PatentApplicant, "patent_id", chunk)
            _delete_where_in(cursor, Patent, "id", chunk)
        for chunk in chunks(restored):
            objs = list(Patent.objects.filter(pk__in=chunk))
            kept = {
                b.patent_id: b
                for b in PatentBeforeImport.objects.filter(import_record_id=record_id, patent_id__in=chunk)
            }
            for patent in objs:
                # Only the fields this import changed: a later change of another field stays.
                for model_field, _now, value in planned[patent.pk].fields:
                    setattr(patent, model_field.attname, value)
                patent.updated_at = now
            update_rows(Patent, objs, [*_COMPARED_FIELDS, "updated_at"])
            history_write(Patent, objs, history_type="~", stamp=stamp)
            replaced = [pk for pk in chunk if kept[pk].applicants_replaced]
            if not replaced:
                continue
            _applicants_restore(cursor, record_id, replaced)
            linked = PatentApplicant.objects.filter(patent_id__in=replaced, enterprise__isnull=False)
            enterprise_ids.update(linked.values_list("enterprise_id", flat=True))
    if enterprise_ids:
        patent_links_changed.send(sender=Patent, enterprise_ids=frozenset(enterprise_ids))
    return {"patents_restored": len(restored), "patents_deleted": len(deleted)}
