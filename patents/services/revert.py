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

from collections import defaultdict

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from imports.models import ImportRecord
from utilities.bulk import chunks, table_name, update_rows
from utilities.history import Channel, RevertRefused, RevertStep, history_rows_write
from utilities.scoping import CHANGE, restrict

from ..models import ApplicantBeforeImport, Patent, PatentApplicant, PatentBeforeImport
from ..signals import patent_links_changed
from .import_history import KEPT_FIELDS

# updated_at is stamped by every write (and by relinking); it is restored, but never a conflict by itself.
_COMPARED_FIELDS = [name for name in KEPT_FIELDS if name != "updated_at"]


def _when(row) -> str:
    return timezone.localtime(row.history_date).strftime("%Y-%m-%d %H:%M")


def _who(row) -> str:
    return str(row.history_user or _("命令行"))


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


def patent_import_revert_plan(*, record: ImportRecord, record_id: int, user=None) -> list[RevertStep]:
    """What reverting the patent import ``record`` (whose rows name ``record_id``) does; RevertRefused if it can't."""
    history = Patent.history.model
    # The rows of created patents are read as tuples, not objects: a first import may have created a
    # million. Only the changed patents' rows (and later rows, rare) are read whole, for their fields.
    imported: dict[int, int] = {}  # patent id -> the import's history_id
    created_labels: dict[int, str] = {}
    for history_id, pk, kind, number, title in (
        history.objects.filter(history_import_record_id=record_id)
        .values_list("history_id", "id", "history_type", "publication_number", "title")
        .iterator(chunk_size=10_000)
    ):
        imported[pk] = history_id
        if kind == "+":
            created_labels[pk] = f"{number} {title}".strip()
    if not imported:
        if (record.counts or {}).get("created") or (record.counts or {}).get("updated"):
            raise RevertRefused([_("这次专利导入早于逐行记录历史，不能整体撤销。")])
        raise RevertRefused([_("这次导入没有写入任何数据，无需撤销。")])
    if user is not None and not user.has_perms(("patents.change_patent", "patents.delete_patent")):
        raise RevertRefused([_("您没有修改和删除专利的权限，不能撤销专利导入。")])
    changed_rows = {row.id: row for row in history.objects.filter(history_import_record_id=record_id, history_type="~")}
    # Set-based, one query each whatever the import's size (per chunk of ids, the planner scanned every
    # later history row for each chunk: 6 minutes for an import of 2.3 million patents).
    # Every later history row of the import's patents: the changes a revert must not throw away.
    this_import = history.objects.filter(history_import_record_id=record_id)
    later: dict[int, list] = defaultdict(list)
    earlier_row = this_import.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
    for row in (
        history.objects.filter(history_id__gt=min(imported.values()))
        .filter(Exists(earlier_row))
        .select_related("history_user")
        .order_by("history_id")
    ):
        later[row.id].append(row)
    # The import's patents deleted since.
    gone = set(this_import.exclude(Exists(Patent.objects.filter(pk=OuterRef("id")))).values_list("id", flat=True))
    current: dict[int, Patent] = {}
    before: dict[int, PatentBeforeImport] = {}
    # Later imports that replaced one of these patents' applicant lists: (record id, patent id).
    replaced_later: set[tuple[int, int]] = set()
    for chunk in chunks(list(changed_rows)):
        current.update((patent.pk, patent) for patent in Patent.objects.filter(pk__in=chunk))
        before.update(
            (kept.patent_id, kept)
            for kept in PatentBeforeImport.objects.filter(import_record_id=record_id, patent_id__in=chunk)
        )
        replaced_later.update(
            PatentBeforeImport.objects.filter(
                patent_id__in=chunk, applicants_replaced=True, import_record_id__gt=record_id
            ).values_list("import_record_id", "patent_id")
        )
    noun = Patent._meta.verbose_name
    reasons: list[str] = []
    steps: list[RevertStep] = []
    replaced = [pk for pk, kept in before.items() if kept.applicants_replaced]
    applicant_lines = _applicant_lines(replaced, record_id) if replaced else {}
    for pk in imported:
        row = changed_rows.get(pk)
        patent = current.get(pk)
        label = str(patent) if patent is not None else created_labels.get(pk) or str(row.instance)
        if pk in gone:
            reasons.append(_("%(noun)s“%(name)s”在导入后已被删除。") % {"noun": noun, "name": label})
            continue
        if row is None:  # created by the import
            if later[pk]:
                other = later[pk][0]
                reasons.append(
                    _("%(noun)s“%(name)s”是这次导入新建的，但 %(who)s 于 %(when)s 又修改过它（%(how)s），不能删除。")
                    % {
                        "noun": noun,
                        "name": label,
                        "who": _who(other),
                        "when": _when(other),
                        "how": Channel(other.history_channel).label,
                    }
                )
            else:
                steps.append(RevertStep(Patent, pk, label, "delete"))
            continue
        kept = before.get(pk)
        if kept is None:  # cannot happen: the import keeps every patent it changes
            reasons.append(_("%(noun)s“%(name)s”导入前的状态没有保存，不能恢复。") % {"noun": noun, "name": label})
            continue
        fields = [name for name in _COMPARED_FIELDS if getattr(kept, name) != getattr(row, name)]
        touched: dict[str, object] = {}
        for step_before, step_after in zip([row, *later[pk]], later[pk], strict=False):
            for name in _COMPARED_FIELDS:
                if getattr(step_before, name) != getattr(step_after, name):
                    touched.setdefault(name, step_after)
        refused = False
        for name in fields:
            if name in touched:
                other = touched[name]
                refused = True
                reasons.append(
                    _("%(noun)s“%(name)s”的“%(field)s”在这次导入之后又被 %(who)s 于 %(when)s 修改，不能撤销。")
                    % {
                        "noun": noun,
                        "name": label,
                        "field": Patent._meta.get_field(name).verbose_name,
                        "who": _who(other),
                        "when": _when(other),
                    }
                )
        if kept.applicants_replaced:
            for other in later[pk]:
                if other.history_import_record_id and (other.history_import_record_id, pk) not in replaced_later:
                    continue  # a later import that left the applicant list alone
                refused = True
                reasons.append(
                    _(
                        "%(noun)s“%(name)s”的申请人是这次导入改的，但 %(who)s 于 %(when)s 又修改过这件专利，不能恢复导入前的申请人。"
                    )
                    % {"noun": noun, "name": label, "who": _who(other), "when": _when(other)}
                )
                break
        if refused:
            continue
        model_fields = [Patent._meta.get_field(name) for name in fields]
        restored = [(f, getattr(patent, f.attname), getattr(kept, f.attname)) for f in model_fields]
        lines = []
        if kept.applicants_replaced:
            lines.append((str(_("申请人")), *applicant_lines[pk]))
        steps.append(RevertStep(Patent, pk, label, "restore", restored, lines))
    if user is not None and not reasons:
        visible = restrict(Patent.objects.filter(pk__in=this_import.values("id")), user, CHANGE).count()
        if visible != len(imported):
            reasons.append(_("这次导入涉及您负责的省份以外的专利，不能由您撤销。"))
    if reasons:
        raise RevertRefused(reasons)
    return steps


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
    patents, applicants = table_name(Patent), table_name(PatentApplicant)
    history = {"user": user, "reason": reason, "import_record_id": revert.pk, "channel": Channel.IMPORT}
    enterprise_ids: set[int] = set()
    for chunk in chunks(deleted + restored):
        linked = PatentApplicant.objects.filter(patent_id__in=chunk, enterprise__isnull=False)
        enterprise_ids.update(linked.values_list("enterprise_id", flat=True))
    now = timezone.now()
    with connection.cursor() as cursor:
        for chunk in chunks(deleted):
            history_rows_write(Patent, list(Patent.objects.filter(pk__in=chunk)), history_type="-", **history)
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {applicants} WHERE patent_id IN ({marks})", chunk)
            cursor.execute(f"DELETE FROM {patents} WHERE id IN ({marks})", chunk)
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
            history_rows_write(Patent, objs, history_type="~", **history)
            replaced = [pk for pk in chunk if kept[pk].applicants_replaced]
            if not replaced:
                continue
            marks = ", ".join(["%s"] * len(replaced))
            cursor.execute(f"DELETE FROM {applicants} WHERE patent_id IN ({marks})", replaced)
            # The links as they were, except to an enterprise deleted since (its applicants are unmatched).
            cursor.execute(
                f"""INSERT INTO {applicants} (patent_id, position, name, name_normalized, credit_code, enterprise_id)
                    SELECT b.patent_id, b.position, b.name, b.name_normalized, b.credit_code, e.id
                    FROM {table_name(ApplicantBeforeImport)} b
                    LEFT JOIN {table_name(Enterprise)} e ON e.id = b.enterprise_id
                    WHERE b.import_record_id = %s AND b.patent_id IN ({marks})""",
                [record_id, *replaced],
            )
            linked = PatentApplicant.objects.filter(patent_id__in=replaced, enterprise__isnull=False)
            enterprise_ids.update(linked.values_list("enterprise_id", flat=True))
    if enterprise_ids:
        patent_links_changed.send(sender=Patent, enterprise_ids=frozenset(enterprise_ids))
    return {"patents_restored": len(restored), "patents_deleted": len(deleted)}
