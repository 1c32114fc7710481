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
