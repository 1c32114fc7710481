"""The enterprise page says what a 复核 did: 复核通过 with its date, or 已撤销 with its cause (a failed 复核 or
another), the date and the reason."""

import datetime
import re

import pytest

from enterprises.models import Designation

pytestmark = pytest.mark.django_db


def _status_cells(page: str) -> list[str]:
    return re.findall(r'<td class="designation-status">([^<]*)</td>', page)


@pytest.fixture
def reviewed(world):
    """A passed its 复核 on 1 July 2022; R was revoked by a failed one on 1 March 2023 (a result list records
    the 复核日期 as both dates)."""
    Designation.objects.filter(enterprise=world["A"]).update(reviewed_on=datetime.date(2022, 7, 1))
    Designation.objects.filter(enterprise=world["R"]).update(
        reviewed_on=datetime.date(2023, 3, 1), revoked_on=datetime.date(2023, 3, 1), revocation_reason="研发投入不达标"
    )
    return world


def test_a_passed_review_shows_its_date(client, snapshots, reviewed):
    page = client.get(f"/enterprises/{reviewed['A'].credit_code}/").content.decode()
    assert _status_cells(page) == ["复核通过（2022年7月1日）"]
    english = client.get(f"/en/enterprises/{reviewed['A'].credit_code}/").content.decode()
    assert _status_cells(english) == ["Passed review (1 July 2022)"]


def test_a_failed_review_says_so_with_its_date_and_reason(client, snapshots, reviewed):
    page = client.get(f"/enterprises/{reviewed['R'].credit_code}/").content.decode()
    assert _status_cells(page) == ["已撤销：复核未通过（2023年3月1日，研发投入不达标）"]
    english = client.get(f"/en/enterprises/{reviewed['R'].credit_code}/").content.decode()
    # The list's reason is its own words; the page's own words are in English.
    assert _status_cells(english) == ["Revoked: failed review (1 March 2023; 研发投入不达标)"]


def test_the_default_reason_is_not_said_twice(client, snapshots, reviewed):
    Designation.objects.filter(enterprise=reviewed["R"]).update(revocation_reason="复核未通过")
    page = client.get(f"/enterprises/{reviewed['R'].credit_code}/").content.decode()
    assert _status_cells(page) == ["已撤销：复核未通过（2023年3月1日）"]
    english = client.get(f"/en/enterprises/{reviewed['R'].credit_code}/").content.decode()
    assert _status_cells(english) == ["Revoked: failed review (1 March 2023)"]


def test_a_revocation_by_other_means_says_so(client, snapshots, reviewed):
    """Revoked by an official (no 复核 date): another cause, with the official's reason if any."""
    Designation.objects.filter(enterprise=reviewed["R"]).update(reviewed_on=None, revocation_reason="企业申请撤销")
    page = client.get(f"/enterprises/{reviewed['R'].credit_code}/").content.decode()
    assert _status_cells(page) == ["已撤销：其他原因（2023年3月1日，企业申请撤销）"]
    english = client.get(f"/en/enterprises/{reviewed['R'].credit_code}/").content.decode()
    assert _status_cells(english) == ["Revoked otherwise (1 March 2023; 企业申请撤销)"]


def test_a_confirmed_designation_shows_its_status_alone(client, snapshots, world):
    page = client.get(f"/enterprises/{world['B'].credit_code}/").content.decode()
    assert _status_cells(page) == ["认定通过"]


def _banner(page: str) -> str:
    return re.search(r'<p class="banner banner-warning" role="status">([^<]*)</p>', page).group(1)


def test_the_banner_names_a_failed_review_and_only_that(client, snapshots, reviewed):
    page = client.get(f"/enterprises/{reviewed['R'].credit_code}/").content.decode()
    assert _banner(page) == "该企业的专精特新“小巨人”认定因复核未通过已撤销，不计入任何统计。"
    english = client.get(f"/en/enterprises/{reviewed['R'].credit_code}/").content.decode()
    assert "revoked after a failed review" in _banner(english)


def test_the_banner_of_another_revocation_gives_no_cause(client, snapshots, world):
    page = client.get(f"/enterprises/{world['R'].credit_code}/").content.decode()
    assert _banner(page) == "该企业的专精特新“小巨人”认定已撤销，不计入任何统计。"
