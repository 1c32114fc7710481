"""A provincial official's walk through the admin in a real browser (Playwright with Debian's Chromium).

Log in, import a file (a file with another province's row first: refused), preview, confirm, revert the
import; pages are photographed at a laptop's 1366 px into screenshots/ (git-ignored) for a person to
look at. Skipped where Chromium or the playwright package is missing.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from officials.services import official_set_up
from tests.enterprises.import_helpers import csv_bytes, enterprise_row
from tests.factories import EnterpriseFactory, PatentApplicantFactory, make_credit_code

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(settings.BASE_DIR) / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]


@pytest.fixture
def browser_page(live_server, transactional_db, regions):
    # The sync Playwright API runs an event loop in this thread; the test's own ORM calls stay synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SHOTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        yield page
        browser.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_provincial_official_imports_previews_confirms_and_reverts(browser_page, live_server, tmp_path):
    page = browser_page
    user = official_set_up(username="jiangsu", role="provincial", province_codes=["320000"]).user
    user.set_password("a long walk password")
    user.save()
    for n in range(3):
        enterprise = EnterpriseFactory(name=f"苏州（工业园区）示例精密机械{n}有限公司")
        PatentApplicantFactory(enterprise=enterprise)
    mixed = tmp_path / "mixed.csv"
    zhejiang = {"province": "浙江省", "city": "杭州市", "credit_code": make_credit_code(77, "330100")}
    mixed.write_bytes(csv_bytes([enterprise_row(101), enterprise_row(102, **zhejiang)]))
    own = tmp_path / "jiangsu.csv"
    own.write_bytes(csv_bytes([enterprise_row(101), enterprise_row(102, name="苏州（示例）新材料有限公司")]))

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "jiangsu")
    page.fill("#id_password", "a long walk password")
    page.click("input[type=submit]")
    page.wait_for_selector("#officials-tasks")
    shot(page, "01-index")

    page.click("#import-link a")
    page.check("input[value=enterprises]")
    page.set_input_files("#id_file", str(mixed))
    page.click("input[type=submit]")
    page.wait_for_selector("#import-errors")
    assert "不在您负责的省份内" in page.content()
    shot(page, "02-refused-other-province")

    page.goto(f"{live_server.url}/admin/enterprises/enterprise/import/")
    page.check("input[value=enterprises]")
    page.set_input_files("#id_file", str(own))
    page.click("input[type=submit]")
    page.wait_for_selector("#import-changes")
    shot(page, "03-preview")
    page.click("input[name=confirm]")
    page.wait_for_selector(".messagelist")
    assert "新建企业 2" in page.content()
    shot(page, "04-enterprise-list")

    page.goto(f"{live_server.url}/admin/imports/importrecord/")
    shot(page, "05-import-records")
    page.click("#result_list tbody tr th a")
    page.click("text=预览撤销这次导入")
    page.wait_for_selector("#revert-steps")
    shot(page, "06-revert-preview")
    page.click("input[name=revert]")
    page.wait_for_selector(".messagelist")
    assert "删除企业 2" in page.content()
    shot(page, "07-reverted")

    for number, path in (
        ("08", "/admin/patents/patent/"),
        ("09", "/en/admin/enterprises/enterprise/"),
        ("10", "/admin/enterprises/enterprise/"),
        ("11", "/en/admin/patents/patent/"),
    ):
        page.goto(f"{live_server.url}{path}")
        shot(page, f"{number}-{path.strip('/').replace('/', '-')}")
        overflow = page.evaluate(
            "(() => { const r = document.querySelector('#changelist .results');"
            " return [r.scrollWidth, r.clientWidth, document.documentElement.scrollWidth]; })()"
        )
        assert overflow[0] <= overflow[1] and overflow[2] <= 1366, f"{path} scrolls sideways at 1366 px: {overflow}"
