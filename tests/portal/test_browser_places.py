"""The place picker, the header search and the ranking page in Chromium, at 1366 and 390 px, in both
languages (the harness of test_browser.py: Debian's Chromium, no request leaves 127.0.0.1)."""

import datetime

import pytest

from reports import services
from tests.reports.factories import enterprise, patent

from .conftest import AS_OF, EARLIER
from .test_browser import SCREENSHOTS, assert_values_match_the_api, open_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WIDTHS = (1366, 390)
DESKTOP, PHONE = WIDTHS


@pytest.fixture
def site(live_server, snapshots, world):
    SCREENSHOTS.mkdir(exist_ok=True)
    return live_server.url


@pytest.fixture
def every_place_ranked(monkeypatch):
    """The small world has one or two enterprises a place, below the ratios' minimum for a rank: the tests
    of the table's order and of the nation's row rank them all (the minimum has its own tests in
    test_ranking.py). The live server runs in this process, so it sees the patched constant."""
    from portal.pages import ranking

    monkeypatch.setattr(ranking, "MIN_RANKED_ENTERPRISES", 1)


def pick(page, text: str, option: str):
    """Type ``text`` into the picker and choose the suggestion whose label holds ``option``."""
    field = page.locator("#places")
    field.click()
    field.press_sequentially(text, delay=30)
    choice = page.locator("#places-suggestions [role=option]", has_text=option).first
    choice.wait_for(state="visible")
    choice.click()


def no_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("prefix", "guangdong", "jiangsu"), [("", "广东省", "江苏"), ("/en", "Guangdong", "Jiangsu")])
def test_compare_by_typing_names(browser, site, width, prefix, guangdong, jiangsu):
    name = f"compare-picker{prefix.replace('/', '-')}-{width}"
    page, errors, foreign = open_page(browser, f"{site}{prefix}/compare/", name, width=width)
    try:
        pick(page, "广东", guangdong)
        pick(page, "Suzhou", jiangsu)  # 苏州 (Jiangsu), not 宿州 (Anhui)
        assert page.locator(".chip").count() == 2
        page.screenshot(path=str(SCREENSHOTS / f"{name}-chips.png"), full_page=True)
        with page.expect_navigation():
            page.locator(".place-picker button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        assert "places=440000%2C320500" in page.url
        regions = page.evaluate(
            "[...new Set([...document.querySelectorAll('[data-region]')].map(e => e.dataset.region))]"
        )
        assert set(regions) == {"national/CN", "province/440000", "city/320500"}
        # The chips of the page shown are removable: remove 广东 and compare again.
        page.locator(".chip", has_text=guangdong).locator(".chip-remove").click()
        with page.expect_navigation():
            page.locator(".place-picker button[type=submit]").click()
        assert "places=320500" in page.url and "440000" not in page.url
        page.screenshot(path=str(SCREENSHOTS / f"{name}-after.png"), full_page=True)
        assert no_overflow(page)
        assert errors == [] and foreign == []
    finally:
        page.close()


def test_add_to_comparison_from_a_profile_keeps_the_places_chosen(browser, site):
    page, errors, _foreign = open_page(browser, f"{site}/compare/?places=440000", "compare-add")
    try:
        page.goto(f"{site}/regions/320000/320500/", wait_until="networkidle")
        with page.expect_navigation():
            page.locator("a[data-add-compare]").click()
        assert "places=440000%2C320500" in page.url or "places=440000,320500" in page.url
        assert page.locator(".chip").count() == 2
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("prefix", "label"), [("", "苏州市"), ("/en", "Suzhou")])
def test_header_search_suggests_places_and_enterprises(browser, site, world, width, prefix, label):
    name = f"header-search{prefix.replace('/', '-')}-{width}"
    page, errors, foreign = open_page(browser, f"{site}{prefix}/methodology/", name, width=width)
    try:
        field = page.locator("#site-search")
        field.click()
        field.press_sequentially("苏州", delay=30)
        # The answer for the whole word "苏州" (the one for "苏" alone may come first and hold the city
        # too): A's former name is 苏州旧名科技有限公司, found by it. Waited for, not counted at once.
        former = page.locator("#site-search-suggestions [role=option]", has_text="苏州旧名")
        former.first.wait_for(state="visible")
        assert former.count() == 1
        places = page.locator("#site-search-suggestions [role=option]", has_text=label)
        assert places.count() >= 1
        page.screenshot(path=str(SCREENSHOTS / f"{name}-open.png"), full_page=False)
        with page.expect_navigation():
            field.press("ArrowDown")
            field.press("Enter")
        assert page.url.endswith(f"{prefix}/regions/320000/320500/")
        # Enter without a chosen suggestion goes to the results page.
        field = page.locator("#site-search")
        field.fill("南京")
        with page.expect_navigation():
            field.press("Enter")
        assert "/search/?q=" in page.url
        assert page.locator(".result-list li").count() >= 3  # 南京 and its two enterprises
        page.screenshot(path=str(SCREENSHOTS / f"{name}-results.png"), full_page=True)
        assert no_overflow(page)
        assert errors == [] and foreign == []
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_ranking_page_from_a_profile_and_sorted(browser, site, width, prefix, every_place_ranked):
    name = f"ranking{prefix.replace('/', '-')}-{width}"
    page, errors, foreign = open_page(browser, f"{site}{prefix}/regions/320000/", f"{name}-profile", width=width)
    try:
        with page.expect_navigation():
            page.locator(".indicator[data-metric=invention_share] a.ranking-link").click()
        page.wait_for_load_state("networkidle")
        assert "/rankings/invention_share/" in page.url and page.url.endswith("#r-320000")
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        ranks = page.locator("table.ranking tbody td.rank").all_inner_texts()
        assert ranks and ranks == sorted(ranks, key=int)
        assert assert_values_match_the_api(site, page, "national/CN", "en" if prefix else "zh-hans") >= 3
        with page.expect_navigation():
            page.locator("table.ranking thead th").nth(2).locator("a").click()  # the value: turned over
        turned = page.locator("table.ranking tbody td.rank").all_inner_texts()
        assert turned == sorted(turned, key=int, reverse=True)
        assert no_overflow(page)
        assert errors == [] and foreign == []
    finally:
        page.close()


