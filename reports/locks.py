"""The recompute lock: one run per ``as_of`` at a time, across every worker machine.

A session-level advisory lock (``utilities/locks.py``): it belongs to the database session of the run,
so when the worker dies (killed, machine lost) the session ends and the lock with it; a dead run can be
told from a live one at any time (``snapshot_lock_is_free``), and nothing waits for a time-out.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from utilities.locks import DRAIN_LOCKS, SNAPSHOT_LOCKS, advisory_key, try_advisory_lock, try_lock, unlock

__all__ = ["DRAIN_LOCKS", "SnapshotLocked", "snapshot_lock", "snapshot_lock_is_free", "try_advisory_lock"]


class SnapshotLocked(Exception):
    """Another run holds the lock for this ``as_of``."""


@contextmanager
def snapshot_lock(as_of: datetime.date, owner: str) -> Iterator[None]:
    """Hold the lock of ``as_of`` for the block; raises ``SnapshotLocked`` when another run holds it.

    ``owner`` names the run in the error only: the lock belongs to this database session.
    """
    key = advisory_key(SNAPSHOT_LOCKS, as_of)
    if not try_lock(key):
        raise SnapshotLocked(f"indicators at {as_of} are being computed by another run (not {owner})")
    try:
        yield
    finally:
        unlock(key)


def snapshot_lock_is_free(as_of: datetime.date) -> bool:
    """True when no live run holds ``as_of`` (checked by taking the lock and giving it back at once)."""
    key = advisory_key(SNAPSHOT_LOCKS, as_of)
    if not try_lock(key):
        return False
    unlock(key)
    return True
