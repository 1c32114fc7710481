"""The enterprise list in a real browser, as a visitor uses it, at 1366 and 390 px, in Chinese and English:
tick provinces in a drop-down (the city list follows), sort by a column header, download the CSV, and no
page wider than the screen. Screenshots in tests/portal/screenshots/ (git-ignored)."""

import os
from pathlib import Path

import pytest

from .conftest import AS_OF
from .test_browser import SCREENSHOTS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SUZHOU_A = "<script>alert(1)</script>科技有限公司"  # 5 applications: the most


def row_names(page) -> list[str]:
    return page.eval_on_selector_all(
        "table.data-table tbody th[scope=row]", "els => els.map(e => e.textContent.trim())"
    )


def overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_filter_sort_and_download_the_list(browser, live_server, snapshots, world, tmp_path: Path, width, prefix):
    SCREENSHOTS.mkdir(exist_ok=True)
    name = f"list-{'en' if prefix else 'zh'}-{width}"
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}{prefix}/enterprises/", wait_until="networkidle")
    assert overflow(page) <= 0

    # Tick 江苏 in the province drop-down: the city drop-down then offers only 江苏's cities.
    page.click('details[data-filter="province"] summary')
    page.check('input[name="province"][value="320000"]')
    assert page.text_content('details[data-filter="province"] summary .chosen') == "1"
    page.click('details[data-filter="city"] summary')
    assert page.is_hidden('label[data-province="440000"]')
    assert page.is_visible('label[data-province="320000"] >> input[value="320100"]')
    page.screenshot(path=str(SCREENSHOTS / f"{name}-1-drop-down.png"), full_page=True)
    page.keyboard.press("Escape")  # closes the open drop-down, which may cover the button
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "province=320000" in page.url
    assert set(row_names(page)) == {SUZHOU_A, "南京测试农机有限公司"}  # the counted members of 江苏
    assert page.locator(".filter-chips li").count() == 1

    # Sort by applications with the column header: most first.
    page.click("th a.sort-link[href*='sort=-applications']")
    page.wait_for_load_state("networkidle")
    assert "sort=-applications" in page.url
    assert row_names(page)[0] == SUZHOU_A
    assert overflow(page) <= 0
    page.screenshot(path=str(SCREENSHOTS / f"{name}-2-sorted.png"), full_page=True)

    # The download is the page's selection, labelled, for Excel.
    with page.expect_download() as info:
        page.click("p.downloads a:text('CSV')")
    download = info.value
    assert download.suggested_filename == f"enterprises-{AS_OF.isoformat()}.csv"
    body = Path(download.path()).read_bytes()
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Enterprise name," if prefix else "企业名称,")
    assert lines[1].startswith(SUZHOU_A) and len(lines) == 3
    assert errors == []
    context.close()


# Per cell, the first visible character of each line it is laid out on (a line starts where a character
# sits lower than the one before it).
LINE_STARTS = """cells => cells.map(cell => {
  const starts = [];
  let top = null;
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.length; i++) {
      if (!node.data[i].trim()) continue;
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const y = range.getBoundingClientRect().top;
      if (top === null || y > top + 2) starts.push(node.data[i]);
      top = y;
    }
  }
  return starts;
})"""


def test_the_place_cell_on_a_phone_names_a_municipality_once_and_starts_no_line_with_the_separator(
    browser, live_server, snapshots, world
):
    from tests.reports.factories import enterprise

    enterprise(city="310100").save()  # 上海市 was "上海市 / · / 上海市"
    enterprise(city="654000").save()  # the longest names: 新疆维吾尔自治区 · 伊犁哈萨克自治州
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/enterprises/?population=all", wait_until="networkidle")
        page.screenshot(path=str(SCREENSHOTS / "list-zh-390-places.png"), full_page=True)
        cells = page.locator("table.data-table tbody td.place")
        texts = [" ".join(t.split()) for t in cells.all_inner_texts()]
        assert "上海市" in texts and "新疆维吾尔自治区 · 伊犁哈萨克自治州" in texts
        starts = cells.evaluate_all(LINE_STARTS)
        assert all(starts) and not any("·" in s for s in starts), starts
        assert max(len(s) for s in starts) >= 2  # the check sees wrapped cells (it can fail)
    finally:
        context.close()
