"""The recompute lock: one run per ``as_of`` at a time, as a database row (works in-process and across workers)."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import RecomputeLock

# A lock older than this belongs to a dead run (a full report-scale run takes seconds).
LOCK_TTL = datetime.timedelta(minutes=30)


class SnapshotLocked(Exception):
    """Another run holds the lock for this ``as_of``."""


def _lock_acquire(*, as_of: datetime.date, owner: str) -> bool:
    now = timezone.now()
    # Expired rows belong to killed runs; a redelivered task (same owner) resumes its own lock.
    RecomputeLock.objects.filter(as_of=as_of, expires_at__lt=now).delete()
    RecomputeLock.objects.filter(as_of=as_of, owner=owner).delete()
    try:
        with transaction.atomic():
            RecomputeLock.objects.create(as_of=as_of, owner=owner, acquired_at=now, expires_at=now + LOCK_TTL)
    except IntegrityError:
        return False
    return True


def _lock_release(*, as_of: datetime.date, owner: str) -> None:
    RecomputeLock.objects.filter(as_of=as_of, owner=owner).delete()


@contextmanager
def snapshot_lock(as_of: datetime.date, owner: str) -> Iterator[None]:
    """Hold the lock of ``as_of`` for the block; raises ``SnapshotLocked`` when another run holds it."""
    if not _lock_acquire(as_of=as_of, owner=owner):
        raise SnapshotLocked(f"indicators at {as_of} are being computed by another run")
    try:
        yield
    finally:
        _lock_release(as_of=as_of, owner=owner)
