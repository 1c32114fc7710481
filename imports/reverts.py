"""Reverting a whole import: an import of its own, previewed, all-or-nothing and recorded.

An import's history rows name its record (``history_import_record_id``), so what it did is known exactly.
Which steps undo it, and how they are written, is the owning app's (``imports.registry``: enterprises
through ``save()``/``delete()`` like an edit, patents set-based, since a patent file may have touched a
million rows); what every revert shares is here: only an applied import, once, never a revert; its own
ImportRecord (kind ``revert``) named by the history rows it writes, in the same transaction as the data;
the two records linked both ways.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from utilities.history import RevertRefused, RevertStep

from .models import ImportRecord
from .registry import import_kind, import_kind_registered

logger = logging.getLogger(__name__)


def data_record_id(record: ImportRecord) -> int:
    """The record the data's history rows name: a confirmed preview points at the run that wrote."""
    return record.applied_record_id or record.pk


def may_revert(user, record: ImportRecord) -> bool:
    """Whether ``user`` may write what reverting ``record`` writes: what its kind of import writes.

    A revert is judged by the import it undid, so that its page can say why it cannot be reverted itself.
    """
    kind = record.kind
    if kind == ImportRecord.Kind.REVERT and record.reverts_id:
        kind = record.reverts.kind
    return import_kind_registered(kind) and import_kind(kind).permission(user)


def import_revert_plan(*, record: ImportRecord, user=None) -> list[RevertStep]:
    """What reverting ``record`` would do; RevertRefused with every reason when it cannot be done."""
    if record.kind == ImportRecord.Kind.REVERT:
        raise RevertRefused([_("这是一次撤销，不能再撤销；需要时请重新导入原文件。")])
    if record.outcome != ImportRecord.Outcome.APPLIED:
        raise RevertRefused([_("只有已导入的文件可以撤销。")])
    if record.reverted_by_id:
        raise RevertRefused([_("这次导入已经撤销过了。")])
    return import_kind(record.kind).revert_plan(record=record, record_id=data_record_id(record), user=user)


def import_revert(*, record: ImportRecord, user, via: str = "admin") -> ImportRecord:
    """Revert ``record`` in one transaction; returns the revert's own ImportRecord."""
    with transaction.atomic():
        steps = import_revert_plan(record=record, user=user)
        revert = ImportRecord.objects.create(
            kind=ImportRecord.Kind.REVERT,
            outcome=ImportRecord.Outcome.APPLIED,
            file_name=f"撤销 {record.file_name}"[:255],
            file_size=record.file_size,
            sha256=record.sha256,
            reverts=record,
            imported_by=user if getattr(user, "pk", None) else None,
            via=via,
            started_at=timezone.now(),
        )
        revert.provinces.set(record.provinces.all())
        try:
            counts = import_kind(record.kind).revert_apply(
                steps=steps,
                record_id=data_record_id(record),
                revert=revert,
                reason=f"撤销导入 #{record.pk}",
                user=user,
            )
        except IntegrityError as error:
            # The database's text (constraint, table, values) is for the server log, under the record's number.
            logger.exception("revert of import record %s refused by the database", record.pk)
            raise RevertRefused(
                [_("数据库拒绝了撤销，未做任何改动；请联系管理员，编号 %(record)s") % {"record": record.pk}]
            ) from error
        revert.counts = counts
        revert.finished_at = timezone.now()
        revert.save(update_fields=["counts", "finished_at"])
        ImportRecord.objects.filter(pk__in={record.pk, data_record_id(record)}).update(reverted_by=revert)
    return revert
