"""What a report says, per scope, read from stored indicators only (the world of tests/portal/conftest.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from enterprises.choices import DesignationStatus
from patents.models import Patent
from publications import services
from publications.content import ReportNotFound
from publications.models import ReferenceFigure
from reports import services as report_services
from reports.models import ScopeIndicator
from tests.portal.conftest import AS_OF
from tests.reports.factories import enterprise
from utilities.bulk import table_name

pytestmark = pytest.mark.django_db


def build(scope, code, snapshots, language="zh-hans"):
    return services.report_content(scope=scope, code=code, snapshot=snapshots["current"], language=language)


def keys(report):
    return [c.key for c in report.chapters]


def chapter(report, key):
    return next(c for c in report.chapters if c.key == key)


def test_the_national_report_has_every_chapter_and_the_leading_cities(snapshots):
    report = build("national", "CN", snapshots)
    assert keys(report) == [
        "foreword",
        "findings",
        "policy",
        "population",
        "places",
        "industries",
        "capital",
        "innovation",
        "capability",
        "globalisation",
        "series",
        "representatives",
        "regions",
        "cities",
        "advice",
        "appendix",
    ]
    assert [c.number for c in report.chapters[:3]] == [None, None, 1]
    cities = chapter(report, "cities").profiles
    # Three cities have members, one each (苏州, 深圳, 南京): ties in code order.
    assert [p.code for p in cities] == ["320100", "320500", "440300"]
    assert report.headline.startswith("截至2023年7月31日，全国共有3家专精特新“小巨人”企业纳入统计")


def test_a_province_report_profiles_its_cities_and_a_city_report_does_not(snapshots):
    jiangsu = build("province", "320000", snapshots)
    assert "cities" in keys(jiangsu)
    assert [p.name for p in jiangsu.chapters[keys(jiangsu).index("cities")].profiles] == ["南京市", "苏州市"]
    assert "在全国2个有企业的省份中居第1位" in jiangsu.headline
    suzhou = build("city", "320500", snapshots)
    assert "cities" not in keys(suzhou)
    assert suzhou.parent_name == "江苏省"
    assert any("占江苏省的50.0%" in p for p in chapter(suzhou, "places").paragraphs)


def test_a_cluster_report_lists_its_members(snapshots):
    report = build("cluster", "yrd", snapshots)
    places = chapter(report, "places")
    assert places.tables[0].rows[0][1] == "江苏省"
    assert "长三角的1个成员中，江苏省企业最多，有2家，占100.0%。" in places.paragraphs


def test_the_report_and_the_overview_chart_the_same_batches(world, client):
    # A fourth batch designated after the cut-off: announced on file, counted by no snapshot of 2023-07-31.
    enterprise(city="320500", designations=((4, DesignationStatus.CONFIRMED, datetime.date(2023, 10, 1)),))
    snapshot = report_services.snapshot_compute(as_of=AS_OF)
    overview = client.get(reverse("portal:overview")).context["charts"]["batches"]
    report = services.report_content(scope="national", code="CN", snapshot=snapshot, language="zh-hans")
    chart = next(c for c in chapter(report, "population").charts if c.id == "population-batches")
    # The batches of the counted population (batch_counts of metrics.md), with the same numbers on both.
    assert chart.categories == overview.categories == ["第1批", "第2批", "第3批"]
    assert chart.rows == overview.rows
    # The sentence still names every announced batch, the fourth among those not counted.
    assert chapter(report, "population").paragraphs[0].startswith("第1至4批共公示5家企业，其中2家未通过复核")


def test_every_headline_number_is_the_stored_one(snapshots):
    report = build("province", "320000", snapshots)
    stored = ScopeIndicator.objects.get(snapshot=snapshots["current"], scope="province", code="320000").metrics
    national = ScopeIndicator.objects.get(snapshot=snapshots["current"], scope="national", code="CN").metrics
    assert stored["enterprise_count"] == 2 and national["enterprise_count"] == 3
    # A: 5 patents, C: 1 → 3.0 per enterprise; nation: (5 + 3 + 1) / 3 = 3.0 (the co-applied patent counts twice).
    assert stored["applications_per_enterprise"] == 3.0 and national["applications_per_enterprise"] == 3.0
    assert report.headline == (
        "截至2023年7月31日，江苏省共有2家专精特新“小巨人”企业，占全国的66.7%，在全国2个有企业的省份中居第1位。"
        "平均每家申请专利3.0件，与全国平均持平。"
    )


def test_industries_are_shown_with_high_end_machinery_merged(snapshots):
    report = build("national", "CN", snapshots)
    categories = chapter(report, "industries").charts[0].categories
    assert "高端机械装备" in categories
    assert "电力装备" not in categories and "农机装备" not in categories


def test_the_other_fields_applications_are_said_beside_the_eight_fields_chart(snapshots):
    row = ScopeIndicator.objects.get(snapshot=snapshots["current"], scope="national", code="CN")
    row.metrics["industry_applications"] = {**row.metrics.get("industry_applications", {}), "other": 1234}
    row.save(update_fields=["metrics"])
    notes = chapter(build("national", "CN", snapshots), "industries").notes
    assert any(note.startswith("另有其他领域1,234件；") for note in notes)
    with translation.override("en"):
        notes = chapter(build("national", "CN", snapshots, language="en"), "industries").notes
    assert any("1,234" in note and "other" in note.lower() for note in notes)

    row.metrics["industry_applications"]["other"] = 0
    row.save(update_fields=["metrics"])
    notes = chapter(build("national", "CN", snapshots), "industries").notes
    assert not any("另有其他领域" in note for note in notes)


def test_a_region_without_members_says_so_and_keeps_only_the_appendix(snapshots):
    report = build("province", "540000", snapshots)
    assert keys(report) == ["appendix"]
    assert report.headline == "截至2023年7月31日，西藏自治区没有纳入统计的专精特新“小巨人”企业。"


def test_unknown_regions_are_not_found(snapshots):
    for scope, code in (("province", "990000"), ("city", "320000"), ("cluster", "xyz"), ("national", "US")):
        with pytest.raises(ReportNotFound):
            build(scope, code, snapshots)


def test_a_report_never_reads_patents(snapshots):
    # The snapshot a year earlier is computed (from patents) once, by the first build that needs it; the
    # report itself reads stored indicators only.
    report_services.snapshot_year_earlier_ensure(as_of=snapshots["current"].as_of, wait=True)
    with CaptureQueriesContext(connection) as queries:
        build("national", "CN", snapshots)
        build("province", "320000", snapshots, language="en")
    patents = table_name(Patent).strip('"')
    assert not [q["sql"] for q in queries if patents in q["sql"]]
    assert len(queries) < 60


def test_the_english_report_is_english(snapshots):
    report = build("province", "320000", snapshots, language="en")
    with translation.override("en"):
        assert report.title == "Innovation report on the Little Giant enterprises of Jiangsu"
    assert report.headline.startswith("As of 31 July 2023, Jiangsu had 2 Little Giant enterprises")
    text = " ".join(p for c in report.chapters for p in c.paragraphs)
    # Enterprise names are Chinese in both languages; every other word is English.
    for name in ("<script>alert(1)</script>科技有限公司", "南京测试农机有限公司"):
        text = text.replace(name, "")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    assert "Nanjing has the most" in text


FINDINGS = ["最新培育进展", "行业表现", "资本市场", "科技贡献", "科创画像", "区域版图", "科创成长建议"]


@pytest.mark.parametrize(
    "scope,code", [("national", "CN"), ("province", "320000"), ("city", "320500"), ("cluster", "yrd")]
)
def test_every_scope_has_the_seven_findings_chapter_02_and_both_recommendations(snapshots, scope, code):
    report = build(scope, code, snapshots)
    assert [s.title for s in chapter(report, "findings").sections] == FINDINGS
    assert all(s.paragraphs and s.paragraphs[0] for s in chapter(report, "findings").sections)
    captions = [t.caption for t in chapter(report, "capability").tables] + [
        c.title for c in chapter(report, "capability").charts
    ]
    assert [c[:6] for c in captions] == ["图表2.1 ", "图表2.2 ", "图表2.3 ", "图表2.4 ", "图表2.5 ", "图表2.6 "] + [
        "图表2.7 ",
        "图表2.7 ",
        "图表2.9 ",
    ]
    advice = chapter(report, "advice")
    assert [s.title for s in advice.sections] == ["对企业的建议", "对政府的建议"]
    assert [len(s.items) for s in advice.sections] == [4, 3]


def test_recommendations_start_with_the_scope_s_weakest_indicator(snapshots):
    # 江苏's growth rate (73.2%) is 26.8 points below the nation's, its grant rate (25.0%) 8.3 points: the
    # recommendation on growing the technology base leads, then the one on quality.
    report = build("province", "320000", snapshots)
    items = chapter(report, "advice").sections[0].items
    assert items[0][0] == "从数百件走向数千件：扩大技术体量。"
    assert "江苏省的专利增长率为73.2%，低于全国平均26.8个百分点。" in items[0][1]
    assert items[1][0] == "系统保护创新成果：提升技术质量。"
    assert "江苏省的发明专利授权率为25.0%，低于全国平均8.3个百分点。" in items[1][1]
    assert "低于全国平均" not in items[-1][1]  # a recommendation no weak indicator calls for comes last


def test_without_reference_figures_chapter_02_shows_live_figures_only(snapshots):
    ReferenceFigure.objects.all().delete()
    report = build("national", "CN", snapshots)
    capability = chapter(report, "capability")
    assert capability.tables == [] and capability.notes == []  # 2.1 and 2.2 need the reference figures
    assert not any("参考" in c for chart in capability.charts for c in chart.categories)
    assert [c.title[:6] for c in capability.charts] == [
        "图表2.3 ",
        "图表2.4 ",
        "图表2.5 ",
        "图表2.6 ",
        "图表2.7 ",
        "图表2.7 ",
        "图表2.9 ",
    ]


def test_reference_bars_carry_the_seeded_values_and_their_source(snapshots):
    report = build("national", "CN", snapshots)
    capability = chapter(report, "capability")
    scale = next(c for c in capability.charts if c.id == "capability-scale")
    star = scale.categories.index("科创板（参考）")
    assert [s["values"][star] for s in scale.series] == [396, 109]
    assert [line[1] for line in scale.lines] == [
        report.metrics["applications_per_enterprise"],
        report.metrics["valid_inventions_per_enterprise"],
    ]
    assert any("智慧芽《2023年专精特新“小巨人”企业科创力报告》" in note for note in capability.notes)
