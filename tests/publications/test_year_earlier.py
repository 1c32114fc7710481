"""A year earlier and the listed-firm comparisons: charts 1.5, 1.6, 1.7 and 2.10, the citation growth and the
policy pages, read back from the PDF of the small world (tests/portal/conftest.py).

The world's designations date from 2019-2021, so at 2023-07-31 the data reaches back to 2022-07-31: the
PDF build computes that snapshot. A world whose every designation is younger than a year cannot compare,
and its report says so in both languages.
"""

import datetime

import pytest
from django.utils import translation

from enterprises.choices import DesignationStatus
from publications import services
from reports import outbox
from reports.choices import SnapshotStatus
from reports.models import PendingRecompute, Snapshot
from reports.selectors import snapshot_year_earlier, year_earlier_date
from reports.services import YearEarlier, snapshot_compute, snapshot_year_earlier_ensure
from tests.portal.conftest import AS_OF
from tests.publications.test_fidelity import pdf_text
from tests.reports.factories import enterprise, patent

pytestmark = pytest.mark.django_db

YEAR_EARLIER = datetime.date(2022, 7, 31)


def _complete(as_of):
    return Snapshot.objects.filter(as_of=as_of, status=SnapshotStatus.COMPLETE)


def test_the_same_day_a_year_earlier():
    assert year_earlier_date(AS_OF) == YEAR_EARLIER
    assert year_earlier_date(datetime.date(2024, 2, 29)) == datetime.date(2023, 2, 28)


def test_the_pdf_build_computes_the_year_earlier_snapshot_and_draws_the_comparisons(world):
    current = snapshot_compute(as_of=AS_OF)
    assert not _complete(YEAR_EARLIER).exists()
    pdf, _pages = services.report_pdf_render(scope="national", code="CN", snapshot=current, language="zh-hans")
    earlier = _complete(YEAR_EARLIER).get()
    # At 2022-07-31 the third batch's firm (designated 2021) is in, the world's 2023 patent is not.
    assert earlier.enterprise_count == 3
    zh = pdf_text(pdf)
    for figure in ("图表1.5", "图表1.6", "图表1.7", "图表2.10"):
        assert figure in zh, figure
    assert "与上年同期（2022年7月31日）相比" in zh
    assert "专利被引总量" in zh and "政策背景与培育体系" in zh and "培育梯度体系" in zh
    assert "工信部企业〔2013〕264号" in zh and "国发〔2015〕28号" in zh  # the policy page cites its documents
    assert "智慧芽《2023年专精特新“小巨人”企业科创力报告》" in zh
    # The second build finds the snapshot: nothing is computed again.
    services.report_pdf_render(scope="national", code="CN", snapshot=current, language="en")
    assert _complete(YEAR_EARLIER).get().pk == earlier.pk


def test_the_english_pdf_carries_the_same_figures(world):
    current = snapshot_compute(as_of=AS_OF)
    pdf, _pages = services.report_pdf_render(scope="province", code="320000", snapshot=current, language="en")
    en = pdf_text(pdf)
    for figure in ("Figure1.5", "Figure1.6", "Figure1.7", "Figure2.10"):
        assert figure in en, figure
    assert "Policybackground" in en and "Comparedwith31July2022" in en
    # The policy page cites its documents in English words, their numbers romanised as English citations write them.
    assert "MIIT,InterimMeasuresfortheTieredCultivationofQualitySMEs,June2022" in en
    assert "documentGuofa[2015]No.28" in en and "PatSnap" in en


def test_a_database_that_does_not_reach_back_says_so_in_both_languages(db, regions):
    young = enterprise(city="320500", designations=((5, DesignationStatus.CONFIRMED, datetime.date(2023, 1, 1)),))
    patent(young, published=datetime.date(2023, 3, 1))
    current = snapshot_compute(as_of=AS_OF)
    assert snapshot_year_earlier_ensure(as_of=AS_OF, wait=True).status == YearEarlier.UNAVAILABLE
    zh, _p = services.report_pdf_render(scope="national", code="CN", snapshot=current, language="zh-hans")
    en, _p = services.report_pdf_render(scope="national", code="CN", snapshot=current, language="en")
    assert "数据未能追溯到2022年7月31日，本报告无法与上年同期比较" in pdf_text(zh)
    assert "Thedatadonotreachbackto31July2022" in pdf_text(en)
    assert "图表1.6" not in pdf_text(zh) and "图表2.10" not in pdf_text(zh)
    assert not Snapshot.objects.filter(as_of=YEAR_EARLIER).exists()


