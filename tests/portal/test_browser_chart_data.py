"""Clicking "数据" beside a chart in a real browser downloads that chart's CSV, with a BOM, for the page's
snapshot; the share link leads back to the chart. Screenshots in /tmp/shots/dataapi/ when asked."""

import os
from pathlib import Path

import pytest

from .conftest import EARLIER

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SHOTS = os.environ.get("DATAAPI_SHOTS", "")


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_clicking_data_downloads_the_charts_csv_with_a_bom(browser, live_server, snapshots, tmp_path: Path, prefix):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}{prefix}/regions/320000/?as_of={EARLIER}", wait_until="networkidle")
    tools = page.locator("#batches .chart-tools")
    assert tools.is_visible()
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.locator("#batches").screenshot(path=f"{SHOTS}/region-batches{prefix.replace('/', '-')}.png")
    with page.expect_download() as info:
        tools.locator("a.chart-download").click()
    download = info.value
    assert download.suggested_filename == f"province-320000-batches-{EARLIER}.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    body = path.read_bytes()
    assert body.startswith("\ufeff".encode())
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0] == ("Batch,Enterprises" if prefix else "批次,企业数（家）")
    assert len(lines) == 3  # 第1批 and 第3批 (C, designated 2021, is counted at the end of 2022)

    # The share link is the page (its snapshot kept) anchored at the chart.
    share = tools.locator("a.chart-share").get_attribute("href")
    assert share == f"{prefix}/regions/320000/?as_of={EARLIER}#batches"
    page.goto(f"{live_server.url}{share}", wait_until="networkidle")
    assert page.evaluate("() => document.getElementById('batches').getBoundingClientRect().top") < 200
    assert errors == []
    context.close()
