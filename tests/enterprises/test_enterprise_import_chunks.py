"""enterprise_import plans and writes a file chunk by chunk (flat memory): the same outcome as in one piece.

Every test runs with chunks of two rows, so that the rows that interact (a repeated credit code, two rows
claiming one incomplete enterprise, a provincial official's refusals) fall into different chunks.
"""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from enterprises.models import Designation, Enterprise
from enterprises.services import enterprise_file
from imports.models import ImportRecord
from tests.enterprises.import_helpers import csv_bytes, enterprise_row, rejected, run
from tests.factories import DesignationFactory, EnterpriseFactory, make_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(enterprise_file, "CHUNK_ROWS", 2)


def _state() -> tuple:
    enterprises = sorted(
        Enterprise.objects.values_list(
            "credit_code", "name", "former_names", "province_id", "city_id", "employees", "industry_field"
        ),
        key=repr,
    )
    designations = sorted(
        Designation.objects.values_list("enterprise__name", "program", "batch", "status", "designated_on"), key=repr
    )
    return enterprises, designations, Enterprise.history.count(), Designation.history.count()


def _outcome_and_state(data: bytes, **options) -> tuple:
    """Import ``data``, note the outcome and the data, then roll everything back."""

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            outcome = run(data, **options)
            result = (outcome.counts, outcome.changes, outcome.unchanged_rows, _state())
            raise Undo
    except Undo:
        return result


@pytest.fixture
def mixed_file(regions):
    """Rows that create, update, leave unchanged, complete an incomplete enterprise and add a designation."""
    run(csv_bytes([enterprise_row(1), enterprise_row(2)]))
    incomplete = EnterpriseFactory(credit_code=None, name="苏州待补全科技有限公司", city=None, employees=None)
    DesignationFactory(enterprise=incomplete, batch=3, status="confirmed")
    return csv_bytes(
        [
            enterprise_row(1),  # unchanged
            enterprise_row(2, employees="300", batch="4"),  # updated, a second designation
            enterprise_row(3),  # created
            enterprise_row(9, name="苏州待补全科技有限公司"),  # completes the incomplete enterprise
            enterprise_row(4, name="苏州新名科技有限公司", former_names="苏州旧名科技有限公司"),
        ]
    )


def test_a_file_written_in_chunks_gives_what_one_chunk_gives(mixed_file, monkeypatch):
    whole = _outcome_and_state(mixed_file)
    monkeypatch.setattr(enterprise_file, "CHUNK_ROWS", 2)

    assert _outcome_and_state(mixed_file) == whole
    assert whole[0]["enterprises_completed"] == 1  # the world is the one described above


def test_a_dry_run_in_chunks_gives_what_the_real_run_counts(mixed_file, small_chunks):
    dry = run(mixed_file, dry_run=True)
    real = run(mixed_file)

    assert (dry.counts, dry.changes) == (real.counts, real.changes)


def test_two_rows_in_different_chunks_claiming_one_incomplete_enterprise_reject_the_file(regions, small_chunks):
    incomplete = EnterpriseFactory(credit_code=None, name="苏州同名有限公司", city=None)
    data = csv_bytes(
        [
            enterprise_row(1, name="苏州同名有限公司"),  # row 2 claims it (and is written with its chunk)
            enterprise_row(2),
            enterprise_row(3),
            enterprise_row(4, name="苏州同名有限公司"),  # row 5, in the second chunk
        ]
    )

    for dry_run in (True, False):
        report = rejected(data, dry_run=dry_run)
        assert [(e.row, e.column) for e in report.errors] == [(5, "name")]
        assert "与第2行匹配到同一家待补全企业" in report.errors[0].reason

    incomplete.refresh_from_db()
    assert incomplete.credit_code is None  # the first chunk's writes were rolled back
    assert Enterprise.objects.count() == 1


def test_a_credit_code_repeated_in_another_chunk_is_reported_on_every_row(regions, small_chunks):
    rows = [enterprise_row(i) for i in range(1, 6)]
    rows[4]["credit_code"] = rows[0]["credit_code"]

    report = rejected(csv_bytes(rows))

    assert [(e.row, e.value) for e in report.errors] == [(2, make_credit_code(1)), (6, make_credit_code(1))]
    assert all("第2、6行" in e.reason for e in report.errors)
    assert not Enterprise.objects.exists()


def test_a_provincial_official_s_refusals_keep_the_order_of_a_whole_file_check(regions, monkeypatch):
    from officials.services import official_set_up

    user = official_set_up(username="importer", role="provincial", province_codes=["320000"]).user
    EnterpriseFactory(
        credit_code=make_credit_code(3), name="杭州登记科技有限公司", province_id="330000", city_id="330100"
    )
    data = csv_bytes(
        [
            enterprise_row(1),
            enterprise_row(2, province="浙江省", city="杭州市"),  # row 3: outside the province
            enterprise_row(3, name="杭州登记科技有限公司"),  # row 4: moves a 浙江 enterprise in
            enterprise_row(4, province="浙江省", city="宁波市"),  # row 5: outside
        ]
    )
    whole = rejected(data, user=user)
    monkeypatch.setattr(enterprise_file, "CHUNK_ROWS", 2)

    report = rejected(data, user=user)

    assert [(e.row, e.column) for e in report.errors] == [(3, "province"), (5, "province"), (4, "credit_code")]
    assert report.as_json() == whole.as_json()
    assert Enterprise.objects.count() == 1


def test_the_outcome_lists_the_first_rows_of_each_kind_and_counts_them_all(regions, monkeypatch):
    run(csv_bytes([enterprise_row(i) for i in range(1, 4)]))
    monkeypatch.setattr(enterprise_file, "CHANGES_LISTED", 2)

    outcome = run(csv_bytes([enterprise_row(i) for i in range(1, 7)]))  # 3 unchanged, then 3 created

    assert [(c.row, c.action) for c in outcome.changes] == [
        (2, "unchanged"),
        (3, "unchanged"),
        (5, "create"),
        (6, "create"),
    ]
    assert (outcome.unchanged_rows, outcome.changes_not_listed) == (3, 2)
    assert outcome.counts["enterprises_created"] == 3


def test_every_planned_row_is_passed_to_on_change_in_file_order(regions, small_chunks, monkeypatch):
    monkeypatch.setattr(enterprise_file, "CHANGES_LISTED", 1)
    seen = []

    run(csv_bytes([enterprise_row(i) for i in range(1, 6)]), on_change=seen.append)

    assert [change.row for change in seen] == [2, 3, 4, 5, 6]


def test_a_dry_run_of_the_command_prints_every_row_beyond_those_listed(regions, small_chunks, monkeypatch, tmp_path):
    monkeypatch.setattr(enterprise_file, "CHANGES_LISTED", 1)
    path = tmp_path / "enterprises.csv"
    path.write_bytes(csv_bytes([enterprise_row(i) for i in range(1, 6)]))
    out = io.StringIO()

    call_command("import_enterprises", str(path), "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines if line.startswith("第")] == [f"第{row}行" for row in range(2, 7)]
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.DRY_RUN
    assert not Enterprise.objects.exists()
