"""The public pages in a real browser (Playwright for Python driving Debian's Chromium).

On each page: the charts rendered (a non-empty canvas), every shown indicator value equals the indicator
API's, the console has no error and no request leaves 127.0.0.1. Screenshots go to
tests/portal/screenshots/ (git-ignored). Without /usr/bin/chromium the tests skip, saying why, unless
CI=true, where they must run. Never a downloaded browser build: `playwright install` is not used.
"""

import json
import os
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.utils import translation

from portal import formatting

from .conftest import CHROMIUM

CI = os.environ.get("CI", "").lower() == "true"
SCREENSHOTS = Path(__file__).parent / "screenshots"

if not Path(CHROMIUM).exists() and not CI:
    pytest.skip(
        f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium); CI=true runs them",
        allow_module_level=True,
    )
if not Path(CHROMIUM).exists() and CI:
    raise RuntimeError(f"CI=true but Chromium is missing at {CHROMIUM}: .ci/run installs it with apt-get")

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

# Playwright's sync API runs an event loop in this thread; Django would refuse the test's own ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.fixture
def site(live_server, snapshots, world):
    SCREENSHOTS.mkdir(exist_ok=True)
    return live_server.url


def api_metrics(base: str, scope: str, code: str) -> dict:
    with urllib.request.urlopen(f"{base}/api/v1/indicators/{scope}/{code}/") as response:
        return json.load(response)["metrics"]


def open_page(browser, url: str, name: str, *, width: int = 1280):
    """Open ``url``, recording console errors and every request; returns (page, errors, foreign requests)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors, foreign = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def record(request):
        host = urllib.parse.urlsplit(request.url).hostname
        if request.url.startswith(("data:", "blob:")):
            return
        if host not in ("127.0.0.1", "localhost"):
            foreign.append(request.url)

    page.on("request", record)
    page.goto(url, wait_until="networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    return page, errors, foreign


def charts_rendered(page) -> tuple[int, int]:
    """(charts on the page, charts whose canvas holds any drawn pixel)."""
    return page.evaluate(
        """() => {
        const charts = [...document.querySelectorAll('[data-chart]')];
        const drawn = charts.filter(el => [...el.querySelectorAll('canvas')].some(c => {
            const ctx = c.getContext('2d'); if (!c.width || !c.height) return false;
            const data = ctx.getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
            return false;
        }));
        return [charts.length, drawn.length];
    }"""
    )


def shown_values(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-metric][data-value]')].map(el => ({
            metric: el.dataset.metric, region: el.dataset.region || '', value: el.dataset.value,
            exact: !!el.querySelector('.metric-value') || el.classList.contains('metric-value'),
            text: (el.querySelector('.metric-value') || el).textContent.trim()}))"""
    )


def assert_values_match_the_api(base: str, page, default_region: str, language: str) -> int:
    checked = 0
    cache: dict[str, dict] = {}
    for shown in shown_values(page):
        region = shown["region"] or default_region
        if region not in cache:
            cache[region] = api_metrics(base, *region.split("/"))
        expected = cache[region][shown["metric"]]
        if expected is None:
            assert shown["value"] == "", shown
        else:
            assert float(shown["value"]) == pytest.approx(expected, rel=1e-12), shown
        with translation.override(language):
            formatted = formatting.metric(shown["metric"], expected)
        if shown["exact"]:
            assert shown["text"] == formatted, shown
        else:
            assert formatted in shown["text"] or shown["metric"] == "applications_total", shown
        checked += 1
    return checked


def check(browser, base, path, name, *, region, language="zh-hans", min_charts=1, min_values=1):
    page, errors, foreign = open_page(browser, base + path, name)
    try:
        assert errors == [], errors
        assert foreign == [], foreign
        charts, drawn = charts_rendered(page)
        assert charts >= min_charts and drawn == charts, (charts, drawn)
        if min_values:
            assert assert_values_match_the_api(base, page, region, language) >= min_values
    finally:
        page.close()


def test_overview(browser, site):
    check(browser, site, "/", "overview", region="national/CN", min_charts=8)


def test_province(browser, site):
    check(browser, site, "/regions/320000/", "province", region="province/320000", min_charts=3, min_values=9)


def test_city(browser, site):
    check(browser, site, "/regions/440000/440300/", "city", region="city/440300", min_charts=3, min_values=9)


def test_cluster(browser, site):
    check(browser, site, "/clusters/yrd/", "cluster", region="cluster/yrd", min_charts=3, min_values=9)


def test_enterprise(browser, site, world):
    check(
        browser,
        site,
        f"/enterprises/{world['A'].credit_code}/",
        "enterprise",
        region="national/CN",
        min_charts=3,
        min_values=6,
    )


def test_filtered_list(browser, site):
    page, errors, foreign = open_page(browser, site + "/enterprises/?province=320000&sort=-applications", "list")
    try:
        assert errors == [] and foreign == []
        # A and C are 江苏's counted members, as its profile counts them; R (revoked) is offered beside them.
        assert page.locator("table.data-table tbody tr").count() == 2
        assert page.locator("p.population-note a[href*='population=all']").count() == 1
    finally:
        page.close()


def test_compare(browser, site):
    check(
        browser, site, "/compare/?codes=320000,440300,yrd", "compare", region="national/CN", min_charts=2, min_values=32
    )


def test_english_version(browser, site):
    check(
        browser,
        site,
        "/en/regions/320000/",
        "province-en",
        region="province/320000",
        language="en",
        min_charts=3,
        min_values=9,
    )
    page, errors, _foreign = open_page(browser, site + "/en/", "overview-en")
    try:
        assert errors == []
        assert "Little Giants Innovation Portal" in page.title()
    finally:
        page.close()


def test_phone_width_has_no_horizontal_scroll(browser, site):
    page, errors, _foreign = open_page(browser, site + "/regions/320000/", "province-phone", width=390)
    try:
        assert errors == []
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        page.close()


def test_a_region_profile_prints_to_a4_with_its_tables(browser, site, tmp_path):
    page = browser.new_page()
    try:
        page.goto(site + "/regions/320000/", wait_until="networkidle")
        page.emulate_media(media="print")
        assert page.locator(".site-header").is_hidden()
        pdf = tmp_path / "province.pdf"
        page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
        assert pdf.stat().st_size > 10_000
        if shutil.which("pdftotext"):
            import subprocess

            text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
            assert "数据表" not in text or "累计专利申请量" in text
    finally:
        page.close()
