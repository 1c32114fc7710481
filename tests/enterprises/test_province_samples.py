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
