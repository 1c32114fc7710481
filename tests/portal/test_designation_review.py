"""The enterprise page says what a 复核 did: 复核通过 with its date, or 已撤销 with the date and the reason."""

import datetime
import re

import pytest

from enterprises.models import Designation

pytestmark = pytest.mark.django_db


def _status_cells(page: str) -> list[str]:
    return re.findall(r'<td class="designation-status">([^<]*)</td>', page)


@pytest.fixture
def reviewed(world):
    """A passed its 复核 on 1 July 2022; R was revoked by a failed one on 1 March 2023."""
    Designation.objects.filter(enterprise=world["A"]).update(reviewed_on=datetime.date(2022, 7, 1))
    Designation.objects.filter(enterprise=world["R"]).update(
        revoked_on=datetime.date(2023, 3, 1), revocation_reason="研发投入不达标"
    )
    return world


def test_a_passed_review_shows_its_date(client, snapshots, reviewed):
    page = client.get(f"/enterprises/{reviewed['A'].credit_code}/").content.decode()
    assert _status_cells(page) == ["复核通过（2022年7月1日）"]
    english = client.get(f"/en/enterprises/{reviewed['A'].credit_code}/").content.decode()
    assert _status_cells(english) == ["Passed review (1 July 2022)"]


def test_a_revocation_shows_its_date_and_reason(client, snapshots, reviewed):
    page = client.get(f"/enterprises/{reviewed['R'].credit_code}/").content.decode()
    assert _status_cells(page) == ["已撤销（2023年3月1日，研发投入不达标）"]
    english = client.get(f"/en/enterprises/{reviewed['R'].credit_code}/").content.decode()
    # The list's reason is its own words; the page's own words are in English.
    assert _status_cells(english) == ["Revoked (1 March 2023; 研发投入不达标)"]


def test_the_default_reason_is_said_in_the_pages_language(client, snapshots, reviewed):
    Designation.objects.filter(enterprise=reviewed["R"]).update(revocation_reason="复核未通过")
    english = client.get(f"/en/enterprises/{reviewed['R'].credit_code}/").content.decode()
    assert _status_cells(english) == ["Revoked (1 March 2023; failed review)"]


def test_a_confirmed_designation_shows_its_status_alone(client, snapshots, world):
    page = client.get(f"/enterprises/{world['B'].credit_code}/").content.decode()
    assert _status_cells(page) == ["认定通过"]
