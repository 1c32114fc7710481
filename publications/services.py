"""Building, rendering and keeping reports (writes). The view, the command and the task call these.

A report PDF is rendered once per snapshot, region and language and kept as a file under MEDIA_ROOT
(``RenderedReport``); a kept one is served as it is, a missing or stale one is rendered on request, by one
request at a time (a lock per report: a render takes seconds of CPU, and ten visitors of a new snapshot's
report must not start ten).
"""

import datetime
import logging
import time
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import translation

from reports.choices import SnapshotStatus
from reports.models import ScopeIndicator, Snapshot
from reports.selectors import snapshot_visible
from reports.services import snapshot_year_earlier_ensure
from utilities.locks import REPORT_RENDER_LOCKS, try_advisory_lock

from .content import Report, ReportNotFound, report_build, report_region
from .models import RenderedReport
from .rendering import FontMissing, cjk_font_available, report_document_html, report_pdf

logger = logging.getLogger(__name__)

LANGUAGES = ("zh-hans", "en")

__all__ = [
    "LANGUAGES",
    "FontMissing",
    "RenderBusy",
    "ReportNotFound",
    "report_content",
    "report_html_render",
    "report_pdf_get_or_render",
    "report_pdf_render",
    "report_pdf_stored",
    "report_render_lock_subject",
    "report_snapshot",
    "snapshot_reports_render",
]


class RenderBusy(Exception):
    """Another request is rendering this report now: its file will be there in a moment."""


def report_snapshot(*, as_of: datetime.date | None) -> Snapshot:
    """The complete snapshot of ``as_of`` (default: the newest); ``ReportNotFound`` when there is none."""
    snapshot = snapshot_visible(as_of=as_of)
    if snapshot is None:
        raise ReportNotFound(f"no complete indicator snapshot{f' at {as_of}' if as_of else ''}")
    return snapshot


def report_content(*, scope: str, code: str, snapshot: Snapshot, language: str, wait: bool = True) -> Report:
    """The report of a region at ``snapshot`` in ``language``; ``ReportNotFound`` for an unknown region.

    The snapshot a year earlier is made sure of first: computed here when missing (``wait``: the PDF and
    the command), or asked of a worker (the web page, which says "上年数据正在计算" meanwhile).
    """
    with translation.override(language):
        region = report_region(scope, code)
        if region is None:
            raise ReportNotFound(f"no {scope} with code {code!r}")
        earlier = snapshot_year_earlier_ensure(as_of=snapshot.as_of, wait=wait)
        return report_build(region=region, snapshot=snapshot, earlier=earlier)


def report_html_render(*, scope: str, code: str, snapshot: Snapshot, language: str) -> str:
    """The standalone HTML document (the PDF's source, with SVG charts and the print stylesheet)."""
    report = report_content(scope=scope, code=code, snapshot=snapshot, language=language)
    with translation.override(language):
        return report_document_html(report, language=language)


def report_pdf_render(
    *, scope: str, code: str, snapshot: Snapshot, language: str, wait: bool = True
) -> tuple[bytes, int]:
    """The PDF bytes and page count (not kept). Raises ``FontMissing`` without a CJK font."""
    report = report_content(scope=scope, code=code, snapshot=snapshot, language=language, wait=wait)
    with translation.override(language):
        return report_pdf(report, language=language)


def report_pdf_stored(*, scope: str, code: str, snapshot: Snapshot, language: str) -> RenderedReport | None:
    """The kept PDF when it was rendered from the snapshot's current data and its file is still there."""
    rendered = (
        RenderedReport.objects.filter(snapshot=snapshot, scope=scope, code=code, language=language)
        .select_related("snapshot")
        .first()
    )
    if (
        rendered is None
        or not rendered.is_fresh
        or not rendered.file
        or not rendered.file.storage.exists(rendered.file.name)
    ):
        return None
    return rendered


def _store(*, scope: str, code: str, snapshot: Snapshot, language: str, wait: bool = True) -> RenderedReport:
    started = time.monotonic()
    computed_at = snapshot.data_read_at
    pdf, pages = report_pdf_render(scope=scope, code=code, snapshot=snapshot, language=language, wait=wait)
    duration = datetime.timedelta(seconds=time.monotonic() - started)
    rendered = RenderedReport.objects.filter(snapshot=snapshot, scope=scope, code=code, language=language).first()
    if rendered is None:
        rendered = RenderedReport(snapshot=snapshot, scope=scope, code=code, language=language)
    elif rendered.file:
        rendered.file.delete(save=False)
    rendered.computed_at = computed_at
    rendered.size = len(pdf)
    rendered.pages = pages
    rendered.duration = duration
    rendered.file.save(f"{scope}-{code}-{language}.pdf", ContentFile(pdf), save=False)
    try:
        with transaction.atomic():
            rendered.save()
    except IntegrityError:
        # Another request rendered the same report meanwhile: theirs is as good as ours.
        rendered.file.delete(save=False)
        return RenderedReport.objects.select_related("snapshot").get(
            snapshot=snapshot, scope=scope, code=code, language=language
        )
    return rendered


