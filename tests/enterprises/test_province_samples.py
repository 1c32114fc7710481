"""The import page's sample files for a provincial official: every row in the official's province, so the
sample previews without errors (the static samples name other provinces and are refused for them)."""

import csv
import io

import pytest
from django.urls import reverse

from officials.services import official_set_up
from tests.enterprises.test_import_admin import upload

pytestmark = pytest.mark.django_db

SAMPLES = [
    ("enterprises-sample.csv", "enterprises", {}, "province"),
    ("designation-list-sample.csv", "designation_list", {"batch": "3"}, "省份"),
]


def sample(client, name: str) -> bytes:
    response = client.get(reverse("admin:enterprises_enterprise_import_sample", args=[name]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("province", "names"), [("320000", {"江苏省", "320000"}), ("110000", {"北京市", "110000"})])
@pytest.mark.parametrize(("name", "kind", "fields", "column"), SAMPLES)
def test_a_provincial_officials_sample_is_all_in_their_province_and_previews_clean(
    regions, client, province, names, name, kind, fields, column
):
    official = official_set_up(username=f"o-{province}", role="provincial", province_codes=[province]).user
    client.force_login(official)

    data = sample(client, name)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert len(rows) >= 4
    assert {row[column] for row in rows} <= names

    preview = upload(client, data, kind=kind, name=name, **fields)
    assert 'name="confirm"' in preview.content.decode(), preview.context.get("errors")


def test_the_static_sample_is_refused_for_a_provincial_official_so_theirs_is_generated(regions, client, admin_client):
    static = sample(admin_client, "enterprises-sample.csv")
    official = official_set_up(username="o-js", role="provincial", province_codes=["320000"]).user
    client.force_login(official)

    refused = upload(client, static, kind="enterprises", name="enterprises-sample.csv")
    assert 'name="confirm"' not in refused.content.decode()
    assert sample(client, "enterprises-sample.csv") != static


def test_the_review_result_sample_names_the_officials_due_designations_and_previews_clean(regions, client):
    from django.utils import timezone

    from enterprises.validity import years_before
    from regions.models import City, Province
    from tests.factories import DesignationFactory, EnterpriseFactory, make_credit_code

    lapsed = years_before(timezone.localdate(), 3)
    for number in range(3):
        DesignationFactory(enterprise=EnterpriseFactory(name=f"苏州复核示例{number}有限公司"), designated_on=lapsed)
    DesignationFactory(enterprise=EnterpriseFactory(name="苏州仍有效有限公司"), designated_on=timezone.localdate())
    zhejiang = EnterpriseFactory(
        name="杭州复核示例有限公司",
        province=Province.objects.get(code="330000"),
        city=City.objects.get(code="330100"),
        credit_code=make_credit_code(4242, "330100"),
    )
    DesignationFactory(enterprise=zhejiang, designated_on=lapsed)
    official = official_set_up(username="o-review", role="provincial", province_codes=["320000"]).user
    client.force_login(official)

    data = sample(client, "review-result-sample.csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert sorted(row["企业名称"] for row in rows) == [f"苏州复核示例{n}有限公司" for n in range(3)]
    assert [row["复核结果"] for row in rows] == ["通过", "通过", "未通过"]

    assert list(rows[0]) == ["序号", "省份", "企业名称", "统一社会信用代码", "复核结果", "复核日期", "未通过原因"]

    preview = upload(client, data, kind="review_results", name="review-result-sample.csv")
    html = preview.content.decode()
    assert 'name="confirm"' in html, preview.context.get("errors")
    assert "复核未通过" in html and "复核通过" in html


def test_the_static_review_sample_names_the_static_lists_firms(regions, admin_client):
    """A national administrator with nothing due gets the static sample: after the static MIIT list sample
    it previews clean, one firm passing and one failing."""
    listed = sample(admin_client, "designation-list-sample.csv")
    upload(admin_client, listed, kind="designation_list", name="designation-list-sample.csv", batch="3")
    from imports.models import ImportRecord
    from tests.enterprises.test_import_admin import decide

    decide(admin_client, ImportRecord.objects.get(), "confirm")

    data = sample(admin_client, "review-result-sample.csv")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [row["复核结果"] for row in rows] == ["通过", "未通过"]
    preview = upload(admin_client, data, kind="review_results", name="review-result-sample.csv")
    assert 'name="confirm"' in preview.content.decode(), preview.context.get("errors")
