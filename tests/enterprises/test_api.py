"""/api/v1/enterprises/: list, detail with measures, token writes through the importer, query counts."""

import datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from enterprises.models import Designation, Enterprise
from imports.models import ImportRecord
from officials.choices import Role
from officials.models import Official
from reports import services as report_services
from tests.api_helpers import fresh_throttles  # noqa: F401
from tests.factories import (
    DesignationFactory,
    EnterpriseFactory,
    PatentApplicantFactory,
    PatentFactory,
    make_credit_code,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

URL = "/api/v1/enterprises/"


@pytest.fixture
def enterprise(regions):
    enterprise = EnterpriseFactory(
        credit_code=make_credit_code(1), name="苏州测试科技股份有限公司", former_names=["苏州测试有限公司"]
    )
    DesignationFactory(enterprise=enterprise, batch=3)
    return enterprise


def _provincial_writer(username: str, *permissions: str, provinces=("320000", "440000")) -> User:
    """A provincial official of ``provinces`` holding exactly ``permissions`` (not their role's group)."""
    user = User.objects.create_user(username)
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    official = Official.objects.create(user=user, role=Role.PROVINCIAL)
    official.provinces.set(provinces)
    return user


def _token_client(*permissions: str, provinces=("320000", "440000")) -> APIClient:
    user = _provincial_writer("api-writer", *permissions, provinces=provinces)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


NEW = {
    "credit_code": make_credit_code(2, "440300"),
    "name": "深圳新建科技有限公司",
    "province": "广东省",
    "city": "深圳市",
    "industry_field": "next_gen_it",
    "employees": 120,
    "primary_financing": True,
    "founded_on": "2015-03-01",
    "batch": 4,
}


# --- reads --------------------------------------------------------------------------------------------


def test_list_shape(client, enterprise):
    body = client.get(URL).json()
    assert body["next"] is None
    row = body["results"][0]
    assert row["credit_code"] == enterprise.credit_code
    assert (row["province"], row["province_name"], row["city"], row["city_name"]) == (
        "320000",
        "江苏省",
        "320500",
        "苏州市",
    )
    assert row["former_names"] == ["苏州测试有限公司"]
    assert row["designations"][0]["batch"] == 3


def test_detail_has_designations_and_the_measures_of_the_chosen_snapshot(client, enterprise):
    patent = PatentFactory(publication_date=datetime.date(2022, 5, 1))
    PatentApplicantFactory(patent=patent, enterprise=enterprise)
    report_services.snapshot_compute(as_of=datetime.date(2021, 12, 31))
    report_services.snapshot_compute(as_of=datetime.date(2023, 7, 31))
    newest = client.get(f"{URL}{enterprise.credit_code}/").json()
    assert newest["measures"]["as_of"] == "2023-07-31"
    assert newest["measures"]["applications"] == 1
    earlier = client.get(f"{URL}{enterprise.credit_code.lower()}/", {"as_of": "2021-12-31"}).json()
    assert earlier["measures"]["as_of"] == "2021-12-31"
    assert earlier["measures"]["applications"] == 0
    assert client.get(f"{URL}{enterprise.credit_code}/", {"as_of": "2020-01-01"}).status_code == 404
    assert client.get(f"{URL}{enterprise.credit_code}/", {"as_of": "2020-13-01"}).status_code == 400


def test_detail_without_a_snapshot_has_null_measures(client, enterprise):
    assert client.get(f"{URL}{enterprise.credit_code}/").json()["measures"] is None


def test_unknown_enterprise_is_404(client, regions):
    assert client.get(f"{URL}{make_credit_code(77)}/").status_code == 404


def test_designations_of_an_enterprise(client, enterprise):
    assert [d["batch"] for d in client.get(f"{URL}{enterprise.credit_code}/designations/").json()] == [3]
    assert client.get(f"{URL}{enterprise.credit_code}/designations/3/").json()["status"] == "confirmed"
    assert client.get(f"{URL}{enterprise.credit_code}/designations/4/").status_code == 404


def test_a_designation_says_what_its_review_did(client, enterprise):
    DesignationFactory(
        enterprise=enterprise,
        batch=1,
        status="revoked",
        revoked_on=datetime.date(2024, 7, 1),
        revocation_reason="复核未通过",
    )
    DesignationFactory(
        enterprise=enterprise,
        batch=2,
        status="revoked",
        reviewed_on=datetime.date(2024, 7, 1),
        revoked_on=datetime.date(2024, 7, 1),
        revocation_reason="研发投入不达标",
    )
    Designation.objects.filter(enterprise=enterprise, batch=3).update(
        status="reviewed", reviewed_on=datetime.date(2024, 6, 1)
    )
    detail = client.get(f"{URL}{enterprise.credit_code}/").json()
    review = [
        (d["batch"], d["reviewed_on"], d["revoked_on"], d["revocation_reason"], d["revocation_cause"])
        for d in detail["designations"]
    ]
    # Batch 1 was revoked without a 复核 date, so not by a result list: revoked otherwise. Batch 2 was
    # revoked on its 复核 date, as a result list's 未通过 row writes it.
    assert review == [
        (1, None, "2024-07-01", "复核未通过", "other"),
        (2, "2024-07-01", "2024-07-01", "研发投入不达标", "failed_review"),
        (3, "2024-06-01", None, "", None),
    ]
    one = client.get(f"{URL}{enterprise.credit_code}/designations/3/").json()
    assert (one["status"], one["reviewed_on"]) == ("reviewed", "2024-06-01")


@pytest.mark.parametrize("url", [URL, "/api/v1/patents/"])
def test_query_count_does_not_grow_with_the_page_size(client, regions, url):
    for n in range(12):
        enterprise = EnterpriseFactory(credit_code=make_credit_code(10 + n))
        DesignationFactory(enterprise=enterprise)
        for position in (1, 2):
            PatentApplicantFactory(patent=PatentFactory(), enterprise=enterprise if position == 1 else None, position=1)

    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"page_size": size}).status_code == 200
        return len(captured)

    assert queries(2) == queries(10)


