"""A provincial official's walk to the workbench in a real browser, at 1366 px, in Chinese and English.

Sign in without asking for a page (lands on the workbench), follow the 复核 item to its filtered list;
the same in English. Screenshots land in screenshots/ (git-ignored) for a person to look at.
"""

import os
import shutil

import pytest

from tests.officials.test_browser_walk import ARGS, CHROMIUM, SHOTS, shot

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]


@pytest.fixture
def page(live_server, transactional_db, regions):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SHOTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        browser.close()


def test_sign_in_lands_on_the_workbench_and_its_items_lead_to_their_lists(
    page, live_server, province_world, js_official
):
    js_official.set_password("a long walk password")
    js_official.save()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "js-official")
    page.fill("#id_password", "a long walk password")
    page.click("input[type=submit]")
    page.wait_for_selector("#bench-designations")
    assert page.url.endswith("/admin/workbench/")
    assert page.inner_text("#count-due") == "1" and page.inner_text("#count-overdue") == "1"
    assert "杭州" not in page.content()
    shot(page, "workbench-01-zh")
    page.click("#bench-designations a[href$='validity=due']")
    page.wait_for_selector("#result_list")
    assert "苏州到期科技有限公司" in page.inner_text("#result_list")
    shot(page, "workbench-02-zh-due")

    page.goto(f"{live_server.url}/en/admin/workbench/")
    page.wait_for_selector("#bench-missing")
    assert "Designations whose validity ends within 90 days" in page.content()
    shot(page, "workbench-03-en")
    page.click("#bench-missing a[href$='missing=employees']")
    page.wait_for_selector("#result_list")
    assert "苏州到期科技有限公司" in page.inner_text("#result_list")
    shot(page, "workbench-04-en-missing-employees")
