"""PostgreSQL-only paths of the patent import: COPY staging and the bulk foreign-key check."""

import pytest
from django.db import connection

from patents.models import PatentApplicant
from patents.services import patent_file as services
from tests.factories import EnterpriseFactory
from tests.patents.conftest import patent_row

pytestmark = [pytest.mark.django_db]


def applicant_foreign_keys() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = 'patents_patentapplicant'::regclass AND contype = 'f' ORDER BY conname"""
        )
        return cursor.fetchall()


def test_a_bulk_import_keeps_the_applicant_foreign_keys_as_they_were(import_rows, monkeypatch):
    before = applicant_foreign_keys()
    assert len(before) == 2
    monkeypatch.setattr(services, "BULK_ROWS", 1)
    enterprise = EnterpriseFactory(name="甲公司")
    outcome = import_rows([patent_row(n, applicant_names="甲公司;乙") for n in range(1, 20)])
    assert outcome.counts["applicants_written"] == 38
    assert applicant_foreign_keys() == before
    assert PatentApplicant.objects.filter(enterprise=enterprise).count() == 19


def test_new_patents_take_their_ids_from_the_sequence(import_rows):
    import_rows([patent_row(1), patent_row(2)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM patents_patent_id_seq")
        last = cursor.fetchone()[0]
    assert max(PatentApplicant.objects.values_list("patent_id", flat=True)) <= last
    import_rows([patent_row(3)])
    assert PatentApplicant.objects.get(patent__publication_number="CN112000003A").patent_id > last


def patent_writes() -> tuple[int, int]:
    """(rows inserted, rows updated) into the patent table so far in this transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'patents_patent'")
        return cursor.fetchone()


def test_a_first_import_writes_each_new_patent_once(import_rows):
    # An UPDATE of the patents just inserted (same values, same updated_at) rewrote every row and index
    # entry again: on a first import of the report's patents it took longer than everything else.
    inserted, updated = patent_writes()
    import_rows([patent_row(1), patent_row(2)])
    assert patent_writes() == (inserted + 2, updated)


@pytest.mark.parametrize("dry_run", [False, True])
def test_the_staged_file_has_statistics_before_anything_reads_it(import_rows, monkeypatch, dry_run):
    """Autovacuum never analyses temp tables. Without statistics the planner guessed a staged file's size
    from its pages (888,664 rows for 1.58 M) and could pick nested loops over a million rows."""
    seen = {}
    check = services._check_against_database

    def spying_check(cursor, **options):
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relpersistence = 't' AND relname = ANY(%s)",
            [[services._STAGE_PATENT, services._STAGE_APPLICANT]],
        )
        seen.update(cursor.fetchall())
        return check(cursor, **options)

    monkeypatch.setattr(services, "_check_against_database", spying_check)
    import_rows([patent_row(n, applicant_names="甲公司;乙") for n in range(1, 31)], dry_run=dry_run)

    assert seen == {services._STAGE_PATENT: 30, services._STAGE_APPLICANT: 60}
