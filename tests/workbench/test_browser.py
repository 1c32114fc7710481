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


WALK = [
    # (the item's link on the workbench, what the list it leads to shows)
    ("#bench-designations a[href$='validity=due']", "苏州到期科技有限公司"),
    ("#bench-designations a[href$='validity=overdue']", "南京逾期科技有限公司"),
    ("#bench-missing a[href$='missing=employees']", "苏州到期科技有限公司"),
    ("#bench-missing a[href$='missing=city']", "南京逾期科技有限公司"),
    ("#bench-missing a[href$='missing=industry']", "无锡复核科技有限公司"),
    ("#bench-missing a[href$='missing=patents']", "常州有效科技有限公司"),
    ("#bench-applicants a[href*='data-quality']", "苏州未匹配电子有限公司"),
    ("#bench-imports a[href$='outcome__exact=previewed']", None),
    ("#bench-freshness a[href*='/reports/snapshot/']", None),
    ("#bench-changes a[href*='/history/']", None),
]
SAMPLES = {
    "": ("enterprises", "enterprises-sample.csv", {}),
    "/en": ("designation_list", "designation-list-sample.csv", {"#id_batch": "3"}),
}


def _sign_in(page, url: str, prefix: str, user) -> None:
    user.set_password("a long walk password")
    user.save()
    page.goto(f"{url}{prefix}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "a long walk password")
    page.click("input[type=submit]")
    page.wait_for_selector("#bench-designations")
    assert page.url.endswith(f"{prefix}/admin/workbench/")


def _follow_every_item(page, url: str, prefix: str, language: str) -> None:
    for number, (link, expected) in enumerate(WALK, start=1):
        page.goto(f"{url}{prefix}/admin/workbench/")
        page.click(link)
        page.wait_for_load_state()
        assert page.url.startswith(f"{url}{prefix}/admin/"), page.url
        assert "Page not found" not in page.content() and "403" not in page.title()
        if expected is not None:
            assert expected in page.inner_text("#content")
        assert "杭州" not in page.inner_text("#content")  # never another province's rows
        shot(page, f"walk-{language}-{number:02d}")


def _link_an_applicant(page, url: str, prefix: str, language: str, target) -> None:
    page.goto(f"{url}{prefix}/admin/workbench/")
    page.click("#bench-applicants a[href*='data-quality']")
    row = page.locator("form.former-name-form", has=page.locator("input[name=name][value='苏州未匹配电子有限公司']"))
    link, former = row.locator("input[name=link]").bounding_box(), row.locator("input[name=former]").bounding_box()
    assert abs(link["y"] - former["y"]) < 2 and former["x"] > link["x"], "the two buttons sit side by side"
    row.locator("input[name=enterprise]").fill(target.credit_code)
    row.locator("input[name=link]").click()
    page.wait_for_selector(".messagelist .success")
    shot(page, f"walk-{language}-11-linked")
    page.goto(f"{url}{prefix}/admin/workbench/")
    assert "苏州未匹配电子有限公司" not in page.inner_text("#bench-applicants")


def _confirm_an_import(page, url: str, prefix: str, language: str) -> None:
    from enterprises.services.sample_files import province_sample

    kind, name, fields = SAMPLES[prefix]
    page.goto(f"{url}{prefix}/admin/enterprises/enterprise/import/")
    page.check(f"input[name=kind][value={kind}]")
    other = "enterprises" if kind == "designation_list" else "designation_list"
    assert page.is_visible(f".form-row[data-kind={kind}]") and page.is_hidden(f".form-row[data-kind={other}]")
    for selector, value in fields.items():
        page.fill(selector, value)
    data = province_sample(name, frozenset({"320000"}))
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    shot(page, f"walk-{language}-12-import-form")
    page.click("#import-form input[type=submit]")
    page.wait_for_selector("input[name=confirm]")
    shot(page, f"walk-{language}-13-preview")
    page.click("input[name=confirm]")
    # Confirmed: the official lands on the import record itself, with what was written.
    page.wait_for_selector(".messagelist .success")
    assert "/admin/imports/importrecord/" in page.url
    shot(page, f"walk-{language}-14-confirmed")
    page.goto(f"{url}{prefix}/admin/workbench/")
    assert name in page.inner_text("#bench-imports")
    shot(page, f"walk-{language}-15-workbench-after")


@pytest.mark.parametrize(("prefix", "language"), [("", "zh"), ("/en", "en")])
def test_a_provincial_officials_walk_follows_every_item_links_an_applicant_and_confirms_an_import(
    page, live_server, province_world, js_official, prefix, language
):
    _sign_in(page, live_server.url, prefix, js_official)
    shot(page, f"walk-{language}-00-workbench")
    _follow_every_item(page, live_server.url, prefix, language)
    _link_an_applicant(page, live_server.url, prefix, language, province_world["js"]["valid"])
    _confirm_an_import(page, live_server.url, prefix, language)
