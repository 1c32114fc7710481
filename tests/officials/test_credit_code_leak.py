"""A credit code taken in another province is refused without saying so, in the admin, the API and imports.

江苏's official tries 浙江's enterprise's code: each channel answers with the same words it uses for a code
it cannot use for any reason they may not learn, never "already exists" or the enterprise's name. A code
of their own province, and any code for a national administrator, still gets the precise message.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from enterprises.models import Enterprise
from enterprises.services import CREDIT_CODE_UNUSABLE
from tests.enterprises.import_helpers import csv_bytes, enterprise_row
from tests.enterprises.test_import_admin import upload
from tests.officials.test_admin_scoping import enterprise_form

pytestmark = pytest.mark.django_db

UNUSABLE = str(CREDIT_CODE_UNUSABLE)


def admin_add_errors(client, credit_code: str) -> list[str]:
    response = client.post(reverse("admin:enterprises_enterprise_add"), enterprise_form(credit_code=credit_code))
    assert response.status_code == 200  # refused: the form comes back
    return response.context["adminform"].form.errors["credit_code"]


def test_the_admin_form_does_not_reveal_a_code_of_another_province(js_client, two_provinces):
    zhejiang = two_provinces["zhejiang"]

    errors = admin_add_errors(js_client, zhejiang.credit_code)

    assert errors == [UNUSABLE]
    assert "已存在" not in UNUSABLE and zhejiang.name not in UNUSABLE
    assert not Enterprise.objects.filter(name="新建测试有限公司").exists()


def test_the_admin_form_names_a_taken_code_of_the_officials_own_province(js_client, two_provinces):
    errors = admin_add_errors(js_client, two_provinces["jiangsu"].credit_code)

    assert errors != [UNUSABLE] and "已存在" in errors[0]


def test_a_national_administrator_gets_the_precise_message(client, national_admin, two_provinces):
    client.force_login(national_admin)

    errors = admin_add_errors(client, two_provinces["zhejiang"].credit_code)

    assert "已存在" in errors[0]


def api_create(user, credit_code: str):
    client = APIClient()
    client.force_authenticate(user)
    row = {"credit_code": credit_code, "name": "苏州新建科技有限公司", "province": "江苏省", "city": "苏州市"}
    return client.post("/api/v1/enterprises/", {**row, "industry_field": "next_gen_it", "batch": 3}, format="json")


def test_an_api_create_does_not_reveal_a_code_of_another_province(jiangsu_official, national_admin, two_provinces):
    zhejiang = two_provinces["zhejiang"]

    refused = api_create(jiangsu_official, zhejiang.credit_code)

    assert refused.status_code == 400
    assert refused.json() == {"credit_code": [UNUSABLE]}
    precise = api_create(national_admin, zhejiang.credit_code)
    assert precise.status_code == 400 and "exists" in precise.json()["credit_code"][0]


def test_an_import_row_with_a_code_of_another_province_is_refused_in_the_same_words(js_client, two_provinces):
    zhejiang = two_provinces["zhejiang"]
    row = enterprise_row(1, credit_code=zhejiang.credit_code, name="苏州另一家有限公司")  # says 江苏省, 苏州市

    response = upload(js_client, csv_bytes([row]))

    reasons = [error.reason for error in response.context["errors"].errors]
    assert reasons == [UNUSABLE]
    assert zhejiang.name not in response.content.decode() and "其他省份" not in response.content.decode()
    zhejiang.refresh_from_db()
    assert zhejiang.province_id == "330000"
