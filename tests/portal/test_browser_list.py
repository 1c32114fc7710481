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
