"""After a bulk write its tables are vacuumed at once (visibility map, statistics), not left to autovacuum.

``pg_class.relallvisible`` counts a table's pages marked all-visible: only VACUUM sets it, and the first
reads of a freshly loaded table without it (the recompute a patent import triggers) cost several times more.
"""

import io
import time
from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from patents.models import Patent
from patents.services import patent_file, patent_import
from reports import services as report_services
from reports.models import EnterpriseMeasure
from tests.patents.conftest import patent_row, patents_csv
from tests.reports.conftest import AS_OF, other_session
from tests.reports.factories import enterprise, patent
from utilities.bulk import vacuumed

pytestmark = [pytest.mark.django_db(transaction=True)]

VACUUM_PHASE = "vacuum (visibility map, statistics)"


def all_visible_pages(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def imported(count: int, *, dry_run: bool = False):
    rows = [patent_row(n) for n in range(1, count + 1)]
    return patent_import(stream=io.BytesIO(patents_csv(rows)), file_name="patents.csv", dry_run=dry_run)


def test_a_bulk_patent_import_leaves_its_tables_vacuumed(monkeypatch):
    monkeypatch.setattr(patent_file, "BULK_ROWS", 5)
    outcome = imported(19)

    assert outcome.counts["created"] == 19
    assert all_visible_pages("patents_patent") >= 1
    assert all_visible_pages("patents_patentapplicant") >= 1
    assert VACUUM_PHASE in outcome.phases


def test_a_small_patent_import_leaves_the_tables_to_autovacuum(monkeypatch):
    monkeypatch.setattr(patent_file, "BULK_ROWS", 50)
    outcome = imported(19)

    assert outcome.counts["created"] == 19
    assert all_visible_pages("patents_patent") == 0
    assert VACUUM_PHASE not in outcome.phases


def test_a_dry_run_vacuums_nothing(monkeypatch):
    monkeypatch.setattr(patent_file, "BULK_ROWS", 1)
    outcome = imported(4, dry_run=True)

    assert outcome.counts["created"] == 4
    assert VACUUM_PHASE not in outcome.phases


def test_a_full_recompute_vacuums_the_indicator_tables(regions):
    member = enterprise(city="320500")
    patent(member, published=AS_OF)

    report_services.snapshot_compute(as_of=AS_OF)

    assert EnterpriseMeasure.objects.count() == 1
    assert all_visible_pages("reports_enterprisemeasure") >= 1


def test_inside_a_transaction_the_vacuum_is_left_to_autovacuum():
    with transaction.atomic():
        assert vacuumed(Patent) is False


def test_a_table_another_session_holds_is_skipped_not_waited_for():
    blocker = other_session()
    try:
        blocker.execute("BEGIN")
        blocker.execute("LOCK TABLE patents_patent IN SHARE MODE")  # conflicts with VACUUM's lock
        started = time.monotonic()

        assert vacuumed(Patent) is True

        assert time.monotonic() - started < 5
    finally:
        blocker.close()
    assert all_visible_pages("patents_patent") == 0  # skipped: nothing was vacuumed


def test_a_failed_vacuum_is_logged_and_does_not_fail_the_write_it_follows(caplog):
    missing = SimpleNamespace(_meta=SimpleNamespace(db_table="no_such_table"))

    assert vacuumed(missing) is False

    assert "VACUUM of" in caplog.text
    assert Patent.objects.count() == 0  # the connection is still usable
