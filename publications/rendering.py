"""A report as HTML (the web page, the standalone file) and as PDF (WeasyPrint).

The PDF is the standalone HTML printed by WeasyPrint: A4, page numbers, a table of contents whose page
numbers come from CSS ``target-counter``, PDF bookmarks from the headings' ``bookmark-level``, the text
as text with its fonts embedded (WeasyPrint subsets and embeds every font it uses), charts as vector SVG.

Chinese needs a CJK font installed on the machine: Debian's ``fonts-noto-cjk``. Without one, the PDF is
refused with a message naming the package (it would print boxes); the web page does not need it.
"""

import functools
import glob
import logging
import shutil
import subprocess
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .content import Report
from .svg import chart_svg

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
    return drawn


def report_document_html(report: Report, *, language: str) -> str:
    """The standalone document (print stylesheet, SVG charts inline): the PDF's source and the .html output."""
    return render_to_string(
        "publications/report_document.html",
        {"report": report, "svgs": _svgs(report), "language": language, "standalone": True},
    )


def report_pdf(report: Report, *, language: str) -> tuple[bytes, int]:
    """The PDF of ``report`` and its page count. Raises ``FontMissing`` without a CJK font."""
    require_cjk_font()
    from weasyprint import HTML  # imported here: the web page and the tests without PDFs do not need it

    document = HTML(string=report_document_html(report, language=language), base_url=".").render()
    document.metadata.title = report.title
    document.metadata.authors = [_("小巨人科创力门户")]
    document.metadata.lang = "zh-CN" if language.startswith("zh") else "en"
    return document.write_pdf(), len(document.pages)
