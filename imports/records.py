"""The audit trail around every import: one ImportRecord per attempt, whatever its outcome.

Import services of every app wrap their work in ``recorded_import``; it hashes the file, records who
imported it and how, and stores the counts or the error report. Their data transaction is
``import_transaction``: one import of a kind at a time, and a conflict with a concurrent change is a
row report, not a traceback.
"""

import hashlib
import logging
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from utilities.locks import IMPORT_LOCKS, LockTimeout, advisory_xact_lock
from utilities.tabular import ErrorReport, FileRejected

from .models import ImportRecord

logger = logging.getLogger(__name__)


@dataclass
class ImportOutcome:
    """What an import did (or, for a dry run, would do): counts per action and the record's id."""

    counts: dict[str, int] = field(default_factory=dict)
    record: ImportRecord | None = None
    warnings: list[str] = field(default_factory=list)
    # Wall seconds per phase, for the benchmarks (``import_patents -v 2``); not stored with the record.
    phases: dict[str, float] = field(default_factory=dict)


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
        # the record must not stay "previewed" forever. The exception's text (SQL, table and constraint
        # names, values) goes to the server log only; the official reads what happened and the number
        # to quote to the administrator, who finds the full text in the log under it.
        logger.exception("import record %s (%s, %s) failed", record.pk, kind, file_name)
        report = ErrorReport()
        report.add(0, "", "", import_failure_message(exc, record_id=record.pk))
        import_record_reject(record, report=report)
        raise
    record.outcome = ImportRecord.Outcome.DRY_RUN if dry_run else ImportRecord.Outcome.APPLIED
    record.counts = outcome.counts
    record.finished_at = timezone.now()
    record.save(update_fields=["outcome", "counts", "finished_at"])


def import_failure_message(exc: Exception, *, record_id: int | None) -> str:
    """What an official reads about an unexpected failure: its kind and the record's number, never its text."""
    if isinstance(exc, DatabaseError) or type(exc).__module__.startswith("psycopg"):
        message = gettext("数据库拒绝了写入，未写入任何数据；请联系管理员，编号 %(record)s")
    else:
        message = gettext("内部错误，未写入任何数据；请联系管理员，编号 %(record)s")
    return message % {"record": record_id}


# --- reading records: counts in words -------------------------------------------------------------

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
    "designations_reviewed": _("其中复核通过"),
    "designations_revoked": _("其中复核未通过、撤销"),
    "enterprises_restored": _("恢复企业"),
    "enterprises_deleted": _("删除企业"),
    "designations_restored": _("恢复认定"),
    "designations_deleted": _("删除认定"),
    "patents_restored": _("恢复专利"),
    "patents_deleted": _("删除专利"),
    "created": _("新建专利"),
    "updated": _("更新专利"),
    "unchanged": _("未变专利"),
    "applicants_written": _("写入申请人"),
    "applicants_linked": _("其中关联到企业"),
    "applicants_unmatched": _("其中未匹配企业"),
    "applicants_ambiguous": _("其中名称对应多家企业"),
    "applicants_repeated": _("其中同一企业在一件专利上重复"),
}


def import_counts_words(counts: dict) -> list[str]:
    """["新建企业 3", "更新认定 1", …]: the non-zero counts of a record, labelled, in a fixed order."""
    counts = counts or {}
    known = [f"{label} {counts[key]}" for key, label in COUNT_LABELS.items() if counts.get(key)]
    return known + [f"{key} {value}" for key, value in counts.items() if key not in COUNT_LABELS and value]


# Imports that write the same tables share a lock: enterprise files and official lists both write
# enterprises and designations, and a 复核 result list designations.
_LOCK_SUBJECT = {
    ImportRecord.Kind.ENTERPRISES: "enterprise-data",
    ImportRecord.Kind.DESIGNATION_LIST: "enterprise-data",
    ImportRecord.Kind.REVIEW_RESULTS: "enterprise-data",
    ImportRecord.Kind.PATENTS: "patents",
}
# PostgreSQL's detail of a unique violation: Key (credit_code)=(91320500…) already exists.
_KEY_DETAIL = re.compile(r"Key \((?P<columns>[^)]*)\)=\((?P<values>.*)\) already exists")


@contextmanager
def import_transaction(*, kind: str, dry_run: bool, rows_by_value: Mapping[str, int] | None = None) -> Iterator[None]:
    """The data transaction of an import: serialised with other imports of the kind, conflicts reported.

    - Before anything is planned, the import takes the kind's advisory lock (PostgreSQL), waiting at
      most ``IMPORT_LOCK_WAIT_SECONDS`` (default 20) for a running one to finish: the second of two
      imports then plans from the data as the first one left it, instead of both planning from the same
      state and the loser dying on a unique key (and the history disagreeing with the data). After the
      wait it is refused with a clear message. A dry run writes nothing and takes no lock.
    - A conflict that still slips through (an official creating the same enterprise in the admin at that
      moment) rolls everything back and is reported like a bad row: the value, and its row in the file
      when ``rows_by_value`` knows it. ``FileRejected`` either way, so the record says why.
    """
    try:
        with transaction.atomic():
            if not dry_run:
                wait = float(getattr(settings, "IMPORT_LOCK_WAIT_SECONDS", 20))
                try:
                    advisory_xact_lock(IMPORT_LOCKS, _LOCK_SUBJECT.get(kind, kind), wait_seconds=wait)
                except LockTimeout:
                    report = ErrorReport()
                    report.add(
                        0,
                        "",
                        "",
                        gettext("另一个同类导入正在进行，等待 %(seconds)s 秒后仍未结束；未写入任何数据，请稍后重试")
                        % {"seconds": f"{wait:g}"},
                    )
                    raise FileRejected(report) from None
            yield
    except _INTEGRITY_ERRORS as exc:
        raise FileRejected(_conflict_report(exc, rows_by_value or {})) from None


def _integrity_errors() -> tuple[type[Exception], ...]:
    # COPY goes through psycopg's own cursor (utilities/bulk.py), whose errors Django does not wrap.
    try:
        import psycopg
    except ImportError:
        return (IntegrityError,)
    return (IntegrityError, psycopg.errors.IntegrityError)


_INTEGRITY_ERRORS = _integrity_errors()


def _conflict_report(exc: Exception, rows_by_value: Mapping[str, int]) -> ErrorReport:
    diag = getattr(exc, "diag", None) or getattr(exc.__cause__, "diag", None)
    detail = getattr(diag, "message_detail", None) or ""
    match = _KEY_DETAIL.search(detail)
    column, value = (match["columns"], match["values"]) if match else ("", "")
    report = ErrorReport()
    report.add(
        rows_by_value.get(value, 0),
        column,
        value,
        gettext("与同时进行的其他修改冲突（该值刚被别处写入）；未写入任何数据，请重新导入"),
    )
    return report
