"""Two imports at once, on PostgreSQL: serialised by an advisory lock, a race reported as a row.

Before: the loser died with a raw UniqueViolation traceback and its record read "internal error"; two
imports updating the same 300 enterprises left history rows that disagreed with the live rows, because
each planned from data the other one had changed.
"""

import io
import threading

import pytest
from django.db import connection, connections

from enterprises.models import Enterprise
from enterprises.services import enterprise_import
from imports.models import ImportRecord
from tests.enterprises.import_helpers import csv_bytes, enterprise_row
from tests.reports.conftest import other_session
from utilities.locks import IMPORT_LOCKS, advisory_key
from utilities.tabular import FileRejected

pytestmark = [pytest.mark.django_db(transaction=True)]

N = 300


def _file(employees: int) -> bytes:
    return csv_bytes([enterprise_row(i, employees=str(employees)) for i in range(1, N + 1)])


def _in_threads(*files: bytes) -> list:
    """Import each file from its own thread (its own database session), all started together."""
    results: list = [None] * len(files)
    start = threading.Barrier(len(files))

    def run(index: int, data: bytes) -> None:
        try:
            start.wait()
            results[index] = enterprise_import(stream=io.BytesIO(data), file_name=f"file{index}.csv")
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, data)) for i, data in enumerate(files)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return results


def test_two_imports_creating_the_same_enterprises_both_succeed_one_after_the_other(regions):
    results = _in_threads(_file(100), _file(200))
    assert not [r for r in results if isinstance(r, Exception)], results
    created = sorted(r.counts["enterprises_created"] for r in results)
    assert created == [0, N]  # the second one planned from the first one's rows: it updated them
    assert Enterprise.objects.count() == N
    assert set(ImportRecord.objects.values_list("outcome", flat=True)) == {ImportRecord.Outcome.APPLIED}


def test_history_agrees_with_the_live_rows_after_concurrent_updates(regions):
    enterprise_import(stream=io.BytesIO(_file(50)), file_name="first.csv")
    results = _in_threads(_file(100), _file(200))
    assert not [r for r in results if isinstance(r, Exception)], results
    live = dict(Enterprise.objects.values_list("pk", "employees"))
    latest: dict[int, int] = {}
    for pk, employees in Enterprise.history.order_by("history_date", "history_id").values_list("id", "employees"):
        latest[pk] = employees
    assert latest == live
    assert len(set(live.values())) == 1  # every row carries the values of the import that ran last


def test_an_import_waits_a_bounded_time_then_is_refused_with_a_clear_message(regions, settings):
    settings.IMPORT_LOCK_WAIT_SECONDS = 0.5
    other = other_session()  # another import holds the lock, mid-transaction
    other.execute("BEGIN")
    other.execute("SELECT pg_advisory_xact_lock(%s, %s)", advisory_key(IMPORT_LOCKS, "enterprise-data"))
    try:
        with pytest.raises(FileRejected) as rejected:
            enterprise_import(stream=io.BytesIO(_file(1)), file_name="second.csv")
    finally:
        other.close()
    (error,) = rejected.value.report.errors
    assert "另一个同类导入正在进行" in error.reason and "未写入任何数据" in error.reason
    record = ImportRecord.objects.get()
    assert record.outcome == ImportRecord.Outcome.REJECTED
    assert "内部错误" not in str(record.errors)
    assert not Enterprise.objects.exists()


def test_a_race_that_slips_through_is_a_row_report_not_a_traceback(regions, monkeypatch):
    from enterprises.services import enterprise_file

    real_plan = enterprise_file._plan_enterprise_import
    rows = [enterprise_row(1), enterprise_row(2), enterprise_row(3)]

    def plan_then_someone_else_creates_row_3(*args, **kwargs):
        plan = real_plan(*args, **kwargs)
        # An official saves the same enterprise in the admin at this moment (no import lock there).
        other = other_session()
        other.execute(
            f"INSERT INTO {Enterprise._meta.db_table} (credit_code, name, name_normalized, former_names, province_id,"
            " industry_field, listing_board, stock_code, created_at, updated_at)"
            " VALUES (%s, %s, %s, '[]', '320000', '', '', '', now(), now())",
            [rows[2]["credit_code"], "同时新建的企业", "同时新建的企业"],
        )
        other.close()
        return plan

    monkeypatch.setattr(enterprise_file, "_plan_enterprise_import", plan_then_someone_else_creates_row_3)
    with pytest.raises(FileRejected) as rejected:
        enterprise_import(stream=io.BytesIO(csv_bytes(rows)), file_name="race.csv")
    (error,) = rejected.value.report.errors
    assert (error.row, error.value) == (4, rows[2]["credit_code"])
    assert "与同时进行的其他修改冲突" in error.reason
    record = ImportRecord.objects.get()
    assert record.outcome == ImportRecord.Outcome.REJECTED
    assert "内部错误" not in str(record.errors)
    assert Enterprise.objects.count() == 1  # only the other session's row
    assert connection.is_usable()
