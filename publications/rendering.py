"""A report as HTML (the web page, the standalone file) and as PDF (WeasyPrint).

The PDF is the standalone HTML printed by WeasyPrint: A4, page numbers, a table of contents whose page
numbers come from CSS ``target-counter``, PDF bookmarks from the headings' ``bookmark-level``, the text
as text with its fonts embedded (WeasyPrint subsets and embeds every font it uses), charts as vector SVG.

Chinese needs a CJK font installed on the machine: Debian's ``fonts-noto-cjk``. Without one, the PDF is
refused with a message naming the package (it would print boxes); the web page does not need it.

WeasyPrint fetches what the document points to (images, stylesheets, fonts) through ``ReportURLFetcher``:
the portal's own static files and ``data:`` URIs, nothing else. Its default fetcher would read any
``file://`` path or internal ``http://`` address named by markup that got into the document.
"""

import functools
import glob
import logging
import mimetypes
import posixpath
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .content import Report
from .svg import chart_svg, column_svg

# WeasyPrint reports every layout step at INFO: that is noise in a command's or worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

CJK_FONT_PACKAGE = "fonts-noto-cjk"
# Families the print stylesheet asks for, in order (publications/templates/publications/print.css).
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei")
_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    str(Path.home() / ".fonts"),
    str(Path.home() / ".local/share/fonts"),
)
_FONT_FILES = ("*NotoSansCJK*", "*NotoSerifCJK*", "*SourceHanSans*", "*wqy-microhei*")


class FontMissing(RuntimeError):
    """No CJK font on this machine: a PDF would print boxes instead of Chinese."""

    def __init__(self) -> None:
        super().__init__(
            f"No Chinese (CJK) font is installed, so the report PDF cannot be rendered. "
            f"Install Debian's {CJK_FONT_PACKAGE} package (apt-get install {CJK_FONT_PACKAGE}); "
            f"the report's web page works without it."
        )


@functools.cache
def cjk_font_available() -> bool:
    """True when fontconfig knows one of ``CJK_FAMILIES`` (or, without fc-list, such a font file exists)."""
    fc_list = shutil.which("fc-list")
    if fc_list:
        try:
            families = subprocess.run(
                [fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=20, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            families = ""
        if any(family in families for family in CJK_FAMILIES):
            return True
    return any(glob.glob(f"{d}/**/{pattern}", recursive=True) for d in _FONT_DIRS for pattern in _FONT_FILES)


def require_cjk_font() -> None:
    if not cjk_font_available():
        raise FontMissing()


def _svgs(report: Report) -> dict[str, str]:
    """Every chart of the report drawn as SVG, by chart id."""
    drawn = {}
    for chapter in report.chapters:
        for chart in chapter.charts:
            drawn[chart.id] = chart_svg(chart)
        for profile in chapter.profiles:
            drawn[profile.industry_chart.id] = chart_svg(profile.industry_chart)
        for column in chapter.cluster_page.columns if chapter.cluster_page else ():
            drawn[column.pie.id] = column_svg(column.pie)
    return drawn


def report_document_html(report: Report, *, language: str) -> str:
    """The standalone document (print stylesheet, SVG charts inline): the PDF's source and the .html output."""
    return render_to_string(
        "publications/report_document.html",
        {"report": report, "svgs": _svgs(report), "language": language, "standalone": True},
    )


# The document's base URL: a name that resolves nowhere, so that a relative or root-relative reference
# (``{% static %}`` gives ``/static/…``) becomes an absolute URL the fetcher can recognise as ours.
REPORT_BASE_URL = "https://report.invalid/"


class ResourceRefused(ValueError):
    """The document pointed WeasyPrint at something other than a static file or a data: URI."""


def static_file_path(url: str) -> str | None:
    """The static file's relative path when ``url`` is one of the portal's static files, else None."""
    prefix = urljoin(REPORT_BASE_URL, settings.STATIC_URL)
    if not url.startswith(prefix):
        return None
    path = unquote(urlsplit(url[len(prefix) :]).path)
    # No way out of the static directories: the finders check too, this says so without a file system.
    if not path or path.startswith("/") or "\\" in path or posixpath.normpath(path) != path or ".." in path.split("/"):
        return None
    return path


def _static_bytes(path: str) -> bytes | None:
    found = finders.find(path)
    if found:
        return Path(found).read_bytes()
    if staticfiles_storage.exists(path):  # collected, e.g. under a manifest's hashed name
        with staticfiles_storage.open(path) as handle:
            return handle.read()
    return None


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ReportURLFetcher(URLFetcher):
        """Serves the portal's static files and data: URIs; refuses file://, http(s):// and everything else.

        A refusal raises: WeasyPrint logs it and leaves the resource out, and the report renders without it.
        """

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file_path(url)
            body = _static_bytes(path) if path else None
            if body is None:
                raise ResourceRefused(f"the report fetches only the portal's static files and data: URIs, not {url}")
            media_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": media_type})

    return ReportURLFetcher


def report_url_fetcher():
    """A fetcher for one rendering (WeasyPrint's fetchers hold per-request state)."""
    return _url_fetcher_class()()


def report_layout(report: Report, *, language: str):
    """WeasyPrint's laid-out document of ``report`` (its pages and boxes), before it is written as a PDF: the
    layout tests read where each page ends from it. Raises ``FontMissing`` without a CJK font."""
    require_cjk_font()
    from weasyprint import HTML  # imported here: the web page and the tests without PDFs do not need it

    return HTML(
        string=report_document_html(report, language=language),
        base_url=REPORT_BASE_URL,
        url_fetcher=report_url_fetcher(),
    ).render()


def report_pdf(report: Report, *, language: str) -> tuple[bytes, int]:
    """The PDF of ``report`` and its page count. Raises ``FontMissing`` without a CJK font."""
    document = report_layout(report, language=language)
    document.metadata.title = report.title
    document.metadata.authors = [_("小巨人科创力门户")]
    document.metadata.lang = "zh-CN" if language.startswith("zh") else "en"
    return document.write_pdf(), len(document.pages)
