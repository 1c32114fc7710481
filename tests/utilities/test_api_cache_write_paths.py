"""Every write outside the importers' own completion advances the data version the anonymous API reads are
cached under (utilities/api/caching.py): a read after the write is not the cached answer from before it.

Each test reads first (filling the cache), writes by one path of the app code, and reads again. Paths that
write by ``QuerySet.update`` or raw SQL send no ``post_save``; they must say so themselves (a signal).
"""

import csv

import pytest

from enterprises.former_names import enterprise_add_former_name
from imports.reverts import import_revert
from patents.models import Patent
from patents.services import applicants_link, applicants_link_name
from regions.services import DIVISIONS_CSV, regions_load
from tests.api_helpers import fresh_throttles  # noqa: F401
from tests.factories import DesignationFactory, PatentApplicantFactory
from tests.patents.conftest import patent_row, patents_csv, run_import

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]


@pytest.fixture
def firm(regions):
    return DesignationFactory().enterprise


def _patent_url(applicant) -> str:
    return f"/api/v1/patents/{applicant.patent.publication_number}/"


def _linked(client, url) -> list:
    return [row["enterprise"] for row in client.get(url).json()["applicants"]]


def test_relinking_applicants_by_the_rule_is_read_at_once(client, firm):
    """``applicants_link``: one raw UPDATE of the applicants (the admin's relink, an enterprise imported
    after its patents)."""
    applicant = PatentApplicantFactory(name=firm.name)
    url = _patent_url(applicant)
    assert _linked(client, url) == [None]

    assert applicants_link(enterprise_ids=[firm.pk])["linked"] == 1

    assert _linked(client, url) == [{"credit_code": firm.credit_code, "name": firm.name}]


def test_linking_a_name_by_hand_is_read_at_once_and_moves_the_patent_timestamp(client, firm):
    """``applicants_link_name``: a ``QuerySet.update`` of the applicants (the data-quality page)."""
    applicant = PatentApplicantFactory(name="苏州某旧名有限公司")
    url = _patent_url(applicant)
    before = client.get(url).json()
    assert before["applicants"][0]["enterprise"] is None

    assert applicants_link_name(name_normalized=applicant.name_normalized, enterprise=firm) == 1

    after = client.get(url).json()
    assert after["applicants"][0]["enterprise"] == {"credit_code": firm.credit_code, "name": firm.name}
    # The incremental sync (?updated_since) finds the patent whose link changed, as after the rule's relink.
    assert after["updated_at"] > before["updated_at"]


def test_recording_a_former_name_is_read_at_once(client, firm, admin_user):
    url = f"/api/v1/enterprises/{firm.credit_code}/"
    assert client.get(url).json()["former_names"] == []

    assert enterprise_add_former_name(enterprise=firm, name="苏州旧名科技有限公司", user=admin_user)

    assert client.get(url).json()["former_names"] == ["苏州旧名科技有限公司"]


def test_reloading_the_divisions_is_read_at_once(client, firm, tmp_path):
    """``regions_load`` saves provinces and cities; the enterprise reads show their names."""
    url = f"/api/v1/enterprises/{firm.credit_code}/"
    assert client.get(url).json()["city_name"] == "苏州市"
    renamed = tmp_path / "divisions.csv"
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as source, renamed.open("w", encoding="utf-8") as sink:
        rows = list(csv.DictReader(source))
        writer = csv.DictWriter(sink, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "name": "苏州新市"} if row["code"] == "320500" else row for row in rows)

    assert regions_load(path=renamed).updated == 1

    assert client.get(url).json()["city_name"] == "苏州新市"


def test_reverting_a_patent_import_is_read_at_once(client, regions, admin_user):
    """The patent revert deletes with raw SQL; the revert's own ImportRecord is what advances the version."""
    outcome = run_import(patents_csv([patent_row(1)]))
    url = f"/api/v1/patents/{Patent.objects.get().publication_number}/"
    assert client.get(url).status_code == 200

    import_revert(record=outcome.record, user=admin_user)

    assert client.get(url).status_code == 404
