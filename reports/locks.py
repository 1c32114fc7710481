"""The recompute lock: one run per ``as_of`` at a time, across every worker machine.

On PostgreSQL it is a session-level advisory lock (``pg_try_advisory_lock``): it belongs to the database
session of the run, so when the worker dies (killed, machine lost) the session ends and the lock with
it; a dead run can be told from a live one at any time (``snapshot_lock_is_free``), and nothing waits
for a time-out. Elsewhere (SQLite: tasks run in-process, one at a time) a row in ``RecomputeLock``
with an expiry does the job.

The imports use a second namespace of advisory locks (``import_lock``): one import of a kind at a time.
"""

import datetime
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from .models import RecomputeLock

# A lock row older than this belongs to a dead run (SQLite only; a full report-scale run takes seconds).
LOCK_TTL = datetime.timedelta(minutes=30)
# The first key of the two-integer advisory locks: which kind of lock (the second is the subject).
SNAPSHOT_LOCK_NAMESPACE = 0x4C47_0001  # "LG", snapshots
IMPORT_LOCK_NAMESPACE = 0x4C47_0002  # "LG", imports
DRAIN_LOCK_NAMESPACE = 0x4C47_0003  # "LG", the outbox drain


class SnapshotLocked(Exception):
    """Another run holds the lock for this ``as_of``."""


class ImportLocked(Exception):
    """Another import of the same kind held its lock for longer than we were willing to wait."""


def _advisory() -> bool:
    return connection.vendor == "postgresql"


def _signed(value: int) -> int:
    """PostgreSQL's advisory lock keys are signed 32-bit integers."""
    return value - (1 << 32) if value >= 1 << 31 else value


def advisory_key(namespace: int, subject: int | str | datetime.date) -> tuple[int, int]:
    if isinstance(subject, datetime.date):
        subject = subject.toordinal()
    elif isinstance(subject, str):
        subject = zlib.crc32(subject.encode())
    return _signed(namespace), _signed(subject & 0xFFFFFFFF)


def _try_advisory(key: tuple[int, int]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        return cursor.fetchone()[0]


def _unlock_advisory(key: tuple[int, int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


def _lock_acquire(*, as_of: datetime.date, owner: str) -> bool:
    if _advisory():
        return _try_advisory(advisory_key(SNAPSHOT_LOCK_NAMESPACE, as_of))
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
    if _advisory():
        _unlock_advisory(advisory_key(SNAPSHOT_LOCK_NAMESPACE, as_of))
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


@contextmanager
def try_advisory_lock(namespace: int, subject) -> Iterator[bool]:
    """Yield whether the advisory lock was taken (always True off PostgreSQL); released after the block."""
    if not _advisory():
        yield True
        return
    key = advisory_key(namespace, subject)
    taken = _try_advisory(key)
    try:
        yield taken
    finally:
        if taken:
            _unlock_advisory(key)


def import_lock(kind: str, *, wait_seconds: float) -> None:
    """Take the transaction-scoped lock of imports of ``kind``, waiting at most ``wait_seconds``.

    Call inside the import's ``transaction.atomic()``: the lock is held until it commits or rolls back,
    so the second import plans from the first one's committed data. Raises ``ImportLocked`` when the
    wait runs out. A no-op off PostgreSQL (SQLite serialises writers itself).
    """
    if not _advisory():
        return
    key = advisory_key(IMPORT_LOCK_NAMESPACE, kind)
    with connection.cursor() as cursor:
        # lock_timeout bounds the wait; a savepoint keeps the transaction usable when it runs out.
        cursor.execute("SET LOCAL lock_timeout = %s", [f"{int(wait_seconds * 1000)}ms"])
        try:
            with transaction.atomic():
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", key)
        except OperationalError as exc:
            raise ImportLocked(kind) from exc
        finally:
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")
