"""The audit trail around every import: one ImportRecord per attempt, whatever its outcome.

Import services of every app wrap their work in ``recorded_import``; it hashes the file, records who
imported it and how, and stores the counts or the error report.
"""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from django.utils import timezone

from utilities.tabular import ErrorReport, FileRejected

from .models import ImportRecord


@dataclass
class ImportOutcome:
    """What an import did (or, for a dry run, would do): counts per action and the record's id."""

    counts: dict[str, int] = field(default_factory=dict)
    record: ImportRecord | None = None
    warnings: list[str] = field(default_factory=list)


def file_fingerprint(stream: IO[bytes]) -> tuple[int, str]:
    """(size, sha256) of a seekable binary stream; leaves it at the start."""
    digest = hashlib.sha256()
    stream.seek(0)
    size = 0
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return size, digest.hexdigest()


def import_record_reject(record: ImportRecord, *, report: ErrorReport) -> None:
    """Close an import attempt as rejected, keeping its error report."""
    record.outcome = ImportRecord.Outcome.REJECTED
    record.error_count = report.total
    record.errors = report.as_json()
    record.finished_at = timezone.now()
    record.save(update_fields=["outcome", "error_count", "errors", "finished_at"])


@contextmanager
def recorded_import(
    *,
    kind: str,
    stream: IO[bytes],
    file_name: str,
    dry_run: bool,
    user=None,
    via: str = "command",
    options: dict | None = None,
) -> Iterator[ImportOutcome]:
    """Record an import attempt around the caller's work.

    The record is written outside the caller's transaction: a rejected file rolls back every data row
    but its record, with the errors, stays.
    """
    size, sha256 = file_fingerprint(stream)
    record = ImportRecord.objects.create(
        kind=kind,
        outcome=ImportRecord.Outcome.PREVIEWED,
        file_name=file_name[:255],
        file_size=size,
        sha256=sha256,
        options=options or {},
        imported_by=user if getattr(user, "pk", None) else None,
        via=via,
        started_at=timezone.now(),
    )
    outcome = ImportOutcome(record=record)
    try:
        yield outcome
    except FileRejected as rejected:
        import_record_reject(record, report=rejected.report)
        raise
    except Exception as exc:
        # An unexpected failure (a bug, a lost connection) also ends the attempt: the data rolled back, and
        # the record must not stay "previewed" forever.
        report = ErrorReport()
        report.add(0, "", "", f"内部错误 (internal error): {exc}"[:500])
        import_record_reject(record, report=report)
        raise
    record.outcome = ImportRecord.Outcome.DRY_RUN if dry_run else ImportRecord.Outcome.APPLIED
    record.counts = outcome.counts
    record.finished_at = timezone.now()
    record.save(update_fields=["outcome", "counts", "finished_at"])
