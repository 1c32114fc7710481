"""Fidelity: the PDF states the stored indicators. The text is read back from the PDF with pypdf and every
headline figure is looked for, formatted as the report prints it, from the ScopeIndicator rows.

On the report-scale dataset at 2023-07-31 the same checks read the report's own figures (12,192
enterprises, 45.4% invention share, ...): ``bench/report.py`` runs them there.
"""

import datetime
import io
import os
import re
import tempfile

import pytest
from django.core.management import call_command
from django.utils import translation
from pypdf import PdfReader

from portal import formatting as fmt
from portal.indicators import OVERSEAS_BUCKET_LABELS, PCT_BUCKET_LABELS
from publications import services
from reports.choices import OVERSEAS_BUCKETS, PCT_BUCKETS
from reports.models import ScopeIndicator
from reports.services import snapshot_compute

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    """All pages' text without whitespace: line breaks fall anywhere in Chinese text."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def headline_figures(metrics: dict) -> dict[str, str]:
    """The national report's headline figures as printed, from the stored metrics."""
    figures = {
        "enterprise_count": fmt.number(metrics["enterprise_count"]) + "家",
        "applications_per_enterprise": "平均每家申请专利"
        + fmt.metric("applications_per_enterprise", metrics["applications_per_enterprise"]),
        "valid_inventions_per_enterprise": "拥有有效发明专利"
        + fmt.metric("valid_inventions_per_enterprise", metrics["valid_inventions_per_enterprise"]),
        "invention_share": "发明专利占比" + fmt.percent(metrics["invention_share"]),
        "invention_grant_rate": "发明专利授权率" + fmt.percent(metrics["invention_grant_rate"]),
        "growth_cagr": "年均增长" + fmt.percent(metrics["growth_cagr"]),
        "pct_per_enterprise": "PCT专利总量" + fmt.metric("pct_per_enterprise", metrics["pct_per_enterprise"]),
    }
    n = metrics["enterprise_count"]
    for key in PCT_BUCKETS:
        value = metrics["pct_buckets"].get(key, 0)
        figures[f"pct_buckets[{key}]"] = f"{PCT_BUCKET_LABELS[key]}{fmt.number(value)}{fmt.percent(value / n)}"
    for key in OVERSEAS_BUCKETS:
        value = metrics["overseas_buckets"].get(key, 0)
        figures[f"overseas_buckets[{key}]"] = (
            f"{OVERSEAS_BUCKET_LABELS[key]}{fmt.number(value)}{fmt.percent(value / n)}"
        )
    return {key: squeeze(str(value)) for key, value in figures.items()}


def city_figures(snapshot, limit: int = 5) -> dict[str, str]:
    """Each leading city's page: "X市共有N家…企业" and its applications per enterprise."""
    cities = ScopeIndicator.objects.filter(snapshot=snapshot, scope="city", enterprise_count__gt=0).order_by(
        "-enterprise_count", "code"
    )[:limit]
    return {
        c.name: squeeze(
            f"{c.name}共有{fmt.number(c.enterprise_count)}家专精特新“小巨人”企业"
            f"，总计{fmt.wan(c.metrics['applications_total'])}专利申请"
            f"，平均每家{fmt.metric('applications_per_enterprise', c.applications_per_enterprise)}件"
        )
        for c in cities
    }


def check_national_pdf(snapshot) -> tuple[bytes, str]:
    pdf, pages = services.report_pdf_render(scope="national", code="CN", snapshot=snapshot, language="zh-hans")
    text = pdf_text(pdf)
    metrics = ScopeIndicator.objects.get(snapshot=snapshot, scope="national", code="CN").metrics
    with translation.override("zh-hans"):
        missing = {k: v for k, v in headline_figures(metrics).items() if v not in text}
        missing.update({k: v for k, v in city_figures(snapshot).items() if v not in text})
    assert missing == {}, text[:3000]
    return pdf, text


def test_the_small_worlds_national_pdf_states_its_figures_with_bookmarks_and_embedded_fonts(snapshots):
    pdf, text = check_national_pdf(snapshots["current"])
    reader = PdfReader(io.BytesIO(pdf))
    titles = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    assert titles[:5] == ["全国专精特新“小巨人”企业科创力报告", "目录", "前言", "核心发现", "1 政策背景与培育体系"]
    # The appendix is the last numbered chapter, whatever the chapters before it.
    numbered = [t for t in titles if re.match(r"\d+ ", t)]
    assert numbered[-1] == f"{len(numbered)} 附录：方法说明与数据截止日期", numbered
    cities = next(item for item in reader.outline if isinstance(item, list))
    assert [c["/Title"] for c in cities] == ["南京市", "苏州市", "深圳市"]
    # The table of contents carries page numbers: the appendix's page, found by the bookmark.
    appendix = next(item for item in reader.outline if not isinstance(item, list) and item["/Title"] == numbered[-1])
    page = reader.get_destination_page_number(appendix) + 1
    assert re.search(rf"附录：方法说明与数据截止日期\.+{page}(?!\d)", squeeze(reader.pages[1].extract_text()))
    # Every font is embedded (a FontFile in each descriptor), and the page size is A4.
    for pdf_page in reader.pages[:3]:
        for font in pdf_page["/Resources"]["/Font"].values():
            descriptor = (
                font.get_object().get("/FontDescriptor")
                or font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            assert any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)
    assert "截至2023年7月31日" in text


def _demo_snapshot():
    with tempfile.TemporaryDirectory(prefix="lg-report-demo-") as out:
        call_command("generate_dataset", scale="demo", seed=2023, out=out, stdout=io.StringIO())
        call_command("import_enterprises", os.path.join(out, "enterprises.csv"), stdout=io.StringIO())
        call_command("import_patents", os.path.join(out, "patents.csv"), stdout=io.StringIO())
    return snapshot_compute(as_of=datetime.date(2023, 7, 31))


def test_the_demo_national_pdf_states_the_stored_headline_figures_and_five_city_pages(regions):
    snapshot = _demo_snapshot()
    _pdf, text = check_national_pdf(snapshot)
    assert len(city_figures(snapshot)) == 5


# Heavier variant: runs in CI (CI=true) or with RUN_SLOW=1, not in a plain `make test`.
@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("CI", "").lower() != "true" and not os.environ.get("RUN_SLOW"),
    reason="slow: set RUN_SLOW=1 (CI runs it)",
)
def test_the_demo_province_pdf_in_english_states_its_figures(regions):
    snapshot = _demo_snapshot()
    pdf, _pages = services.report_pdf_render(scope="province", code="320000", snapshot=snapshot, language="en")
    text = pdf_text(pdf)
    metrics = ScopeIndicator.objects.get(snapshot=snapshot, scope="province", code="320000").metrics
    national = ScopeIndicator.objects.get(snapshot=snapshot, scope="national", code="CN").metrics
    with translation.override("en"):
        expected = [
            f"Jiangsu had {fmt.number(metrics['enterprise_count'])} Little Giant enterprises",
            f"{fmt.percent(metrics['enterprise_count'] / national['enterprise_count'])} of the nation",
            fmt.metric("applications_per_enterprise", metrics["applications_per_enterprise"]),
            fmt.percent(metrics["invention_share"]),
        ]
    assert [e for e in expected if squeeze(e) not in text] == []
