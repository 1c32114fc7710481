"""The 数据与API page and the methodology page in a real browser, at 1366 and 390 px: no horizontal
overflow, no console error, the header links to the data page. Screenshots when DATAAPI_SHOTS is set."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

SHOTS = os.environ.get("DATAAPI_SHOTS", "")


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_data_and_methodology_pages(browser, live_server, snapshots, width, prefix):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}{prefix}/", wait_until="networkidle")
    page.click(f".site-nav a[href='{prefix}/data/']")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").text_content() == ("Data and API" if prefix else "数据与API")
    for url in ("/data/", "/methodology/"):
        page.goto(f"{live_server.url}{prefix}{url}", wait_until="networkidle")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, url
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            name = f"{url.strip('/')}-{'en' if prefix else 'zh'}-{width}.png"
            page.screenshot(path=f"{SHOTS}/{name}", full_page=True)
    assert page.locator("text=切换").count() == 0 and page.locator("text=Switch").count() == 0
    assert errors == []
    context.close()