def test_the_web_page_queues_the_year_earlier_snapshot_and_says_it_is_being_computed(world, monkeypatch):
    current = snapshot_compute(as_of=AS_OF)
    # A real broker: the nudge leaves the work to a worker (none runs in the test).
    monkeypatch.setattr(outbox, "kick", lambda: True)
    report = services.report_content(scope="national", code="CN", snapshot=current, language="zh-hans", wait=False)
    assert report.earlier.status == YearEarlier.COMPUTING
    assert PendingRecompute.objects.filter(as_of=YEAR_EARLIER).exists()
    capital = next(c for c in report.chapters if c.key == "capital")
    assert any("上年数据正在计算" in p for p in capital.paragraphs)
    assert not any(chart.id == "capital-change" for chart in capital.charts)
    with translation.override("en"):
        english = services.report_content(scope="national", code="CN", snapshot=current, language="en", wait=False)
    capital = next(c for c in english.chapters if c.key == "capital")
    assert any("Last year's figures are being computed" in p for p in capital.paragraphs)
    # The worker's run (the drain) computes it; the next build compares.
    outbox.outbox_drain()
    assert snapshot_year_earlier(as_of=AS_OF) is not None
    report = services.report_content(scope="national", code="CN", snapshot=current, language="zh-hans", wait=False)
    assert report.earlier.status == YearEarlier.READY
    capital = next(c for c in report.chapters if c.key == "capital")
    change = next(chart for chart in capital.charts if chart.id == "capital-change")
    assert change.categories[0] == "沪深主板"


def test_an_earlier_snapshot_within_a_month_serves(world):
    near = snapshot_compute(as_of=datetime.date(2022, 7, 15))
    assert snapshot_year_earlier_ensure(as_of=AS_OF, wait=True).snapshot.pk == near.pk
    assert snapshot_year_earlier(as_of=datetime.date(2023, 9, 1)) is None


def test_the_web_charts_carry_the_average_lines_and_chart_2_4_draws_the_growth_as_a_line(world):
    from publications.svg import chart_svg

    current = snapshot_compute(as_of=AS_OF)
    report = services.report_content(scope="national", code="CN", snapshot=current, language="zh-hans", wait=False)
    capability = next(c for c in report.chapters if c.key == "capability")
    scale = next(c for c in capability.charts if c.id == "capability-scale")
    # The page's ECharts spec has the national averages the PDF draws as dashed lines.
    assert [line["value"] for line in scale.spec["lines"]] == [
        report.metrics["applications_per_enterprise"],
        report.metrics["valid_inventions_per_enterprise"],
    ]
    growth = next(c for c in capability.charts if c.id == "capability-growth")
    assert growth.spec["trend"]["values"][-1] == report.metrics["growth_cagr"]
    assert growth.spec["trend"]["percent"] is True and len(growth.series) == 3  # three years of bars, no CAGR bar
    assert "━ 年均增速" in chart_svg(growth)


def test_an_older_snapshot_does_not_render_its_reports_ahead(world, settings, django_capture_on_commit_callbacks):
    # Else the year-earlier snapshot a render computes would render its own reports, compute the year
    # before it, and so on back to the oldest data.
    settings.PUBLICATIONS_RENDER_ON_SNAPSHOT = True
    snapshot_compute(as_of=AS_OF)
    with django_capture_on_commit_callbacks() as callbacks:
        snapshot_compute(as_of=YEAR_EARLIER)
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        snapshot_compute(as_of=AS_OF)
    assert len(callbacks) == 1


def test_the_page_that_says_it_is_computing_is_not_kept(world, client, monkeypatch):
    snapshot_compute(as_of=AS_OF)
    monkeypatch.setattr(outbox, "kick", lambda: True)  # a worker will run it: not in this test
    response = client.get("/reports/national/CN/")
    assert "上年数据正在计算" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    outbox.outbox_drain()
    response = client.get("/reports/national/CN/")
    assert "上年数据正在计算" not in response.content.decode() and "图表1.6" in response.content.decode()


def test_a_readers_pdf_asks_a_worker_for_the_year_earlier_and_keeps_nothing_incomplete(world, client, monkeypatch):
    """A download never computes a snapshot in the request: while a worker computes the year earlier the reader
    is asked to come back (503, Retry-After) and no PDF without its comparisons is kept."""
    from publications.models import RenderedReport

    snapshot_compute(as_of=AS_OF)
    monkeypatch.setattr(outbox, "kick", lambda: True)  # a worker will run it: not in this test
    response = client.get("/reports/national/CN/report.pdf")
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert "上年数据正在计算" in response.content.decode()
    assert not _complete(YEAR_EARLIER).exists() and PendingRecompute.objects.filter(as_of=YEAR_EARLIER).exists()
    assert not RenderedReport.objects.exists()
    outbox.outbox_drain()
    response = client.get("/reports/national/CN/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "图表1.6" in pdf_text(b"".join(response.streaming_content))