def test_without_javascript_names_typed_in_the_field_compare(browser, site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{site}/compare/", wait_until="load")
        page.locator("#places").fill("广东, Suzhou")
        with page.expect_navigation():
            page.locator(".place-picker button[type=submit]").click()
        # Suzhou is two places: both offered, the typed text kept in the field.
        assert page.locator("#places").input_value() == "广东, Suzhou"
        with page.expect_navigation():
            page.get_by_role("link", name="苏州市 · 江苏省").click()
        assert "places=440000%2C320500" in page.url
        page.screenshot(path=str(SCREENSHOTS / "compare-no-js-390.png"), full_page=True)
        assert page.locator("#places").input_value() == "广东省, 苏州市"
        assert page.locator("td[data-region='city/320500']").count() == 8  # the eight indicators
    finally:
        context.close()


# What we saw in the screenshots of the compare, cluster and ranking pages (issue 26, "look like a visitor"),
# each with a check. The drawn texts of a chart are ECharts' text spans on its canvas (a wrapped label is
# several spans): joined without spaces, every category and, when there are several series, every series
# name (the legend) must be among them.
DRAWN = """(id) => {
  const chart = echarts.getInstanceByDom(document.querySelector('[data-chart="' + id + '"]'));
  const squeeze = s => String(s).replace(/\\s+/g, '');
  const drawn = chart.getZr().storage.getDisplayList(true)
    .filter(d => d.type === 'tspan' && !d.ignore && !d.invisible && d.style && d.style.text)
    .map(d => d.style.text).join('');
  const spec = JSON.parse(document.getElementById(id).textContent);
  const names = spec.series.length > 1 ? spec.series.map(s => s.name) : [];
  return spec.categories.concat(names).filter(c => !squeeze(drawn).includes(squeeze(c)));
}"""

# Every chart's legends and value axes, as drawn: a scrolling legend hides series behind a pager on a phone.
CHART_OPTIONS = """() => [...document.querySelectorAll('[data-chart]')].map(el => {
  const o = echarts.getInstanceByDom(el).getOption();
  return {id: el.dataset.chart, legends: (o.legend || []).map(l => l.type),
          hbar: (o.yAxis || []).some(a => a.type === 'category'), splits: (o.xAxis || []).map(a => a.splitNumber)};
})"""


@pytest.fixture
def industries_site(live_server, world):
    """The world with 江苏 in all eight industry groups (the English names at 1366 px were hidden every other
    one where they overlapped), its snapshots computed afterwards."""
    for industry in ("aerospace", "marine", "rail", "nev", "new_materials", "biomedicine"):
        firm = enterprise(city="320500", industry=industry)
        patent(firm, published=datetime.date(2022, 4, 1))
    services.snapshot_compute(as_of=EARLIER)
    services.snapshot_compute(as_of=AS_OF)
    SCREENSHOTS.mkdir(exist_ok=True)
    return live_server.url


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_compare_charts_draw_every_label_and_a_legend(browser, industries_site, width, prefix):
    name = f"compare-labels{prefix.replace('/', '-')}-{width}"
    page, errors, _foreign = open_page(
        browser, f"{industries_site}{prefix}/compare/?places=320000,440000", name, width=width
    )
    try:
        assert (
            len(
                page.evaluate(
                    "id => JSON.parse(document.getElementById(id).textContent).categories",
                    "chart-data-compare-industries",
                )
            )
            == 8
        )
        # Sideways on a phone, the regions' bars had no legend: which colour is which was not said.
        assert page.evaluate(DRAWN, "chart-data-compare-industries") == []
        assert page.evaluate(DRAWN, "chart-data-compare-years") == []
        if width == PHONE:
            for chart in page.evaluate(CHART_OPTIONS):
                assert "scroll" not in chart["legends"], chart
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_cluster_on_a_phone_keeps_every_legend_and_readable_value_axes(browser, site, prefix):
    page, errors, _foreign = open_page(
        browser, f"{site}{prefix}/clusters/yrd/", f"cluster{prefix.replace('/', '-')}-390", width=PHONE
    )
    try:
        charts = page.evaluate(CHART_OPTIONS)
        assert charts
        for chart in charts:
            assert "scroll" not in chart["legends"], chart  # the batch donut showed 第1批–第3批 and "1/2"
            if chart["hbar"]:
                assert chart["splits"] == [3], chart  # 2,0004,0006,000 … ran together under the bars
        # The members' long headers wrap: the values are on the screen without swiping.
        value_header = page.locator("table.ranked thead th").nth(3)
        assert value_header.bounding_box()["x"] + value_header.bounding_box()["width"] <= PHONE
        # The representative enterprises' industry keeps a readable width (one English word a line before).
        industry = page.locator("td.industry-cell").first
        assert industry.bounding_box()["width"] >= 100, industry.inner_text()
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_compare_table_explains_its_marks_and_links_each_indicator_to_its_ranking(browser, site, prefix):
    url = f"{site}{prefix}/compare/?places=320000,440000&as_of={EARLIER.isoformat()}"
    page, errors, _foreign = open_page(browser, url, f"compare-marks{prefix.replace('/', '-')}", width=DESKTOP)
    try:
        legend = page.locator(".compare-legend")
        assert legend.locator(".mark-up").count() == 1 and legend.locator(".mark-down").count() == 1
        assert ("above the national average" if prefix else "高于全国平均") in legend.inner_text()
        link = page.locator("table.compare tbody a.ranking-link").first
        href = link.get_attribute("href")
        assert href.startswith(f"{prefix}/rankings/applications_per_enterprise/") and f"as_of={EARLIER}" in href
        # The years chart names its unit once (the title said （件/家） and the unit again).
        caption = page.locator("figure:has([data-chart='chart-data-compare-years']) figcaption").inner_text()
        assert caption.count("per enterprise" if prefix else "件/家") == 1
        assert errors == []
    finally:
        page.close()


def test_the_picker_does_not_offer_a_place_already_chosen(browser, site):
    page, errors, _foreign = open_page(browser, f"{site}/compare/", "compare-picked-twice", width=PHONE)
    try:
        pick(page, "Suzhou", "江苏")
        page.locator("#places").press_sequentially("Suzhou", delay=30)
        page.locator("#places-suggestions li").first.wait_for(state="visible")
        options = page.locator("#places-suggestions [role=option]")
        assert options.filter(has_text="江苏").count() == 0  # 苏州 (Jiangsu) is a chip already
        assert options.filter(has_text="安徽").count() == 1  # 宿州 (Anhui), the other Suzhou, still offered
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize("level", ["province", "city"])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_ranking_shows_the_nation_among_the_places_and_its_values_on_a_phone(
    browser, site, level, prefix, every_place_ranked
):
    url = f"{site}{prefix}/rankings/applications_per_enterprise/?level={level}"
    page, errors, _foreign = open_page(browser, url, f"ranking-phone{prefix.replace('/', '-')}-{level}", width=PHONE)
    try:
        rows = page.locator("table.ranking tbody tr")
        national = page.locator("table.ranking tr.national-row")
        assert national.count() == 1
        value = float(national.locator("td[data-value]").get_attribute("data-value"))
        values = [
            float(v) for v in rows.evaluate_all("rs => rs.map(r => r.querySelector('td[data-value]').dataset.value)")
        ]
        at = values.index(value)
        assert all(v >= value for v in values[:at]) and all(v <= value for v in values[at + 1 :])
        # Every value is on the screen without swiping (the long header and the province column pushed
        # them past the right edge).
        for cell in page.locator("table.ranking tbody td[data-value]").all():
            box = cell.bounding_box()
            assert box["x"] + box["width"] <= PHONE, cell.inner_text()
        # The level's label sits beside its select, centred on it.
        label, select = (
            page.locator(".ranking-form label").bounding_box(),
            page.locator("#ranking-level").bounding_box(),
        )
        assert abs((label["y"] + label["height"] / 2) - (select["y"] + select["height"] / 2)) < 3
        assert errors == []
    finally:
        page.close()


def test_the_pickers_example_fits_its_field_on_a_phone_in_english(browser, site):
    page, errors, _foreign = open_page(browser, f"{site}/en/compare/", "compare-placeholder-en-390", width=PHONE)
    try:
        # "e.g. Guangdong, Suzhou, Yangtze River Delta" was cut at "Del".
        fits = page.locator("#places").evaluate(
            """f => { const s = getComputedStyle(f), c = document.createElement('canvas').getContext('2d');
                     c.font = s.font;
                     const room = f.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
                     return c.measureText(f.placeholder).width <= room; }"""
        )
        assert fits
        assert errors == []
    finally:
        page.close()


@pytest.mark.parametrize(("prefix", "guangdong"), [("", "广东"), ("/en", "Guangdong")])
def test_the_picker_says_when_its_places_are_not_the_ones_shown(browser, site, prefix, guangdong):
    name = f"compare-changed{prefix.replace('/', '-')}-390"
    page, errors, _foreign = open_page(browser, f"{site}{prefix}/compare/", name, width=PHONE)
    try:
        status = page.locator("[data-picker-status]")
        assert status.is_hidden() and page.locator(".empty-note").is_visible()
        # Three places picked, nothing compared yet: the page said "请输入…" under the chips and showed the
        # nation alone.
        pick(page, "广东", guangdong)
        assert status.is_visible() and ("Compare" if prefix else "对比") in status.inner_text()
        assert page.locator(".empty-note").is_hidden()
        with page.expect_navigation():
            page.locator(".place-picker button[type=submit]").click()
        status = page.locator("[data-picker-status]")
        assert status.is_hidden()
        page.locator(".chip .chip-remove").first.click()
        assert status.is_visible()
        assert errors == []
    finally:
        page.close()
