"""The place picker, the header search and the ranking page in Chromium, at 1366 and 390 px, in both
languages (the harness of test_browser.py: Debian's Chromium, no request leaves 127.0.0.1)."""

import pytest

from .test_browser import SCREENSHOTS, assert_values_match_the_api, open_page

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WIDTHS = (1366, 390)


@pytest.fixture
def site(live_server, snapshots, world):
    SCREENSHOTS.mkdir(exist_ok=True)
    return live_server.url


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
        places = page.locator("#site-search-suggestions [role=option]", has_text=label)
        places.first.wait_for(state="visible")
        # A's former name is 苏州旧名科技有限公司: found by it.
        assert page.locator("#site-search-suggestions [role=option]", has_text="苏州旧名").count() == 1
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
def test_the_ranking_page_from_a_profile_and_sorted(browser, site, width, prefix):
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
