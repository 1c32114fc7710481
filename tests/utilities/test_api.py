"""The shared API base (utilities/api/): refused input, keyset pagination, exports, throttles."""

import csv
import datetime
import io
import itertools

import openpyxl
import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import utilities.api.lists
from enterprises.models import Enterprise
from tests.api_helpers import body_of, fresh_throttles, throttle_rates, walk  # noqa: F401
from tests.factories import DesignationFactory, EnterpriseFactory, make_credit_code
from utilities.api.pagination import KeysetPagination

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

URL = "/api/v1/enterprises/"


@pytest.fixture
def many(regions):
    """23 enterprises with ties and unknown values in employees and founded_on."""
    created = []
    for n in range(23):
        enterprise = EnterpriseFactory(
            credit_code=make_credit_code(100 + n),
            name=f"测试{n % 7}号科技有限公司{n:02d}",
            employees=None if n % 5 == 0 else (n % 4) * 10,
            founded_on=None if n % 3 == 0 else datetime.date(2010 + n % 4, 1, 1),
        )
        DesignationFactory(enterprise=enterprise, batch=1 + n % 5)
        created.append(enterprise)
    return created


# --- refused input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/enterprises/",
        "/api/v1/patents/",
        "/api/v1/provinces/",
        "/api/v1/cities/",
        "/api/v1/enterprises/91320500000000001W/",
        "/api/v1/patents/CN1A/",
    ],
)
def test_unknown_parameters_are_refused_and_named(client, regions, url):
    response = client.get(url, {"provnce": "320000", "limit": "5"})
    assert response.status_code == 400
    assert response.json()["unknown_parameters"] == ["limit", "provnce"]
    assert "limit, provnce" in response.json()["detail"]


def test_invalid_filter_values_are_refused_and_named(client, many):
    response = client.get(URL, {"province": "999999", "employees_min": "lots"})
    assert response.status_code == 400
    assert set(response.json()) == {"province", "employees_min"}


@pytest.mark.parametrize(
    ("name", "value"), [("format", "pdf"), ("bom", "yes"), ("page_size", "0"), ("page_size", "501")]
)
def test_invalid_api_parameters_are_refused(client, many, name, value):
    response = client.get(URL, {name: value})
    assert response.status_code == 400
    assert name in response.json()


# --- keyset pagination --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ordering",
    ["", "name", "-name", "employees", "-employees", "founded_on,-employees", "-updated_at", "province,city"],
)
def test_walking_all_pages_gives_every_row_once_in_order(client, many, ordering):
    params = {"page_size": 4, **({"ordering": ordering} if ordering else {})}
    codes = [row["credit_code"] for row in walk(client, URL, params)]
    everything = client.get(URL, {"page_size": 500, **({"ordering": ordering} if ordering else {})}).json()
    assert codes == [row["credit_code"] for row in everything["results"]]
    assert sorted(codes) == sorted(e.credit_code for e in many)


def test_unknown_values_sort_last_in_both_directions(client, many):
    for ordering in ("employees", "-employees"):
        rows = walk(client, URL, {"page_size": 3, "ordering": ordering})
        employees = [row["employees"] for row in rows]
        known = [value for value in employees if value is not None]
        assert employees == known + [None] * (len(employees) - len(known))
        assert known == sorted(known, reverse=ordering.startswith("-"))


def test_a_page_is_stable_while_rows_are_inserted(client, many):
    first = client.get(URL, {"page_size": 5, "ordering": "name"}).json()
    seen = [row["credit_code"] for row in first["results"]]
    # New rows before and after the cursor: the next pages neither repeat nor skip an original row.
    EnterpriseFactory(credit_code=make_credit_code(900), name="测试0号科技有限公司00a")  # sorts inside page 1
    EnterpriseFactory(credit_code=make_credit_code(901), name="测试9号最后")  # sorts after everything
    rest = []
    response = client.get(first["next"])
    while True:
        body = response.json()
        rest.extend(row["credit_code"] for row in body["results"])
        if not body["next"]:
            break
        response = client.get(body["next"])
    assert not set(seen) & set(rest)
    assert make_credit_code(900) not in rest
    assert make_credit_code(901) in rest
    assert set(seen) | set(rest) == {e.credit_code for e in many} | {make_credit_code(901)}


def test_there_is_no_count_query(client, many):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"page_size": 5}).status_code == 200
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_forged_cursor_is_a_400(client, many):
    cursor = client.get(URL, {"page_size": 5}).json()["next"].split("cursor=")[1]
    for forged in ("abc", cursor[:-3] + "xyz", signing.dumps({"o": ["name"], "v": [1]}, salt="other")):
        response = client.get(URL, {"cursor": forged})
        assert response.status_code == 400
        assert response.json() == {"cursor": ["Invalid cursor."]}


