"""Celery tasks of the enterprises app: thin, they call a service."""

from celery import shared_task

from imports.previews import import_previews_expire


@shared_task(name="enterprises.import_previews_expire")
def import_previews_expire_task() -> int:
    """Cancel uploads nobody confirmed within a day (run hourly by beat)."""
    return import_previews_expire()
