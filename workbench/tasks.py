"""Celery task of the workbench: the weekly digest (beat, settings.CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .digest import digests_send


@shared_task(acks_late=False, ignore_result=True, name="workbench.official_digest_send")
def official_digest_send_task() -> dict:
    """Send every official's weekly digest. Not acknowledged late: a killed worker must not mail twice."""
    return digests_send()
