"""The audit trail around every import: one ImportRecord per attempt, whatever its outcome.

Import services of every app wrap their work in ``recorded_import``; it hashes the file, records who
imported it and how, and stores the counts or the error report.
"""

import datetime
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


# --- reading records: counts in words, expiry of forgotten previews -------------------------------

# How the counts of every import kind read for a person, in the order they are shown.
COUNT_LABELS = {
    "enterprises_created": _("新建企业"),
    "enterprises_incomplete_created": _("其中待补全企业"),
    "enterprises_updated": _("更新企业"),
    "enterprises_completed": _("补全信用代码的企业"),
    "enterprises_unchanged": _("未变企业"),
    "designations_created": _("新建认定"),
    "designations_updated": _("更新认定"),
    "designations_unchanged": _("未变认定"),
    "enterprises_restored": _("恢复企业"),
    "enterprises_deleted": _("删除企业"),
    "designations_restored": _("恢复认定"),
    "designations_deleted": _("删除认定"),
    "created": _("新建专利"),
    "updated": _("更新专利"),
    "unchanged": _("未变专利"),
}


def import_counts_words(counts: dict) -> list[str]:
    """["新建企业 3", "更新认定 1", …]: the non-zero counts of a record, labelled, in a fixed order."""
    counts = counts or {}
    known = [f"{label} {counts[key]}" for key, label in COUNT_LABELS.items() if counts.get(key)]
    return known + [f"{key} {value}" for key, value in counts.items() if key not in COUNT_LABELS and value]


# An upload waits this long for its confirmation; then it is cancelled and its kept file deleted.
PREVIEW_LIFETIME = datetime.timedelta(days=1)


def import_previews_expire(*, now: datetime.datetime | None = None) -> int:
    """Cancel every preview older than ``PREVIEW_LIFETIME`` (and delete its kept file); returns how many."""
    from .services import import_cancel

    cutoff = (now or timezone.now()) - PREVIEW_LIFETIME
    expired = 0
    for record in ImportRecord.objects.filter(outcome=ImportRecord.Outcome.PREVIEWED, started_at__lt=cutoff):
        import_cancel(record=record, user=None)
        record.options = {**record.options, "expired": True}
        record.save(update_fields=["options"])
        expired += 1
    return expired
