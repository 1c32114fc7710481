"""Reference figures: seeded with the outline's values and sources, read as of the report's date."""

import datetime
import re
from decimal import Decimal

import pytest

from publications import services
from publications.models import ReferenceFigure
from publications.selectors import reference_figures

pytestmark = pytest.mark.django_db

REPORT_DATE = datetime.date(2023, 7, 31)


def test_the_outline_s_reference_values_are_seeded_with_their_source():
    figures = reference_figures(as_of=REPORT_DATE)
    assert figures[("star", "applications_per_enterprise")].value == 396
    assert figures[("bse", "valid_inventions_per_enterprise")].value == 16
    assert figures[("star", "invention_share")].value == pytest.approx(0.658)
    assert figures[("bse", "invention_grant_rate")].value == pytest.approx(0.39)
    assert figures[("champion", "citations_per_enterprise")].value == 2894
    assert figures[("sme", "pct_per_enterprise")].value == pytest.approx(0.54)
    assert {figures[(b, "listed_enterprises")].value for b in ("main", "chinext", "star", "bse")} == {
        3182,
        1296,
        550,
        210,
    }
    assert all("智慧芽" in f.source for (group, _m), f in figures.items() if group in ("star", "bse", "sme"))
    assert figures[("nation", "applications_in_year")].as_of == datetime.date(2022, 12, 31)


def test_the_newest_figure_not_after_the_report_s_date_wins():
    ReferenceFigure.objects.create(
        group="star",
        measure="applications_per_enterprise",
        value=Decimal("420"),
        unit="件/家",
        source="一份更新的来源",
        as_of=datetime.date(2024, 7, 31),
    )
    assert reference_figures(as_of=REPORT_DATE)[("star", "applications_per_enterprise")].value == 396
    newer = reference_figures(as_of=datetime.date(2024, 12, 31))[("star", "applications_per_enterprise")]
    assert (newer.value, newer.source) == (420, "一份更新的来源")


def test_a_report_dated_before_every_source_has_no_reference():
    assert reference_figures(as_of=datetime.date(2020, 1, 1)) == {}


CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


def _notes(report) -> list[str]:
    return [str(note) for chapter in report.chapters for note in chapter.notes]


def test_an_english_report_cites_its_reference_figures_in_english(snapshots):
    seeded = set(ReferenceFigure.objects.values_list("source", flat=True))
    assert ReferenceFigure.objects.filter(source_en="").count() == 0  # 0004 translated every seeded source
    report = services.report_content(scope="national", code="CN", snapshot=snapshots["current"], language="en")
    notes = _notes(report)
    capability = next(c for c in report.chapters if c.key == "capability")
    assert any("PatSnap" in note for note in capability.notes)
    assert [n for n in capability.notes if CJK.search(n)] == []
    assert [n for n in notes if any(source in n for source in seeded)] == []
    chinese = services.report_content(scope="national", code="CN", snapshot=snapshots["current"], language="zh-hans")
    assert any("智慧芽" in note for note in _notes(chinese)) and not any("PatSnap" in n for n in _notes(chinese))


def test_without_an_english_source_an_english_report_cites_the_chinese_one(snapshots):
    ReferenceFigure.objects.filter(group="star").update(source="一份只有中文的来源", source_en="")
    report = services.report_content(scope="national", code="CN", snapshot=snapshots["current"], language="en")
    assert any("一份只有中文的来源" in note for note in _notes(report))
