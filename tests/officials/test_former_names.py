"""Former names (issue #22, finding 7): the data-quality page's "记为曾用名" links only applicants the official
may link, and no path records another enterprise's current name as a former name.

江苏 (320000) and 浙江 (330000) as in conftest: each has an enterprise and a patent whose second applicant
is unmatched (江苏合作大学 on 江苏's patent, 浙江合作研究院 on 浙江's).
"""

import io

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from enterprises.models import Enterprise
from enterprises.services import enterprise_import
from patents.models import PatentApplicant
from tests.enterprises.import_helpers import csv_bytes, enterprise_row
from tests.factories import EnterpriseFactory, PatentApplicantFactory
from tests.officials.test_admin_scoping import enterprise_form
from utilities.tabular import FileRejected

pytestmark = pytest.mark.django_db

DATA_QUALITY = reverse("admin:patents_data_quality")
ZJ_NAME = "杭州浙江测试有限公司"


def record_former_name(client, name: str, enterprise: Enterprise):
    return client.post(DATA_QUALITY, {"former": "1", "name": name, "enterprise": enterprise.credit_code}, follow=True)


def said(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def test_an_official_cannot_record_another_provinces_applicant_name_as_a_former_name(js_client, two_provinces):
    jiangsu = two_provinces["jiangsu"]

    response = record_former_name(js_client, "浙江合作研究院", jiangsu)

    assert "没有您可以关联的" in said(response)
    jiangsu.refresh_from_db()
    assert jiangsu.former_names == []
    assert PatentApplicant.objects.get(name="浙江合作研究院").enterprise is None


def test_recording_a_former_name_links_only_the_applicants_the_official_may_link(js_client, two_provinces):
    jiangsu = two_provinces["jiangsu"]
    # The same name on a second 江苏 patent (in scope: its co-applicant is a 江苏 enterprise) and on 浙江's.
    own = PatentApplicantFactory(enterprise=EnterpriseFactory(name="苏州第二测试有限公司"))
    mine = PatentApplicantFactory(patent=own.patent, position=2, name="江苏合作大学")
    theirs = PatentApplicantFactory(patent=two_provinces["zj_patent"], position=3, name="江苏合作大学")

    record_former_name(js_client, "江苏合作大学", jiangsu)

    jiangsu.refresh_from_db()
    assert jiangsu.former_names == ["江苏合作大学"]
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.enterprise, theirs.enterprise) == (jiangsu, None)


def test_the_data_quality_page_refuses_another_enterprises_current_name_as_a_former_name(admin_client, two_provinces):
    jiangsu = two_provinces["jiangsu"]
    applicant = PatentApplicantFactory(name=ZJ_NAME)

    response = record_former_name(admin_client, ZJ_NAME, jiangsu)

    assert f"另一家企业“{ZJ_NAME}”" in said(response)
    jiangsu.refresh_from_db()
    applicant.refresh_from_db()
    assert (jiangsu.former_names, applicant.enterprise) == ([], None)


def test_the_admin_form_refuses_another_provinces_enterprise_name_naming_it_without_its_code(js_client, two_provinces):
    jiangsu, zhejiang = two_provinces["jiangsu"], two_provinces["zhejiang"]
    form = enterprise_form(name=jiangsu.name, credit_code=jiangsu.credit_code, former_names=f"旧名有限公司\n{ZJ_NAME}")

    response = js_client.post(reverse("admin:enterprises_enterprise_change", args=[jiangsu.pk]), form)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["former_names"]
    assert ZJ_NAME in errors[0] and zhejiang.credit_code not in " ".join(errors)
    jiangsu.refresh_from_db()
    assert jiangsu.former_names == []


def test_the_admin_form_accepts_a_former_name_no_other_enterprise_bears(js_client, two_provinces):
    jiangsu = two_provinces["jiangsu"]
    form = enterprise_form(name=jiangsu.name, credit_code=jiangsu.credit_code, former_names="旧名有限公司")

    response = js_client.post(reverse("admin:enterprises_enterprise_change", args=[jiangsu.pk]), form)

    assert response.status_code == 302
    jiangsu.refresh_from_db()
    assert jiangsu.former_names == ["旧名有限公司"]


def test_an_import_refuses_another_enterprises_current_name_as_a_former_name(two_provinces):
    row = enterprise_row(1, former_names="旧名有限公司;杭州浙江 测试有限公司")  # the same name, normalised

    with pytest.raises(FileRejected) as rejected:
        enterprise_import(stream=io.BytesIO(csv_bytes([row])), file_name="f.csv")

    [error] = rejected.value.report.errors
    assert (error.column, error.row) == ("former_names", 2) and ZJ_NAME in error.reason
    assert not Enterprise.objects.filter(credit_code=row["credit_code"]).exists()


def test_the_api_refuses_another_enterprises_current_name_as_a_former_name(two_provinces, national_admin):
    jiangsu = two_provinces["jiangsu"]
    client = APIClient()
    client.force_authenticate(national_admin)

    response = client.patch(f"/api/v1/enterprises/{jiangsu.credit_code}/", {"former_names": [ZJ_NAME]}, format="json")

    assert response.status_code == 400
    assert ZJ_NAME in response.json()["former_names"][0]
    jiangsu.refresh_from_db()
    assert jiangsu.former_names == []
