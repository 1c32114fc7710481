"""Celery tasks: thin wrappers that take dates and ids and call ``reports/services.py``.

All tasks are idempotent and acknowledged late (a killed worker's task runs again): a full recompute
replaces the snapshot of its date, a refresh recomputes the rows of its enterprises.
"""

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from . import services


@shared_task(bind=True, acks_late=True, name="reports.snapshot_recompute")
def snapshot_recompute_task(self, as_of: str | None = None, requested_at: str | None = None) -> dict:
    """Full recompute at ``as_of`` (default: today). Skipped while another run holds that date."""
    day = parse_date(as_of) if as_of else timezone.localdate()
    outcome = services.snapshot_recompute_requested(
        as_of=day,
        requested_at=parse_datetime(requested_at) if requested_at else None,
        owner=self.request.id,
        task_id=self.request.id or "",
    )
    return outcome.as_dict()


@shared_task(bind=True, acks_late=True, max_retries=20, name="reports.snapshot_refresh_enterprises")
def snapshot_refresh_enterprises_task(self, enterprise_ids: list[int]) -> dict:
    """Incremental refresh of the newest complete snapshot for ``enterprise_ids``; retried while locked."""
    try:
        snapshot = services.snapshot_refresh_enterprises(enterprise_ids=enterprise_ids, owner=self.request.id)
    except services.SnapshotLocked as exc:
        if self.request.is_eager:
            # In-process (no broker) there is nobody to retry later; the snapshot shows as stale instead.
            return {"status": "skipped", "reason": str(exc)}
        raise self.retry(exc=exc, countdown=15) from exc
    if snapshot is None:
        return {"status": "skipped", "reason": "no complete snapshot yet"}
    return {"status": "refreshed", "snapshot_id": snapshot.pk, "enterprises": len(enterprise_ids)}