# --- writes -------------------------------------------------------------------------------------------


def test_anonymous_writes_are_refused(client, enterprise):
    assert client.post(URL, NEW, content_type="application/json").status_code in (401, 403)
    assert client.patch(
        f"{URL}{enterprise.credit_code}/", {"employees": 5}, content_type="application/json"
    ).status_code in (401, 403)
    assert not Enterprise.objects.filter(credit_code=NEW["credit_code"]).exists()


def test_a_token_without_the_permission_cannot_write(enterprise):
    client = _token_client("change_designation")
    assert client.post(URL, NEW, format="json").status_code == 403
    assert client.patch(f"{URL}{enterprise.credit_code}/", {"employees": 5}, format="json").status_code == 403
    assert Enterprise.objects.get(pk=enterprise.pk).employees == 100


def test_a_token_with_the_permission_creates_through_the_importer(regions):
    client = _token_client("add_enterprise", "add_designation")  # a new enterprise comes with its designation
    response = client.post(URL, NEW, format="json")
    assert response.status_code == 201, response.content
    created = Enterprise.objects.get(credit_code=NEW["credit_code"])
    assert (created.province_id, created.city_id, created.employees) == ("440000", "440300", 120)
    assert created.designations.get().batch == 4
    record = ImportRecord.objects.get()
    assert (record.via, record.outcome, record.imported_by.username) == ("api", "applied", "api-writer")
    history = created.history.get()
    assert history.history_user.username == "api-writer"
    assert response.json()["designations"][0]["batch"] == 4


def test_invalid_values_are_the_importers_errors_by_column(regions):
    client = _token_client("add_enterprise")
    response = client.post(URL, {**NEW, "credit_code": "91440300000000000X", "city": "苏州市"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"credit_code", "city"}
    assert ImportRecord.objects.get().outcome == "rejected"
    assert client.post(URL, {"name": "x"}, format="json").status_code == 400


def test_creating_an_existing_enterprise_is_refused(enterprise):
    client = _token_client("add_enterprise")
    response = client.post(URL, {**NEW, "credit_code": enterprise.credit_code}, format="json")
    assert response.status_code == 400
    assert "PATCH" in response.json()["credit_code"][0]


def test_a_token_with_the_permission_updates_keeping_history(enterprise):
    client = _token_client("change_enterprise")
    response = client.patch(
        f"{URL}{enterprise.credit_code}/", {"name": "苏州改名科技股份有限公司", "employees": 300}, format="json"
    )
    assert response.status_code == 200, response.content
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.employees) == ("苏州改名科技股份有限公司", 300)
    assert "苏州测试科技股份有限公司" in enterprise.former_names  # a rename keeps the old name, as imports do
    latest = enterprise.history.first()
    assert (latest.history_type, latest.history_user.username) == ("~", "api-writer")
    assert latest.history_change_reason.startswith("导入 api PATCH")


def test_designations_are_added_and_revoked_with_the_designation_permissions(enterprise):
    client = _token_client("add_designation", "change_designation")
    assert (
        client.post(
            f"{URL}{enterprise.credit_code}/designations/",
            {"batch": 5, "designation_status": "announced"},
            format="json",
        ).status_code
        == 201
    )
    assert (
        client.patch(
            f"{URL}{enterprise.credit_code}/designations/3/", {"designation_status": "revoked"}, format="json"
        ).status_code
        == 200
    )
    statuses = dict(Designation.objects.filter(enterprise=enterprise).values_list("batch", "status"))
    assert statuses == {3: "revoked", 5: "announced"}
    assert _token_client_without_designation_rights(enterprise).status_code == 403


def test_enterprise_permissions_alone_cannot_create_a_designation(regions):
    client = _token_client("add_enterprise", "change_enterprise")

    response = client.post(URL, NEW, format="json")

    assert response.status_code == 403, response.content
    assert "enterprises.add_designation" in response.json()["detail"]
    assert not Enterprise.objects.filter(credit_code=NEW["credit_code"]).exists()
    assert not Designation.objects.exists()


