"""Turn data changes into refresh requests, recorded in the changing transaction (the outbox).

Import services send ``enterprises_changed`` / ``patent_links_changed`` inside their transaction; admin
edits fire ``post_save`` / ``post_delete``. Every receiver upserts ``PendingRefresh`` rows for the
enterprise ids right there, in the same transaction as the change: the request commits with the change
or rolls back with it, and no broker or worker outage can lose it. The first receiver of a transaction
also registers ONE ``transaction.on_commit`` callback, which marks the data changed and nudges a worker
to drain the outbox (``outbox.kick``), so an import of 4,000 rows sends one message, not 4,000.

The callback is a plain function: ``on_commit(robust=True)`` logs a failing callback by its
``__qualname__``, which a callable object lacks, so the "robust" hook would raise after all.
"""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from utilities.api.caching import data_written, snapshot_written

from . import outbox

logger = logging.getLogger(__name__)


def _after_commit() -> None:
    """Once per committed transaction that changed the data. Never raises (``kick`` swallows broker errors)."""
    from . import services

    try:
        services.data_changed_mark()
    except Exception:  # the mark only dates older snapshots' staleness; the requests are already stored
        logger.exception("could not record the data change time")
    outbox.kick()


def enterprises_touched(enterprise_ids) -> None:
    """Record refresh requests for ``enterprise_ids`` in the current transaction (and nudge after commit)."""
    ids = {int(i) for i in enterprise_ids if i is not None}
    if not ids:
        return
    connection = transaction.get_connection()
    outbox.refresh_request(ids)
    # Django keeps pending callbacks in ``run_on_commit`` (and drops them on rollback): register ours once
    # per transaction. Outside a transaction on_commit runs it at once.
    pending = [entry[1] for entry in connection.run_on_commit] if connection.in_atomic_block else []
    if not any(func is _after_commit for func in pending):
        transaction.on_commit(_after_commit, robust=True)


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
    _connect_api_cache()


def _connect_api_cache() -> None:
    """Every committed write to enterprises, designations or patents advances the data version the cached
    anonymous API reads are keyed by (utilities/api/caching.py): the services' signals, the admin's saves
    and deletes, and an import's completion (bulk loads write without model signals). The divisions too:
    the enterprise reads show their province's and city's names (``load_regions``, the admin)."""
    from enterprises.models import Designation, Enterprise
    from enterprises.signals import enterprises_changed
    from imports.models import ImportRecord
    from patents.models import Patent, PatentApplicant
    from patents.signals import patent_links_changed
    from regions.models import City, Province

    from .models import DataState, PendingRefresh, Snapshot

    enterprises_changed.connect(data_written, dispatch_uid="api-cache.enterprises_changed")
    patent_links_changed.connect(data_written, dispatch_uid="api-cache.patent_links_changed")
    # What makes a snapshot stale (a refresh request, an older snapshot's data changing) is part of the
    # snapshot list the pages keep under the data version too (portal/caching.py). Refresh requests are
    # written in bulk (outbox.refresh_request advances it itself); PendingRefresh here catches single rows.
    written = (
        Enterprise,
        Designation,
        Patent,
        PatentApplicant,
        ImportRecord,
        Province,
        City,
        PendingRefresh,
        DataState,
    )
    for model in written:
        post_save.connect(data_written, sender=model, dispatch_uid=f"api-cache.{model.__name__}.post_save")
        post_delete.connect(data_written, sender=model, dispatch_uid=f"api-cache.{model.__name__}.post_delete")
    # The snapshot a cached read is keyed by is itself cached under the snapshot version (reports/api).
    post_save.connect(snapshot_written, sender=Snapshot, dispatch_uid="api-cache.Snapshot.post_save")
    post_delete.connect(snapshot_written, sender=Snapshot, dispatch_uid="api-cache.Snapshot.post_delete")
