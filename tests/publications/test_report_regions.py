"""Chapter 03 read back from the PDF (pypdf): charts 3.1-3.3 and the cluster page, in the national report
in Chinese and the 长三角 cluster report in English, on the demo dataset at 2023-07-31."""

import pytest

from publications import services
from tests.publications.test_fidelity import _demo_snapshot, pdf_text

pytestmark = pytest.mark.django_db


def test_the_national_and_a_cluster_pdf_carry_chapter_03_and_the_cluster_page(regions):
    snapshot = _demo_snapshot()
    national, _pages = services.report_pdf_render(scope="national", code="CN", snapshot=snapshot, language="zh-hans")
    cluster, _pages = services.report_pdf_render(scope="cluster", code="yrd", snapshot=snapshot, language="en")
    zh, en = pdf_text(national), pdf_text(cluster)

    assert [n for n in ("3.1", "3.2", "3.3") if f"图表{n}" not in zh] == []
    assert [n for n in ("3.1", "3.2", "3.3") if f"Figure{n}" not in en] == []
    assert "区域科创版图" in zh and "Regionallandscapeofinnovation" in en
    # The cluster page: the three clusters in the original's order, its paragraph and footnote.
    page = zh.find("三大城市群：京津冀、长三角、粤港澳")
    assert page != -1
    # The columns' headings, read across the page.
    assert "京津冀长三角粤港澳" in zh[page + 20 :]
    assert "个城市群中" in zh[page:] and "粤港澳城市群只统计广东省的九个城市" in zh
    assert "其中上市企业（家，不含新三板）" in zh
    assert "Thethreeclusters" in en and "GreaterBayAreacountstheninecitiesofGuangdong" in en
    assert "（" not in en[en.find("Thethreeclusters") :][:3000]
    # The bubble chart's national reference lines, and the 3.3 rule scaled to the demo's population.
    assert "全国平均" in zh and "沿用原报告的门槛" in zh


def test_chapter_03_of_the_small_world(snapshots):
    """Three enterprises (南京, 苏州, 深圳): the stacked counts, the 3.3 rule scaled to 3 enterprises, the
    bubbles and the cluster page's columns in the original's order (京津冀 has none: left out)."""
    report = services.report_content(scope="national", code="CN", snapshot=snapshots["current"], language="zh-hans")
    regions = next(c for c in report.chapters if c.key == "regions")
    provinces, bubbles, cities = regions.charts
    assert provinces.title.startswith("图表3.1") and provinces.kind == "stacked"
    assert provinces.categories == ["江苏省", "广东省"]
    # Each province's batches add up to its enterprises (the table's last column).
    assert [sum(s["values"][i] for s in provinces.series) for i in range(2)] == [2, 1]
    assert [row[-1] for row in provinces.rows] == ["2", "1"]
    assert bubbles.title.startswith("图表3.2") and bubbles.kind == "bubble" and len(bubbles.lines) == 2
    # 150 of the original's 12,192 scaled to 3 enterprises: 1.
    assert cities.title == "图表3.3 企业数不少于1家的城市（按批次）"
    assert sorted(cities.categories) == ["南京市", "深圳市", "苏州市"]
    assert any("按本报告的3家企业同比例折算为1家" in p for p in regions.paragraphs)
    page = regions.cluster_page
    assert [c.code for c in page.columns] == ["yrd", "gba"]
    assert [c.n for c in page.columns] == [2, 1]
    assert page.paragraph.startswith("2个城市群中，长三角的企业最多，有2家。")
    assert "粤港澳城市群只统计广东省的九个城市" in page.note