def test_enterprise_permissions_alone_cannot_revoke_a_designation(enterprise):
    client = _token_client("add_enterprise", "change_enterprise")

    response = client.patch(
        f"{URL}{enterprise.credit_code}/", {"batch": 3, "designation_status": "revoked"}, format="json"
    )

    assert response.status_code == 403, response.content
    assert "enterprises.change_designation" in response.json()["detail"]
    assert Designation.objects.get(enterprise=enterprise, batch=3).status == "confirmed"


def test_enterprise_permissions_alone_cannot_add_a_designation_of_another_batch(enterprise):
    client = _token_client("add_enterprise", "change_enterprise")

    response = client.patch(f"{URL}{enterprise.credit_code}/", {"batch": 5, "employees": 7}, format="json")

    assert response.status_code == 403, response.content
    assert list(Designation.objects.filter(enterprise=enterprise).values_list("batch", flat=True)) == [3]
    assert Enterprise.objects.get(pk=enterprise.pk).employees == 100  # the whole write rolled back


def test_with_the_designation_permissions_an_enterprise_write_creates_and_revokes_designations(enterprise):
    client = _token_client("add_enterprise", "change_enterprise", "add_designation", "change_designation")

    assert client.post(URL, NEW, format="json").status_code == 201
    revoked = client.patch(
        f"{URL}{enterprise.credit_code}/", {"batch": 3, "designation_status": "revoked"}, format="json"
    )

    assert revoked.status_code == 200, revoked.content
    assert Designation.objects.get(enterprise__credit_code=NEW["credit_code"]).batch == 4
    assert Designation.objects.get(enterprise=enterprise, batch=3).status == "revoked"


def _token_client_without_designation_rights(enterprise):
    user = _provincial_writer("enterprise-only", "change_enterprise")
    client = APIClient()
    client.force_authenticate(user)
    return client.patch(
        f"{URL}{enterprise.credit_code}/designations/3/", {"designation_status": "confirmed"}, format="json"
    )


def test_a_provincial_official_writes_only_in_their_provinces(enterprise):
    zhejiang_only = _token_client("add_enterprise", "change_enterprise", "change_designation", provinces=("330000",))
    refused = zhejiang_only.post(URL, NEW, format="json")  # a 广东 row: the import refuses it, naming it
    assert refused.status_code == 403, refused.content
    assert refused.json()["detail"] == "不在您负责的省份内。"
    assert not Enterprise.objects.filter(credit_code=NEW["credit_code"]).exists()
    assert zhejiang_only.patch(f"{URL}{enterprise.credit_code}/", {"employees": 5}, format="json").status_code == 403
    assert (
        zhejiang_only.patch(
            f"{URL}{enterprise.credit_code}/designations/3/", {"designation_status": "revoked"}, format="json"
        ).status_code
        == 403
    )
    assert Enterprise.objects.get(pk=enterprise.pk).employees == 100
    assert Designation.objects.get(enterprise=enterprise, batch=3).status != "revoked"


def test_a_user_without_a_role_writes_nowhere_even_with_the_permission(enterprise):
    user = User.objects.create_user("no-role")
    user.user_permissions.add(Permission.objects.get(codename="change_enterprise"))
    client = APIClient()
    client.force_authenticate(user)
    assert client.patch(f"{URL}{enterprise.credit_code}/", {"employees": 5}, format="json").status_code == 403
    assert Enterprise.objects.get(pk=enterprise.pk).employees == 100


def test_the_credit_code_cannot_be_changed_by_a_patch(enterprise):
    client = _token_client("change_enterprise")
    response = client.patch(f"{URL}{enterprise.credit_code}/", {"credit_code": make_credit_code(3)}, format="json")
    assert response.status_code == 400
    assert not Enterprise.objects.filter(credit_code=make_credit_code(3)).exists()


def test_incremental_sync_sees_what_an_import_changed(client, regions):
    """The bulk importer stamps what it writes: a sync after a re-import returns the changed rows only."""
    from django.utils import timezone

    from tests.enterprises.import_helpers import csv_bytes, enterprise_row, run

    rows = [enterprise_row(n) for n in (1, 2, 3)]
    run(csv_bytes(rows))
    since = timezone.now()
    rows[1]["employees"] = "999"  # an enterprise field
    rows[2]["designation_status"] = "revoked"  # a designation field
    run(csv_bytes(rows))
    changed = client.get(URL, {"updated_after": since.isoformat(), "ordering": "updated_at"}).json()["results"]
    assert sorted(row["credit_code"] for row in changed) == sorted(rows[n]["credit_code"] for n in (1, 2))


def test_token_clients_have_their_own_throttle(enterprise, settings):
    from tests.api_helpers import throttle_rates

    throttle_rates(settings, anon="100/minute", user="2/minute")
    client = _token_client()
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    assert int(client.get(URL)["Retry-After"]) > 0
