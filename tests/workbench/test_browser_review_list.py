"""A provincial official records a 复核 result list in a real browser, at 1366 px, in both languages: the
import page shows the 复核日期 field for that kind alone, the generated sample (their due and overdue
designations, the last failing) previews and is confirmed, and the designation list then tells the failed
复核 by its 撤销原因. Screenshots land in screenshots/ for a person to look at."""

import shutil

import pytest

from enterprises.models import Designation
from enterprises.services.sample_files import REVIEW_RESULT_SAMPLE, province_sample
from tests.officials.test_browser_walk import CHROMIUM, shot
from tests.workbench.test_browser import _sign_in, page  # noqa: F401 (the browser page fixture)

pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"needs Chromium at {CHROMIUM}"),
]


@pytest.mark.parametrize(
    ("prefix", "language", "cause"), [("", "zh", "复核未通过撤销"), ("/en", "en", "Revoked by a failed review")]
)
def test_an_official_imports_a_review_result_list(
    page,  # noqa: F811 (the fixture imported above)
    live_server,
    province_world,
    js_official,
    prefix,
    language,
    cause,
):
    url = live_server.url
    _sign_in(page, url, prefix, js_official)
    page.goto(f"{url}{prefix}/admin/enterprises/enterprise/import/")
    page.check("input[name=kind][value=review_results]")
    assert page.is_visible("#id_reviewed_on")
    assert page.is_hidden("#id_batch") and page.is_hidden("#id_status") and page.is_hidden("#id_ignore_unknown")
    page.check("input[name=kind][value=designation_list]")
    assert page.is_hidden("#id_reviewed_on") and page.is_visible("#id_batch")
    page.check("input[name=kind][value=review_results]")

    data = province_sample(REVIEW_RESULT_SAMPLE, frozenset({"320000"}))
    page.set_input_files("#id_file", files=[{"name": REVIEW_RESULT_SAMPLE, "mimeType": "text/csv", "buffer": data}])
    shot(page, f"review-list-{language}-1-form")
    page.click("#import-form input[type=submit]")
    page.wait_for_selector("input[name=confirm]")
    shot(page, f"review-list-{language}-2-preview")
    page.click("input[name=confirm]")
    page.wait_for_selector(".messagelist .success")
    shot(page, f"review-list-{language}-3-confirmed")

    # The sample names 江苏's overdue and due designations, the oldest first; the last row (the due one) fails.
    assert Designation.objects.filter(status="reviewed", enterprise__name="南京逾期科技有限公司").exists()
    failed = Designation.objects.get(enterprise__name="苏州到期科技有限公司")
    assert failed.revocation_cause == "failed_review"
    page.goto(f"{url}{prefix}/admin/enterprises/designation/?revoked_by=failed_review")
    page.wait_for_selector("#result_list")
    listed = page.inner_text("#result_list")
    assert "苏州到期科技有限公司" in listed and cause in listed and "南京逾期科技有限公司" not in listed
    shot(page, f"review-list-{language}-4-revoked-by-review")
