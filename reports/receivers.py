"""Turn data changes into ONE indicator refresh per committed transaction.

Import services send ``enterprises_changed`` / ``patent_links_changed`` inside their transaction; admin
edits fire ``post_save`` / ``post_delete``. Every receiver adds enterprise ids to a batch kept on the
database connection, and only the first one of a transaction registers a ``transaction.on_commit``
callback, so an import of 4,000 rows queues one task, not 4,000. A rolled-back transaction discards
its callback (Django drops it), and the next write starts a new batch.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

logger = logging.getLogger(__name__)

_BATCH_ATTR = "_reports_refresh_batch"


class _RefreshBatch:
    """The enterprise ids changed by one transaction, flushed by its on_commit callback."""

    def __init__(self) -> None:
        self.enterprise_ids: set[int] = set()

    def __call__(self) -> None:
        from . import services
        from .tasks import snapshot_refresh_enterprises_task

        ids = sorted(self.enterprise_ids)
        self.enterprise_ids = set()
        if not ids:
            return
        services.data_changed_mark(at=timezone.now())
        snapshot_refresh_enterprises_task.delay(enterprise_ids=ids)


def enterprises_touched(enterprise_ids) -> None:
    """Collect ``enterprise_ids`` into the current transaction's batch (registering it once)."""
    ids = {int(i) for i in enterprise_ids if i is not None}
    if not ids:
        return
    connection = transaction.get_connection()
    batch = getattr(connection, _BATCH_ATTR, None)
    # Django keeps pending callbacks in ``run_on_commit`` and clears them on rollback: a batch whose
    # callback is no longer there belonged to a transaction that is gone.
    pending = [entry[1] for entry in connection.run_on_commit] if connection.in_atomic_block else []
    if batch is None or not any(func is batch for func in pending):
        batch = _RefreshBatch()
        setattr(connection, _BATCH_ATTR, batch)
        batch.enterprise_ids |= ids
        # robust: a broker hiccup must not turn an already committed save into an error page.
        transaction.on_commit(batch, robust=True)
    else:
        batch.enterprise_ids |= ids


def on_enterprises_changed(sender, enterprise_ids=(), **kwargs) -> None:
    enterprises_touched(enterprise_ids)


def on_enterprise_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        enterprises_touched([instance.pk])


def on_designation_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        enterprises_touched([instance.enterprise_id])


def on_applicant_pre_save(sender, instance, raw=False, **kwargs) -> None:
    # A relink (admin changes the enterprise of an applicant) changes the previous enterprise too.
    if raw or instance.pk is None:
        return
    previous = sender.objects.filter(pk=instance.pk).values_list("enterprise_id", flat=True).first()
    if previous is not None and previous != instance.enterprise_id:
        enterprises_touched([previous])


def on_applicant_saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        enterprises_touched([instance.enterprise_id])


def connect() -> None:
    """Called from ``ReportsConfig.ready``."""
    from enterprises.models import Designation, Enterprise
    from enterprises.signals import enterprises_changed
    from patents.models import PatentApplicant
    from patents.signals import patent_links_changed

    enterprises_changed.connect(on_enterprises_changed, dispatch_uid="reports.enterprises_changed")
    patent_links_changed.connect(on_enterprises_changed, dispatch_uid="reports.patent_links_changed")
    for model, receiver in (
        (Enterprise, on_enterprise_saved),
        (Designation, on_designation_saved),
        (PatentApplicant, on_applicant_saved),
    ):
        post_save.connect(receiver, sender=model, dispatch_uid=f"reports.{model.__name__}.post_save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"reports.{model.__name__}.post_delete")
    pre_save.connect(on_applicant_pre_save, sender=PatentApplicant, dispatch_uid="reports.PatentApplicant.pre_save")
