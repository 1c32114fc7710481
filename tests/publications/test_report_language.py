"""The PDF read back for its language (issue 25, "Language and legibility"): on the demo dataset at
2023-07-31, the national and the 江苏 report in both languages.

Chinese: 新三板 is quoted, not inside the A-share breakdown; city rankings say "城市中"; a field that leads
again says "也是"; a value at least twice the national one reads as a multiple. English: no full-width
punctuation at all, no "Among the enterprises of …", no far-from-the-mean percentage. Both: the table of
contents numbers its chapters; no developer wording.
"""

import io
import re

import pytest
from pypdf import PdfReader

from enterprises.choices import INDUSTRY_CHART_GROUPS, IndustryField
from portal.indicators import INDUSTRY_LABELS, PANEL
from publications import services
from tests.publications.test_fidelity import _demo_snapshot
from tests.publications.test_report_chapters import FORBIDDEN

pytestmark = pytest.mark.django_db

FULL_WIDTH = re.compile(r"[（）：，、。；]")


def _raw_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _far_percentages(text: str, pattern: str) -> list[str]:
    """Differences of 100% or more printed as a percentage (they should read as a multiple)."""
    return [m for m in re.findall(pattern, text) if float(m.replace(",", "")) >= 100]


def _check_chinese(pages: list[str], *, national: bool) -> None:
    text = "".join(pages)
    for breakdown in re.findall(r"其中A股上市[\d,]+家（([^）]*)）", text):
        assert "新三板" not in breakdown and "港股" not in breakdown, breakdown
    assert "上市或挂牌" in text
    leading = re.search(r"企业数量最多的产业领域是([^，]+)，", text)
    assert leading and f"专利申请最多的是{leading.group(1)}，" not in text
    if national:
        assert "城市中企业数量居前3位的是" in text
        assert not re.search(r"(?<!城市中)企业数量居前3位的是[^，]*市、", text)
    assert _far_percentages(text, r"[高低]于全国平均(\d{1,3}(?:,\d{3})*\.\d)%") == []
    assert "2企业总体情况" in pages[1] and "3地区分布" in pages[1]  # 1 is the policy chapter


def _check_city_pages(pages: list[str], cities: int) -> None:
    """One dense page per leading city: boards, the eight indicators against the national average, all eight
    fields of 行业特色, on the same page."""
    indicators = [re.sub(r"\s+", "", str(i.label)) for d in PANEL for i in d.indicators]
    groups = {INDUSTRY_CHART_GROUPS.get(k, k) for k in IndustryField.values if k != IndustryField.OTHER}
    fields = [re.sub(r"\s+", "", str(INDUSTRY_LABELS[g])) for g in groups]
    city_pages = [page for page in pages if "行业特色：各产业领域累计专利申请量" in page]
    assert len(city_pages) == cities
    for page in city_pages:
        assert "资本市场参与情况" in page and page.count("全国平均") >= 8
        assert [i for i in indicators if i not in page] == [] and [f for f in fields if f not in page] == []


def _check_english(raw: list[str]) -> None:
    # Words keep their spaces here: table cells run together once whitespace is taken out.
    spaced = re.sub(r"\s+", " ", " ".join(raw))
    assert _far_percentages(spaced, r"(?<![\d.,])(\d{1,3}(?:,\d{3})*\.\d)% (?:above|below) the national average") == []
    pages = [re.sub(r"\s+", "", page) for page in raw]
    text = "".join(pages)
    assert FULL_WIDTH.findall(text) == []
    assert "Amongtheenterprisesof" not in text
    assert "listedorquoted" in text
    assert "2Thepopulation" in pages[1] and "3Wheretheyare" in pages[1]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_national_and_a_province_pdf_read_as_their_language(regions, language):
    snapshot = _demo_snapshot()
    for scope, code in (("national", "CN"), ("province", "320000")):
        pdf, _count = services.report_pdf_render(scope=scope, code=code, snapshot=snapshot, language=language)
        raw = _raw_pages(pdf)
        pages = [re.sub(r"\s+", "", page) for page in raw]
        if language == "en":
            _check_english(raw)
        else:
            _check_chinese(pages, national=scope == "national")
            _check_city_pages(pages, cities=5 if scope == "national" else 3)
        text = "".join(pages)
        assert [p.pattern for p in FORBIDDEN if p.search(text)] == []
