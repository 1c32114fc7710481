"""A completed snapshot queues the rendering of its national and province report PDFs; a deleted
rendered report takes its file with it."""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete

from reports.selectors import snapshot_newest_complete_id

logger = logging.getLogger(__name__)


def render_in_background() -> bool:
    """Only with a real worker: in-process tasks (``make run``, the tests) would render dozens of PDFs
    inside the request or command that completed the snapshot. There, reports render on request."""
    return getattr(settings, "PUBLICATIONS_RENDER_ON_SNAPSHOT", not settings.CELERY_TASK_ALWAYS_EAGER)


def on_snapshot_completed(sender, snapshot, **kwargs) -> None:
    if not render_in_background():
        return
    # Only the newest snapshot's reports are rendered ahead: an older date computed for a report's comparison
    # with a year earlier would otherwise render its own reports, compute the year before it, and so on back.
    if snapshot.pk != snapshot_newest_complete_id():
        return
    snapshot_id = snapshot.pk

    def enqueue() -> None:
        from .tasks import snapshot_reports_render_task

        snapshot_reports_render_task.delay(snapshot_id=snapshot_id)

    # After the commit, so the task reads the complete snapshot; robust, so a broker hiccup does not turn
    # a computed snapshot into an error (the reports then render on request).
    transaction.on_commit(enqueue, robust=True)


def on_rendered_report_deleted(sender, instance, **kwargs) -> None:
    if instance.file:
        instance.file.delete(save=False)


def connect() -> None:
    from reports.signals import snapshot_completed

    from .models import RenderedReport

    snapshot_completed.connect(on_snapshot_completed, dispatch_uid="publications.snapshot_completed")
    post_delete.connect(on_rendered_report_deleted, sender=RenderedReport, dispatch_uid="publications.file_delete")
