"""The shape of a generated report (chapters, tables, city profiles) and what every chapter shares."""

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enterprises.choices import ListingBoard
from portal.charts import Chart
from portal.indicators import (
    BOARD_LABELS,
)
from reports.choices import NATIONAL_CODE, Scope
from reports.models import Snapshot

REPORT_SCOPES = (Scope.NATIONAL.value, Scope.PROVINCE.value, Scope.CITY.value, Scope.CLUSTER.value)
NATIONAL = (Scope.NATIONAL.value, NATIONAL_CODE)
A_SHARE_BOARDS = (ListingBoard.MAIN, ListingBoard.CHINEXT, ListingBoard.STAR, ListingBoard.BSE)
# Section 3.3 of the report profiles five cities; a province report profiles its three largest.
LEADING_CITIES = {Scope.NATIONAL.value: 5, Scope.PROVINCE.value: 3}
TOP_CITIES_CHART = 20
# Indicators stated as fractions (compared in percentage points); the others are per-enterprise amounts.
FRACTIONS = {"invention_share", "invention_grant_rate", "growth_cagr", "pct_share", "pct_growth_cagr"}


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]


@dataclass
class CityProfile:
    """One page per leading city, as the report's section 3.3."""

    code: str
    name: str
    anchor: str
    summary: str
    headline: list[tuple[str, str]]  # (label, formatted value)
    boards: list[tuple[str, str, int]]
    financed: int
    panel: list[dict]
    industry_chart: Chart


@dataclass
class Section:
    """A titled part of a chapter: one finding of 核心发现, one group of recommendations."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[tuple[str, str]] = field(default_factory=list)  # (lead in bold, text)


@dataclass
class Chapter:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    profiles: list[CityProfile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    numbered: bool = True  # the foreword and the findings come before chapter 1, without a number
    number: int | None = None  # set by ``Report.number_chapters``
    tables_first: bool = False  # chapter 02 numbers its tables (2.1, 2.2) before its charts (2.3 …)
    cluster_page: object = None  # chapter 03: the three clusters in columns (``regions.ClusterPage``)

    @property
    def anchor(self) -> str:
        return f"ch-{self.key}"


@dataclass
class Report:
    scope: str
    code: str
    name: str
    snapshot: Snapshot
    metrics: dict
    national: dict
    headline: str
    chapters: list[Chapter]
    parent_name: str = ""
    # Reference figures as of the snapshot's date: {(group, measure): publications.selectors.Reference}
    references: dict = field(default_factory=dict)
    # The snapshot a year earlier (reports.services.YearEarlier: ready, computing or unavailable) and the
    # region's metrics in it ({} when it is not there or the region had no members then).
    earlier: object | None = None
    earlier_metrics: dict = field(default_factory=dict)
    # The region's 专精特新中小企业 as the snapshot computed them (reports.sme, read by
    # publications.selectors.sme_metrics) when the data holds the programme; None: the reference figure.
    sme: dict | None = None

    @property
    def as_of(self) -> datetime.date:
        return self.snapshot.as_of

    @property
    def is_empty(self) -> bool:
        return not self.metrics.get("enterprise_count")

    @property
    def title(self) -> str:
        return _("%(name)s专精特新“小巨人”企业科创力报告") % {"name": self.name}

    def number_chapters(self) -> None:
        """Number the chapters after the foreword and findings, and drop the space an English sentence ends
        with (kept for joining sentences): at a paragraph's end WeasyPrint justified it into a line break."""
        for chapter in self.chapters:
            chapter.paragraphs = [p.strip() for p in chapter.paragraphs]
            for section in chapter.sections:
                section.paragraphs = [p.strip() for p in section.paragraphs]
                section.items = [(lead, text.strip()) for lead, text in section.items]
        numbered = [c for c in self.chapters if c.numbered]
        for number, chapter in enumerate(numbered, start=1):
            chapter.number = number


class ReportNotFound(LookupError):
    """No such scope, region or snapshot."""


def _share(part, whole):
    return part / whole if whole else None


def _peer_kind(scope: str) -> str:
    return {
        Scope.PROVINCE: pgettext("peers", "省份"),
        Scope.CITY: pgettext("peers", "城市"),
        Scope.CLUSTER: pgettext("peers", "城市群"),
    }.get(scope, "")


def figure_title(number: str, title: str) -> str:
    """A chart's or table's title numbered as the 2023 report numbers it: "图表2.3 …"."""
    return _("图表%(n)s %(title)s") % {"n": number, "title": title}


def _chart_id(prefix: str, chart: Chart) -> Chart:
    chart.id = f"{prefix}-{chart.id}"
    return chart


def _rank(peers: list, code: str, key: str) -> int | None:
    """1 + the number of peers with a strictly larger value (ties share the better rank)."""
    mine = next((p.metrics.get(key) for p in peers if p.code == code), None)
    if mine is None:
        return None
    return 1 + sum(1 for p in peers if p.metrics.get(key) is not None and p.metrics[key] > mine)


def board_label(key: str) -> str:
    return str(BOARD_LABELS.get(key, key))
