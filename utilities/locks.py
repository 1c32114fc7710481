"""PostgreSQL advisory locks: one mechanism for the indicator runs (reports) and the imports.

A lock is named by two 32-bit integers: a namespace (which kind of lock) and a subject (a date, a
name). Session-level locks (``try_advisory_lock``) belong to a database session and end with it, so a
dead process never leaves one behind; transaction-level ones (``advisory_xact_lock``) end with the
transaction.
"""

import datetime
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, connection, transaction

# Namespaces in use (the first key); the subject is the second.
SNAPSHOT_LOCKS = 0x4C47_0001  # reports: one run per as_of
IMPORT_LOCKS = 0x4C47_0002  # imports: one import of a kind at a time
DRAIN_LOCKS = 0x4C47_0003  # reports: one outbox drain at a time
REPORT_RENDER_LOCKS = 0x4C47_0004  # publications: one render of a report PDF at a time


class LockTimeout(Exception):
    """The lock was held by someone else for longer than we were willing to wait."""


def _signed(value: int) -> int:
    """PostgreSQL's advisory lock keys are signed 32-bit integers."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= 1 << 31 else value


def advisory_key(namespace: int, subject: int | str | datetime.date) -> tuple[int, int]:
    if isinstance(subject, datetime.date):
        subject = subject.toordinal()
    elif isinstance(subject, str):
        subject = zlib.crc32(subject.encode())
    return _signed(namespace), _signed(subject)


def try_lock(key: tuple[int, int]) -> bool:
    """Take a session-level lock if free (True) or return False at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        return cursor.fetchone()[0]


def unlock(key: tuple[int, int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)


@contextmanager
def try_advisory_lock(namespace: int, subject) -> Iterator[bool]:
    """Yield whether the session-level lock was taken; released after."""
    key = advisory_key(namespace, subject)
    taken = try_lock(key)
    try:
        yield taken
    finally:
        if taken:
            unlock(key)


def advisory_xact_lock(namespace: int, subject, *, wait_seconds: float) -> None:
    """Take a transaction-level lock, waiting at most ``wait_seconds``; raise ``LockTimeout`` after that.

    Call inside ``transaction.atomic()``: the lock is held until the transaction ends.
    """
    key = advisory_key(namespace, subject)
    with connection.cursor() as cursor:
        # lock_timeout bounds the wait; the savepoint keeps the transaction usable when it runs out.
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{max(1, int(wait_seconds * 1000))}ms"])
        try:
            with transaction.atomic():
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", key)
        except OperationalError as exc:
            raise LockTimeout(str(exc)) from exc
        finally:
            cursor.execute("SELECT set_config('lock_timeout', '0', true)")
