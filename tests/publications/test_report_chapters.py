"""The PDF read back: the foreword, the seven findings, chapter 02's numbered charts and chapter 04 are in the
national and a province report, with the reference figures' sources; no developer wording reaches readers.

On the demo dataset at 2023-07-31 (as tests/publications/test_fidelity.py), the national report in Chinese
and the 江苏 report in English.
"""

import re

import pytest
from django.utils import translation

from publications import services
from tests.publications.test_fidelity import _demo_snapshot, pdf_text

pytestmark = pytest.mark.django_db

# Chapter 02 of the 2023 report: every chart the portal draws, and chapter 01's comparisons with listed
# firms and with a year earlier (the demo data reaches back to 2022-07-31: the build computes that snapshot).
CHAPTER_02 = ("1.5", "1.6", "1.7", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "2.10")
FINDINGS = ("最新培育进展", "行业表现", "资本市场", "科技贡献", "科创画像", "区域版图", "科创成长建议")
# Developer wording: the original report named as "the report", and repository paths.
FORBIDDEN = (re.compile(r"与报告一致"), re.compile(r"[\w-]+/[\w/-]+\.(?:md|py|html|csv)"), re.compile(r"PROVENANCE"))


def english(text: str) -> str:
    with translation.override("en"):
        return translation.gettext(text)


def test_the_national_and_a_province_pdf_carry_findings_chapter_02_and_04(regions):
    snapshot = _demo_snapshot()
    national, _pages = services.report_pdf_render(scope="national", code="CN", snapshot=snapshot, language="zh-hans")
    jiangsu, _pages = services.report_pdf_render(scope="province", code="320000", snapshot=snapshot, language="en")
    zh, en = pdf_text(national), pdf_text(jiangsu)

    assert [n for n in CHAPTER_02 if f"图表{n}" not in zh] == []
    assert [n for n in CHAPTER_02 if f"Figure{n}" not in en] == []
    assert "政策背景与培育体系" in zh and "Policybackground" in en
    assert "前言" in zh and "核心发现" in zh and "Foreword" in en and "Keyfindings" in en
    # The seven findings in the original's order.
    positions = [zh.find(f"{i}{title}", zh.find("核心发现", 1000)) for i, title in enumerate(FINDINGS, start=1)]
    assert -1 not in positions and positions == sorted(positions), positions
    assert all(re.sub(r"\s+", "", english(title)) in en for title in FINDINGS)
    # Chapter 04: both groups of recommendations, tied to the scope's weakest indicators.
    for text, words in (
        (zh, ("科创成长建议", "对企业的建议", "对政府的建议")),
        (en, ("Recommendations", "Forenterprises", "Forgovernment")),
    ):
        assert all(w in text for w in words), words
    assert "最需补强的是" in zh and "theweakestpointsare" in en and "aboveall" in en
    # Reference figures are named with their source; the national report says what share of China it is.
    assert "智慧芽《2023年专精特新“小巨人”企业科创力报告》" in zh and "科创板（参考）" in zh
    assert "2022年公开的专利申请占全国的" in zh
    for text in (zh, en):
        assert [p.pattern for p in FORBIDDEN if p.search(text)] == []
