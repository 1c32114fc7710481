"""Celery tasks: thin wrappers that take dates and ids and call ``reports/services.py`` / ``outbox.py``.

All tasks are idempotent and acknowledged late (a killed worker's task runs again): a full recompute
replaces the snapshot of its date, a refresh recomputes the rows of its enterprises, a drain does what
is pending in the database. Routing: ``snapshot_recompute`` to the ``recompute`` queue, the others to
``refresh`` (settings.CELERY_TASK_ROUTES).
"""

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from . import outbox, services


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


# No result is stored: sending these must not need the result backend (its Redis connection retries
# for 20 s when Redis is down, which is what made every save block).
@shared_task(acks_late=True, ignore_result=True, name="reports.outbox_drain")
def outbox_drain_task() -> dict:
    """Recover dead runs, dispatch pending recomputes, refresh pending enterprises (beat: every minute)."""
    return outbox.outbox_drain()


@shared_task(acks_late=True, ignore_result=True, name="reports.snapshot_refresh_enterprises")
def snapshot_refresh_enterprises_task(enterprise_ids: list[int]) -> dict:
    """Refresh ``enterprise_ids`` now. Kept for messages queued before the outbox; new changes go through
    ``PendingRefresh`` and the drain. A locked date leaves the requests pending for the next drain."""
    outbox.refresh_request(enterprise_ids)
    return outbox.outbox_drain()
