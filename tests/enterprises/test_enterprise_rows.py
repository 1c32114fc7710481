"""enterprise_rows_apply: rows given as EnterpriseRow values are checked, recorded, planned and written as a
file's rows are, and the API writes through it without writing a file."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from enterprises.models import Enterprise
from enterprises.services import EnterpriseRow, enterprise_rows_apply
from imports.models import ImportRecord
from officials.choices import Role
from officials.models import Official
from tests.api_helpers import fresh_throttles  # noqa: F401
from tests.enterprises.import_helpers import csv_bytes, enterprise_row, rejected, run
from tests.factories import DesignationFactory, EnterpriseFactory, make_credit_code
from utilities.tabular import FileRejected

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

URL = "/api/v1/enterprises/"


def _row(serial: int = 1, **values) -> EnterpriseRow:
    """The typed twin of ``import_helpers.enterprise_row``."""
    given = {
        "credit_code": make_credit_code(serial),
        "name": f"苏州导入测试{serial}科技有限公司",
        "province": "江苏省",
        "city": "苏州市",
        "industry_field": "next_gen_it",
        "employees": 120,
        "primary_financing": False,
        "founded_on": datetime.date(2010, 5, 1),
        "batch": 3,
        "designation_status": "confirmed",
        "designated_on": datetime.date(2021, 7, 1),
    }
    return EnterpriseRow(**{**given, **values})


@pytest.fixture
def superuser_client(regions):
    user = User.objects.create_superuser("api-admin")
    Official.objects.create(user=user, role=Role.NATIONAL)
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_rows_are_written_recorded_and_kept_in_history_as_a_files_rows_are(regions):
    outcome = enterprise_rows_apply([_row(1), _row(2, former_names=("苏州旧名有限公司",))], user=None, via="api")

    assert outcome.counts["enterprises_created"] == 2
    assert outcome.counts["designations_created"] == 2
    written = Enterprise.objects.get(credit_code=make_credit_code(2))
    assert (written.city_id, written.employees, written.former_names) == ("320500", 120, ["苏州旧名有限公司"])
    record = outcome.record
    assert (record.kind, record.outcome, record.via) == ("enterprises", "applied", "api")
    assert written.history.get().history_change_reason == f"导入 api:{make_credit_code(1)} (ImportRecord #{record.pk})"
    again = enterprise_rows_apply([_row(1), _row(2)], user=None, via="api")
    assert again.counts["enterprises_unchanged"] == 2  # the same rows again change nothing
    assert [change.row for change in again.changes] == [2, 3]  # numbered as a file's rows


def test_the_same_file_and_the_same_rows_leave_the_same_data(regions):
    run(csv_bytes([enterprise_row(1, employees="77", listing_board="科创板", stock_code="688001", name="苏州甲")]))
    enterprise_rows_apply(
        [_row(2, employees=77, listing_board="科创板", stock_code="688001", name="苏州甲")], user=None
    )

    from_file, from_rows = Enterprise.objects.order_by("credit_code").values()
    ignored = {"id", "created_at", "updated_at", "credit_code"}
    assert {k: v for k, v in from_rows.items() if k not in ignored} == {
        k: v for k, v in from_file.items() if k not in ignored
    }


# The same bad value as a typed row and as a file's cell: the same column and reason.
BAD_VALUES = [
    ("credit_code", "91320500MA1", "91320500MA1"),
    ("name", "苏" * 201, "苏" * 201),
    ("name", "<b>苏州</b>科技", "<b>苏州</b>科技"),
    ("former_names", ("苏" * 201,), "苏" * 201),
    ("former_names", ("苏州导入测试1科技有限公司",), "苏州导入测试1科技有限公司"),
    ("province", "火星省", "火星省"),
    ("city", "杭州市", "杭州市"),
    ("industry_field", "航天", "航天"),
    ("employees", -1, "-1"),
    ("employees", 3_000_000_000, "3000000000"),
    ("stock_code", "68 8001", "68 8001"),
    ("founded_on", datetime.date(1899, 12, 31), "1899-12-31"),
    ("founded_on", datetime.date.today() + datetime.timedelta(days=1), ""),
    ("batch", 100, "100"),
    ("batch", None, ""),
    ("designation_status", "pending", "pending"),
    ("stock_code", "=1+2", "=1+2"),
]


@pytest.mark.parametrize(("column", "value", "cell"), BAD_VALUES)
def test_a_bad_value_is_the_same_problem_as_in_a_file(regions, column, value, cell):
    if column == "founded_on" and not cell:
        cell = value.isoformat()
    from_file = rejected(csv_bytes([enterprise_row(1, **{column: cell})]))

    with pytest.raises(FileRejected) as from_rows:
        enterprise_rows_apply([_row(1, **{column: value})], user=None)

    problems = [(error.row, error.column, error.reason) for error in from_rows.value.report.errors]
    assert problems == [(error.row, error.column, error.reason) for error in from_file.errors]
    assert ImportRecord.objects.filter(outcome="rejected").count() == 2
    assert not Enterprise.objects.exists()


def test_every_problem_of_a_row_in_its_columns_order_as_in_a_file(regions):
    bad = {"credit_code": "X", "employees": -1, "batch": 0, "city": "杭州市"}
    from_file = rejected(csv_bytes([enterprise_row(1, **{k: str(v) for k, v in bad.items()})]))

    with pytest.raises(FileRejected) as from_rows:
        enterprise_rows_apply([_row(1, **bad)], user=None)

    assert [(e.column, e.reason) for e in from_rows.value.report.errors] == [
        (e.column, e.reason) for e in from_file.errors
    ]
    assert [e.column for e in from_file.errors] == ["credit_code", "employees", "batch", "city"]


def test_rows_repeating_a_credit_code_are_refused_as_a_files_rows_are(regions):
    from_file = rejected(csv_bytes([enterprise_row(1), enterprise_row(2), enterprise_row(1, name="苏州再现")]))

    with pytest.raises(FileRejected) as from_rows:
        enterprise_rows_apply([_row(1), _row(2), _row(1, name="苏州再现")], user=None)

    assert from_rows.value.report.as_json() == from_file.as_json()
    assert [e.row for e in from_file.errors] == [2, 4]


def test_the_api_writes_rows_through_the_row_service_not_a_file(superuser_client, monkeypatch):
    from enterprises.services import enterprise_file

    given = []
    real = enterprise_file.enterprise_rows_apply

    def spy(rows, **kwargs):
        given.extend(rows)
        return real(rows, **kwargs)

    def no_file(*args, **kwargs):
        raise AssertionError("an API write must not read a file")

    monkeypatch.setattr("enterprises.services.enterprise_rows_apply", spy)
    monkeypatch.setattr(enterprise_file, "open_table", no_file)

    with CaptureQueriesContext(connection) as queries:
        created = superuser_client.post(
            URL,
            {
                "credit_code": make_credit_code(5),
                "name": "苏州新建科技有限公司",
                "province": "江苏",
                "batch": 4,
                "city": "苏州市",
                "employees": 9,
                "founded_on": "2015-03-01",
                "primary_financing": True,
            },
            format="json",
        )

    assert created.status_code == 201, created.content
    # Nor are its rows staged in a TEMP table (the patents' relinking, a receiver, keeps its own).
    assert not any(enterprise_file._STAGE in query["sql"] for query in queries.captured_queries)
    (row,) = given
    assert isinstance(row, EnterpriseRow)
    assert (row.employees, row.founded_on, row.primary_financing, row.batch) == (
        9,
        datetime.date(2015, 3, 1),
        True,
        4,
    )
    assert ImportRecord.objects.get().via == "api"


def test_an_api_patch_with_a_bad_value_gets_the_files_error_for_that_column(superuser_client):
    enterprise = EnterpriseFactory(credit_code=make_credit_code(1), name="苏州导入测试1科技有限公司")
    DesignationFactory(enterprise=enterprise, batch=3)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    from_file = rejected(csv_bytes([enterprise_row(1, founded_on=tomorrow.isoformat(), stock_code="68 8001")]))

    response = superuser_client.patch(
        f"{URL}{enterprise.credit_code}/", {"founded_on": tomorrow.isoformat(), "stock_code": "68 8001"}, format="json"
    )

    assert response.status_code == 400
    by_column = {e.column: f"{e.reason} (value: {e.value})" for e in from_file.errors}
    assert response.json() == {column: [message] for column, message in by_column.items()}
    assert Enterprise.objects.get().founded_on != tomorrow
