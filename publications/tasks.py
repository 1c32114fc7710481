"""Celery tasks: thin wrappers around ``publications/services.py``."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, name="publications.snapshot_reports_render")
def snapshot_reports_render_task(snapshot_id: int) -> dict:
    """Render and keep the national and province report PDFs of a completed snapshot (idempotent)."""
    return services.snapshot_reports_render(snapshot_id=snapshot_id)
