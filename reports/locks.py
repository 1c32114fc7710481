"""The recompute lock: one run per ``as_of`` at a time, across every worker machine.

On PostgreSQL it is a session-level advisory lock (``utilities/locks.py``): it belongs to the database
session of the run, so when the worker dies (killed, machine lost) the session ends and the lock with
it; a dead run can be told from a live one at any time (``snapshot_lock_is_free``), and nothing waits
for a time-out. Elsewhere (SQLite: tasks run in-process, one at a time) a row in ``RecomputeLock``
with an expiry does the job.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone

from utilities.locks import (
    DRAIN_LOCKS,
    SNAPSHOT_LOCKS,
    advisory_key,
    advisory_supported,
    try_advisory_lock,
    try_lock,
    unlock,
)

from .models import RecomputeLock

__all__ = ["DRAIN_LOCKS", "LOCK_TTL", "SnapshotLocked", "snapshot_lock", "snapshot_lock_is_free", "try_advisory_lock"]

# A lock row older than this belongs to a dead run (SQLite only; a full report-scale run takes seconds).
LOCK_TTL = datetime.timedelta(minutes=30)


class SnapshotLocked(Exception):
    """Another run holds the lock for this ``as_of``."""


def _lock_acquire(*, as_of: datetime.date, owner: str) -> bool:
    if advisory_supported():
        return try_lock(advisory_key(SNAPSHOT_LOCKS, as_of))
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
    if advisory_supported():
        unlock(advisory_key(SNAPSHOT_LOCKS, as_of))
        return
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


def snapshot_lock_is_free(as_of: datetime.date) -> bool:
    """True when no live run holds ``as_of`` (checked by taking the lock and giving it back at once)."""
    owner = "probe"
    if not _lock_acquire(as_of=as_of, owner=owner):
        return False
    _lock_release(as_of=as_of, owner=owner)
    return True
