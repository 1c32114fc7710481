"""/api/v1/patents/: list and detail with applicants and their linked enterprises, incremental sync."""

import datetime

import pytest
from django.utils import timezone

from patents.models import Patent
from tests.api_helpers import fresh_throttles, walk  # noqa: F401
from tests.factories import EnterpriseFactory, PatentApplicantFactory, PatentFactory, make_credit_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

URL = "/api/v1/patents/"


@pytest.fixture
def patents(regions):
    enterprise = EnterpriseFactory(credit_code=make_credit_code(1), name="苏州测试科技股份有限公司")
    first = PatentFactory(publication_number="CN111000001A", publication_date=datetime.date(2021, 1, 1))
    PatentApplicantFactory(patent=first, enterprise=enterprise, position=1, credit_code=enterprise.credit_code)
    PatentApplicantFactory(patent=first, enterprise=None, name="某大学", position=2)
    second = PatentFactory(publication_number="CN111000002A", publication_date=datetime.date(2022, 1, 1))
    PatentApplicantFactory(patent=second, enterprise=None, name="个人", position=1)
    return {"enterprise": enterprise, "first": first, "second": second}


def test_list_is_newest_first_with_applicants_in_print_order(client, patents):
    rows = client.get(URL).json()["results"]
    assert [row["publication_number"] for row in rows] == ["CN111000002A", "CN111000001A"]
    applicants = rows[1]["applicants"]
    assert [a["name"] for a in applicants] == ["苏州测试科技股份有限公司", "某大学"]
    assert applicants[0]["enterprise"] == {"credit_code": make_credit_code(1), "name": "苏州测试科技股份有限公司"}
    assert applicants[1]["enterprise"] is None


def test_detail(client, patents):
    body = client.get(f"{URL}cn111000001a/").json()
    assert body["publication_number"] == "CN111000001A"
    assert len(body["applicants"]) == 2
    assert client.get(f"{URL}CN999A/").status_code == 404


def test_incremental_sync_by_updated_after(client, patents):
    """A client that synced yesterday asks what changed since, paging by (updated_at, id)."""
    since = timezone.now()
    Patent.objects.filter(pk=patents["first"].pk).update(updated_at=since + datetime.timedelta(seconds=5))
    rows = walk(client, URL, {"updated_after": since.isoformat(), "ordering": "updated_at", "page_size": 1})
    assert [row["publication_number"] for row in rows] == ["CN111000001A"]


def test_filter_by_applicant_enterprise(client, patents):
    rows = client.get(URL, {"applicant": make_credit_code(1)}).json()["results"]
    assert [row["publication_number"] for row in rows] == ["CN111000001A"]
    assert client.get(URL, {"applicant": "not-a-code"}).status_code == 400


def test_deep_pages_of_the_default_order(client, regions):
    for n in range(30):
        PatentFactory(publication_date=datetime.date(2020, 1, 1 + n % 3))
    rows = walk(client, URL, {"page_size": 4})
    keys = [(row["publication_date"], row["publication_number"]) for row in rows]
    assert len(set(keys)) == 30
    assert [key[0] for key in keys] == sorted((key[0] for key in keys), reverse=True)


def test_postgres_copy_export_writes_the_same_bytes_as_the_python_writer(client, regions, monkeypatch):
    from patents.api.views import PatentListView
    from tests.api_helpers import body_of

    enterprise = EnterpriseFactory(credit_code=make_credit_code(5), name='=带"引号",逗号的公司')
    awkward = PatentFactory(title='多行\n标题，"引号", 逗号', ipc_main="", grant_date=datetime.date(2021, 2, 3))
    PatentApplicantFactory(patent=awkward, enterprise=enterprise, position=1, credit_code=enterprise.credit_code)
    PatentApplicantFactory(patent=awkward, enterprise=None, name="-个人", position=2)
    PatentApplicantFactory(patent=PatentFactory(title="@at"), enterprise=None, name="+plus", position=1)
    PatentApplicantFactory(patent=PatentFactory(title="\t=tab"), enterprise=None, name="制表符", position=1)
    PatentApplicantFactory(patent=PatentFactory(title=""), enterprise=None, name="无标题申请人", position=1)
    by_copy = body_of(client.get(URL, {"format": "csv", "bom": "1"}))
    monkeypatch.setattr(PatentListView, "export_copy", lambda self, queryset: None)
    by_python = body_of(client.get(URL, {"format": "csv", "bom": "1"}))
    assert by_copy == by_python
    text = by_copy.decode("utf-8-sig")
    assert '"\'=带""引号"",逗号的公司;-个人"' in text  # the cell starts with =, its second name does not
    assert ",'@at," in text and ",'+plus," in text
    assert ",'\t=tab," in text  # a leading tab is neutralised as a formula sign is, by COPY and by Python
