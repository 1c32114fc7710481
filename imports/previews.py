"""Admin previews: upload → dry run → confirm or cancel. The preview is the import service run dry.

The upload is kept, content-addressed, in the default storage until it is confirmed or cancelled;
a preview nobody decides on expires after ``PREVIEW_LIFETIME``.
"""

import datetime
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext

from utilities.tabular import FileRejected

from .models import ImportRecord
from .records import file_fingerprint, import_record_reject
from .registry import import_kind

IMPORT_STORAGE_DIR = "imports"

# An upload waits this long for its confirmation; then it is cancelled and its kept file deleted.
PREVIEW_LIFETIME = datetime.timedelta(days=1)


def import_previews_expire(*, now: datetime.datetime | None = None) -> int:
    """Cancel every preview older than ``PREVIEW_LIFETIME`` (and delete its kept file); returns how many."""
    cutoff = (now or timezone.now()) - PREVIEW_LIFETIME
    expired = 0
    for record in ImportRecord.objects.filter(outcome=ImportRecord.Outcome.PREVIEWED, started_at__lt=cutoff):
        import_cancel(record=record, user=None)
        record.options = {**record.options, "expired": True}
        record.save(update_fields=["options"])
        expired += 1
    return expired


def _stored_name(sha256: str) -> str:
    return f"{IMPORT_STORAGE_DIR}/{sha256}"


def _discard_stored_file(record: ImportRecord) -> None:
    """Delete the kept upload unless another preview still waits on the same bytes."""
    still_needed = (
        ImportRecord.objects.filter(outcome=ImportRecord.Outcome.PREVIEWED, sha256=record.sha256)
        .exclude(pk=record.pk)
        .exists()
    )
    name = _stored_name(record.sha256)
    if not still_needed and default_storage.exists(name):
        default_storage.delete(name)


def import_preview(*, kind: str, stream: IO[bytes], file_name: str, options: dict, user):
    """Dry-run an uploaded file and keep it (MEDIA_ROOT/imports/<sha256>) until confirmed or cancelled.

    Raises ``FileRejected`` for an invalid file (its record is then ``rejected`` and nothing is kept).
    """
    outcome = import_kind(kind).run(
        stream=stream, file_name=file_name, options=options, dry_run=True, user=user, via="admin"
    )
    record = outcome.record
    name = _stored_name(record.sha256)
    if not default_storage.exists(name):
        stream.seek(0)
        # Content-addressed: the same bytes are stored once, under exactly this name.
        default_storage.save(name, File(stream, name=record.sha256))
    record.outcome = ImportRecord.Outcome.PREVIEWED
    record.options = {**record.options, **options, "stored_file": name}
    record.save(update_fields=["outcome", "options"])
    return outcome


def import_confirm(*, record: ImportRecord, user):
    """Apply a previewed upload through the same service; the preview's record becomes ``applied``.

    The apply run writes its own ImportRecord (the data changes' audit entry); the preview record links
    to it. If the data changed since the preview so that the file is now invalid, ``FileRejected`` is
    raised, nothing is written and the preview is closed as ``rejected``.
    """
    if record.outcome != ImportRecord.Outcome.PREVIEWED:
        raise ValueError(gettext("只能确认待确认的导入"))
    name = _stored_name(record.sha256)
    try:
        with default_storage.open(name, "rb") as stream:
            if file_fingerprint(stream)[1] != record.sha256:
                raise ValueError(gettext("保存的文件与预览时不一致"))
            outcome = import_kind(record.kind).run(
                stream=stream,
                file_name=record.file_name,
                options=record.options,
                dry_run=False,
                user=user,
                via="admin",
            )
    except FileRejected as rejected:
        import_record_reject(record, report=rejected.report)
        _discard_stored_file(record)
        raise
    applied = outcome.record
    applied.preview_record = record
    applied.save(update_fields=["preview_record"])
    record.outcome = ImportRecord.Outcome.APPLIED
    record.counts = outcome.counts
    record.applied_record = applied
    record.finished_at = timezone.now()
    record.save(update_fields=["outcome", "counts", "applied_record", "finished_at"])
    _discard_stored_file(record)
    return outcome


def import_cancel(*, record: ImportRecord, user) -> None:
    """Close a previewed upload without applying it and delete the kept file."""
    if record.outcome != ImportRecord.Outcome.PREVIEWED:
        raise ValueError(gettext("只能取消待确认的导入"))
    record.outcome = ImportRecord.Outcome.CANCELLED
    record.finished_at = timezone.now()
    record.options = {**record.options, "cancelled_by": getattr(user, "pk", None)}
    record.save(update_fields=["outcome", "finished_at", "options"])
    _discard_stored_file(record)
