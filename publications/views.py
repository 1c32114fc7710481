"""The report as a web page and as a PDF download. Thin: pick the snapshot and region, call services."""

import math

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.caching import SnapshotChoice, not_shared, snapshot_page
from portal.pages import region_url

from . import services
from .content import REPORT_SCOPES
from .throttling import RenderThrottled, report_render_allow

# A render takes a few seconds: ask a visitor who came while one runs to come back after about that long.
RENDER_BUSY_RETRY_SECONDS = 10
# A worker computes a missing year-earlier snapshot in a second or two at report scale.
YEAR_EARLIER_RETRY_SECONDS = 30


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


def _check_scope(scope: str) -> None:
    if scope not in REPORT_SCOPES:
        raise Http404(_("没有这种报告"))


def _retry_later(message: str, *, status: int, seconds: float) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(max(1, math.ceil(seconds)))
    return response


@snapshot_page
def report_page(request, choice, scope: str, code: str):
    _check_scope(scope)
    language = _language()
    try:
        # The page queues the year-earlier snapshot when it is missing rather than computing it in the request.
        report = services.report_content(scope=scope, code=code, snapshot=choice.current, language=language, wait=False)
    except services.ReportNotFound:
        raise Http404(_("没有这个地区")) from None
    query = choice.query()
    pdf_url = reverse("publications:report-pdf", args=[scope, report.code]) + (f"?{query}" if query else "")
    profile_url = region_url(scope, report.code) + (f"?{query}" if query else "")
    context = {
        "choice": choice,
        "report": report,
        "language": language,
        "standalone": False,
        "pdf_url": pdf_url,
        "profile_url": profile_url,
    }
    response = render(request, "publications/report_page.html", context)
    if report.earlier is not None and report.earlier.status == "computing":
        # "上年数据正在计算": neither kept in the page cache nor by the browser, so that the next visit after
        # the worker's run shows the comparisons (the page's ETag names the report's snapshot only).
        response = not_shared(response)
        response["Cache-Control"] = "no-store"
    return response


def report_pdf(request, scope: str, code: str):
    """The kept PDF, served as a file; rendered (and kept) first when there is none yet.

    A render runs under the report's lock (a second request meanwhile: 503 with Retry-After) and, for an
    anonymous visitor, within the render rate of its address (429 with Retry-After); kept files are not
    counted.
    """
    _check_scope(scope)
    choice = SnapshotChoice(request)
    if choice.current is None:
        raise Http404(_("还没有统计快照"))
    language = _language()
    if services.report_pdf_stored(scope=scope, code=code, snapshot=choice.current, language=language) is None and (
        not services.year_earlier_for_download(snapshot=choice.current)
    ):
        return _retry_later(
            _("报告所需的上年数据正在计算，请稍后再试。"), status=503, seconds=YEAR_EARLIER_RETRY_SECONDS
        )
    try:
        rendered = services.report_pdf_get_or_render(
            scope=scope,
            code=code,
            snapshot=choice.current,
            language=language,
            before_render=lambda: report_render_allow(request),
            wait=False,
        )
    except services.ReportNotFound:
        raise Http404(_("没有这个地区")) from None
    except services.RenderBusy:
        return _retry_later(_("这份报告正在生成，请稍后再试。"), status=503, seconds=RENDER_BUSY_RETRY_SECONDS)
    except RenderThrottled as exc:
        return _retry_later(_("报告生成请求过于频繁，请稍后再试。"), status=429, seconds=exc.wait or 60)
    except services.FontMissing as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    filename = f"report-{scope}-{code}-{choice.current.as_of.isoformat()}-{language}.pdf"
    response = FileResponse(
        rendered.file.open("rb"), content_type="application/pdf", as_attachment=True, filename=filename
    )
    response["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response