def test_a_cursor_signed_with_wrong_values_is_a_400_not_a_500(client, many):
    bad = signing.dumps({"o": ["name", "id"], "v": ["x", "not-a-number"]}, salt=KeysetPagination.salt, compress=True)
    assert client.get(URL, {"cursor": bad}).status_code == 400
    short = signing.dumps({"o": ["name", "id"], "v": ["x"]}, salt=KeysetPagination.salt, compress=True)
    assert client.get(URL, {"cursor": short}).status_code == 400


def test_a_cursor_of_another_ordering_is_a_400(client, many):
    next_url = client.get(URL, {"page_size": 5, "ordering": "name"}).json()["next"]
    response = client.get(next_url.replace("ordering=name", "ordering=-employees"))
    assert response.status_code == 400
    assert "another ordering" in response.json()["cursor"][0]


# --- exports ------------------------------------------------------------------------------------------


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body_of(response).decode("utf-8-sig"))))


def test_csv_exports_the_whole_selection_not_a_page(client, many):
    response = client.get(URL, {"format": "csv", "page_size": 2, "batch": "1"})
    assert response.status_code == 200
    assert response.streaming
    rows = _csv(response)
    assert len(rows) - 1 == Enterprise.objects.filter(designations__batch=1).count() == 5


def test_csv_file_name_names_the_scope_and_the_date(client, many):
    response = client.get(URL, {"format": "csv", "province": "320000", "batch": ["1", "2"]})
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="enterprises-batch-1_2-province-320000-{today}.csv"'
    )


def test_bom_only_when_asked(client, many):
    assert body_of(client.get(URL, {"format": "csv", "bom": "1"})).startswith("\ufeff".encode())
    assert body_of(client.get(URL, {"format": "csv"})).startswith(b"credit_code,")


def test_formula_cells_are_neutralised_in_csv_and_xlsx(client, regions):
    enterprise = EnterpriseFactory(name='=HYPERLINK("http://x")', former_names=["+1", "@SUM(A1)"], stock_code="")
    DesignationFactory(enterprise=enterprise)
    row = _csv(client.get(URL, {"format": "csv"}))[1]
    assert row[1] == '\'=HYPERLINK("http://x")'
    assert row[2] == "'+1;@SUM(A1)"
    sheet = openpyxl.load_workbook(io.BytesIO(body_of(client.get(URL, {"format": "xlsx"})))).active
    cells = [cell.value for cell in next(itertools.islice(sheet.iter_rows(), 1, 2))]
    assert cells[1] == '\'=HYPERLINK("http://x")'
    assert sheet.cell(row=2, column=2).data_type == "s"  # text, not a formula


def test_a_leading_tab_or_carriage_return_is_neutralised_like_a_formula_sign(client, regions):
    enterprise = EnterpriseFactory(name="\t=1+1", former_names=["\t@SUM(A1)"], stock_code="")
    DesignationFactory(enterprise=enterprise)
    assert _csv(client.get(URL, {"format": "csv"}))[1][1:3] == ["'\t=1+1", "'\t@SUM(A1)"]
    # A carriage return in the XLSX only: Python 3.11's csv module leaves a cell with a CR unquoted.
    Enterprise.objects.filter(pk=enterprise.pk).update(name="\r=1+1")
    sheet = openpyxl.load_workbook(io.BytesIO(body_of(client.get(URL, {"format": "xlsx"})))).active
    cell = sheet.cell(row=2, column=2).value  # XML reads the CR back as a line feed
    assert cell[:1] == "'" and cell[1:].lstrip() == "=1+1"


def test_xlsx_holds_the_selection_with_the_interchange_header(client, many):
    response = client.get(URL, {"format": "xlsx", "batch": "2"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="enterprises-batch-2-')
    rows = list(openpyxl.load_workbook(io.BytesIO(body_of(response))).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("credit_code", "name", "former_names")
    assert len(rows) - 1 == 5


def test_xlsx_of_too_many_rows_is_refused_pointing_to_csv(client, many, monkeypatch):
    monkeypatch.setattr(utilities.api.lists, "XLSX_MAX_ROWS", 10)
    response = client.get(URL, {"format": "xlsx"})
    assert response.status_code == 400
    assert "format=csv" in response.json()["format"][0]


def test_throttled_requests_get_429_with_retry_after(client, many, settings):
    throttle_rates(settings, anon="3/minute", user="100/minute")
    statuses = [client.get("/api/v1/provinces/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/provinces/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
