"""Reverting an enterprise file or MIIT list import: the steps, and writing them (``imports.reverts``).

What every revert shares (its own record, all-or-nothing, the links between the records) is the imports
app's; this is what undoing one of this app's imports means. An import's history rows name its record
(``history_import_record_id``), so what it did is known exactly: the enterprises and designations it
created are deleted, and the fields it changed get their earlier values back. The revert is refused, with every reason listed, when a later change (an edit, another
import) touched an object it created or a field it changed: undoing it would throw that change away.
It writes through ``save()``/``delete()`` like an edit, with its own ImportRecord (kind ``revert``) as
the history rows' record, so it can be read, and audited, like any import.
"""

from django.utils.translation import gettext as _

from imports.models import ImportRecord
from utilities.history import (
    ConflictTest,
    RevertRefused,
    RevertStep,
    created_then_changed,
    deleted_since_import,
    history_stamp,
    history_stamped,
    revert_conflicts,
)
from utilities.scoping import CHANGE, restrict

from ..models import Designation, Enterprise


def _tracked(model) -> list:
    return [f for f in model.history.model.tracked_fields]


def _diff(model, before, after) -> list:
    """Model fields whose values differ between two history rows of one object."""
    changed = []
    for tracked in _tracked(model):
        if getattr(before, tracked.attname) != getattr(after, tracked.attname):
            changed.append(model._meta.get_field(tracked.name))
    return changed


def _timelines(model, ids: set[int]) -> dict[int, list]:
    """Every history row of the touched objects at once, in order: diffs are computed here, not per row."""
    timeline: dict[int, list] = {}
    for row in model.history.filter(id__in=ids).order_by("id", "history_id").select_related("history_user"):
        timeline.setdefault(row.id, []).append(row)
    return timeline


def _restore_step(model, obj, label: str, history: list, index: int, reasons: list[str]) -> RevertStep | None:
    """The fields the import (``history[index]``) changed back to their earlier values, or the reasons why not."""
    previous = history[index - 1] if index > 0 else None
    if previous is None:
        return None
    fields = _diff(model, previous, history[index])
    conflicts = revert_conflicts(model, label, fields, history[index:], judged_by=ConflictTest.LATER_ROWS)
    reasons.extend(conflicts)
    if conflicts or not fields:
        return None
    restored = [(f, getattr(obj, f.attname), getattr(previous, f.attname)) for f in fields]
    return RevertStep(model, obj.pk, label, "restore", restored)


def _steps_for(model, record_id: int, reasons: list[str]) -> list[RevertStep]:
    rows = list(model.history.filter(history_import_record_id=record_id).order_by("history_id"))
    if not rows:
        return []
    ids = {row.id for row in rows}
    timeline = _timelines(model, ids)
    current = {obj.pk: obj for obj in model._default_manager.filter(pk__in=ids)}
    steps = []
    for row in rows:
        history = timeline[row.id]
        index = next(i for i, h in enumerate(history) if h.history_id == row.history_id)
        obj = current.get(row.id)
        label = str(obj) if obj is not None else str(row.instance)
        if obj is None:
            reasons.append(deleted_since_import(model, label))
        elif row.history_type != "+":
            step = _restore_step(model, obj, label, history, index, reasons)
            steps.extend([step] if step else [])
        elif index + 1 < len(history):
            reasons.append(created_then_changed(model, label, history[index + 1]))
        else:
            steps.append(RevertStep(model, row.id, label, "delete"))
    return steps


def enterprise_import_revert_plan(*, record: ImportRecord, record_id: int, user=None) -> list[RevertStep]:
    """What reverting the enterprise file or MIIT list ``record`` (its rows name ``record_id``) does.

    RevertRefused with every reason when it cannot be done; registered as both kinds' ``revert_plan``.
    """
    reasons: list[str] = []
    steps = _steps_for(Designation, record_id, reasons) + _steps_for(Enterprise, record_id, reasons)
    if not steps and not reasons:
        reasons.append(_("这次导入没有写入任何数据，无需撤销。"))
    if user is not None and not reasons:
        pks = {step.pk for step in steps if step.model is Enterprise}
        pks |= set(
            Designation.objects.filter(pk__in=[s.pk for s in steps if s.model is Designation]).values_list(
                "enterprise_id", flat=True
            )
        )
        if restrict(Enterprise.objects.filter(pk__in=pks), user, CHANGE).count() != len(pks):
            reasons.append(_("这次导入涉及您负责的省份以外的企业，不能由您撤销。"))
    if reasons:
        raise RevertRefused(reasons)
    return steps


def enterprise_import_revert_apply(
    *, steps: list[RevertStep], record_id: int, revert: ImportRecord, reason: str, user
) -> dict[str, int]:
    """Enterprise and designation steps, through save()/delete() like an edit, naming the revert's record."""
    counts = {
        "enterprises_restored": 0,
        "enterprises_deleted": 0,
        "designations_restored": 0,
        "designations_deleted": 0,
    }
    with history_stamped(history_stamp(user=user, reason=reason, import_record=revert)):
        for step in sorted(steps, key=lambda s: (s.action == "delete", s.model is Enterprise)):
            obj = step.model._default_manager.get(pk=step.pk)
            prefix = "enterprises" if step.model is Enterprise else "designations"
            if step.action == "delete":
                obj.delete()
                counts[f"{prefix}_deleted"] += 1
            else:
                for model_field, _now, restored in step.fields:
                    setattr(obj, model_field.attname, restored)
                obj.save()
                counts[f"{prefix}_restored"] += 1
    return counts