def report_render_lock_subject(*, scope: str, code: str, snapshot: Snapshot, language: str) -> str:
    """What the render lock of one report is named by (``REPORT_RENDER_LOCKS``)."""
    return f"{snapshot.pk}:{scope}:{code}:{language}"


def report_pdf_get_or_render(
    *,
    scope: str,
    code: str,
    snapshot: Snapshot,
    language: str,
    before_render: Callable[[], None] | None = None,
    wait: bool = True,
) -> RenderedReport:
    """The kept PDF, rendered and kept first when there is none (or it is stale).

    ``wait=False`` (a reader's request): the snapshot a year earlier is never computed here; the caller
    has made sure it is there or that the data does not reach back (``year_earlier_for_download``).

    One render of a report at a time: while another session holds the report's lock, ``RenderBusy`` is
    raised at once (no second render, no worker waiting on the first). ``before_render`` is called under
    the lock just before rendering and may raise to refuse it (the view's throttle): serving a kept file,
    including one that the lock's previous holder just kept, never calls it.
    """
    stored = report_pdf_stored(scope=scope, code=code, snapshot=snapshot, language=language)
    if stored is not None:
        return stored
    subject = report_render_lock_subject(scope=scope, code=code, snapshot=snapshot, language=language)
    with try_advisory_lock(REPORT_RENDER_LOCKS, subject) as taken:
        if not taken:
            raise RenderBusy(subject)
        stored = report_pdf_stored(scope=scope, code=code, snapshot=snapshot, language=language)
        if stored is not None:
            return stored
        if before_render is not None:
            before_render()
        return _store(scope=scope, code=code, snapshot=snapshot, language=language, wait=wait)


def year_earlier_for_download(*, snapshot: Snapshot) -> bool:
    """Whether a reader's PDF may be rendered now: the snapshot a year earlier is there (or the data does not
    reach back). When it is missing it is asked of a worker and the answer is False: a PDF kept without its
    comparisons would be served until the data changes, so the reader is asked to come back instead."""
    return snapshot_year_earlier_ensure(as_of=snapshot.as_of, wait=False).status != "computing"


def snapshot_reports_render(*, snapshot_id: int) -> dict:
    """Render and keep the national and every province report of a snapshot, in every language.

    The background task after a snapshot completes. Skipped (saying why) when the snapshot is gone or no
    longer complete, or the machine has no CJK font; reports already kept and fresh are not redone.
    """
    snapshot = Snapshot.objects.filter(pk=snapshot_id, status=SnapshotStatus.COMPLETE).first()
    if snapshot is None:
        return {"status": "skipped", "reason": "snapshot not complete or gone"}
    if not cjk_font_available():
        logger.warning("report PDFs of snapshot %s not rendered: %s", snapshot_id, FontMissing())
        return {"status": "skipped", "reason": "no CJK font"}
    regions = [("national", "CN")] + [
        ("province", code)
        for code in ScopeIndicator.objects.filter(snapshot=snapshot, scope="province", enterprise_count__gt=0)
        .order_by("code")
        .values_list("code", flat=True)
    ]
    rendered = kept = busy = 0
    started = time.monotonic()
    for scope, code in regions:
        for language in LANGUAGES:
            # A newer snapshot for the date replaces this one: stop rendering a superseded snapshot.
            if not Snapshot.objects.filter(pk=snapshot_id, status=SnapshotStatus.COMPLETE).exists():
                return {"status": "superseded", "rendered": rendered, "kept": kept}
            if report_pdf_stored(scope=scope, code=code, snapshot=snapshot, language=language):
                kept += 1
                continue
            try:
                # Under the report's lock, as a request renders it: never the same PDF twice at once.
                report_pdf_get_or_render(scope=scope, code=code, snapshot=snapshot, language=language)
            except RenderBusy:
                busy += 1  # a visitor's request is rendering (and will keep) it
                continue
            rendered += 1
    logger.info("rendered %s report PDFs of snapshot %s in %.1f s", rendered, snapshot_id, time.monotonic() - started)
    return {"status": "complete", "rendered": rendered, "kept": kept, "busy": busy, "snapshot_id": snapshot_id}
