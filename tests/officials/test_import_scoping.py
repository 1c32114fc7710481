"""A provincial official imports only their provinces' rows: anything else refuses the whole file."""

import pytest
from django.test import Client
from django.urls import reverse

from enterprises.models import Designation, Enterprise
from enterprises.services import CREDIT_CODE_UNUSABLE
from imports.models import ImportRecord
from officials.services import official_set_up
from tests.enterprises.import_helpers import csv_bytes, enterprise_row, list_bytes
from tests.enterprises.test_import_admin import decide, upload
from tests.factories import make_credit_code

pytestmark = pytest.mark.django_db

ZJ_ROW = {
    "province": "浙江省",
    "city": "杭州市",
    "credit_code": make_credit_code(50, "330100"),
    "name": "杭州某某有限公司",
}


def errors_of(response) -> list[tuple[int, str]]:
    return [(error.row, error.reason) for error in response.context["errors"].errors]


def test_a_file_with_one_row_of_another_province_is_refused_whole_and_the_row_named(js_client):
    rows = [enterprise_row(1), enterprise_row(2), enterprise_row(3, **ZJ_ROW)]

    response = upload(js_client, csv_bytes(rows))

    assert [row for row, _reason in errors_of(response)] == [4]
    assert "不在您负责的省份内" in response.content.decode() and "浙江省" in response.content.decode()
    assert not Enterprise.objects.exists()
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.REJECTED


def test_a_row_cannot_move_in_an_enterprise_registered_elsewhere_nor_learn_where_it_is(js_client, two_provinces):
    zhejiang = two_provinces["zhejiang"]
    row = enterprise_row(1, credit_code=zhejiang.credit_code, name=zhejiang.name)  # says 江苏省, 苏州市

    response = upload(js_client, csv_bytes([row]))

    assert [reason for _row, reason in errors_of(response)] == [str(CREDIT_CODE_UNUSABLE)]
    zhejiang.refresh_from_db()
    assert zhejiang.province_id == "330000"


def test_an_official_list_with_a_row_of_another_province_is_refused(js_client):
    data = list_bytes([(1, "江苏省", "苏州甲科技有限公司"), (2, "浙江省", "杭州乙科技有限公司")])

    response = upload(js_client, data, kind="designation_list", name="list.csv", batch="3")

    assert [row for row, _reason in errors_of(response)] == [3]
    assert not Designation.objects.exists()


def test_an_accepted_import_is_recorded_with_its_provinces_and_seen_only_there(js_client, regions):
    upload(js_client, csv_bytes([enterprise_row(1)]))
    decide(js_client, ImportRecord.objects.get(), "confirm")
    record = ImportRecord.objects.get(applied_record__isnull=False)
    assert set(record.provinces.values_list("code", flat=True)) == {"320000"}

    client = Client()
    client.force_login(official_set_up(username="zj", role="provincial", province_codes=["330000"]).user)
    listing = client.get(reverse("admin:imports_importrecord_changelist"))
    assert listing.context["cl"].result_count == 0
    assert js_client.get(reverse("admin:imports_importrecord_changelist")).context["cl"].result_count == 1
