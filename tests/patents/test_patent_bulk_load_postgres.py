"""PostgreSQL bulk loads: the secondary indexes are dropped around a large insert and built again, unchanged."""

import pytest
from django.db import IntegrityError, connection, transaction

from patents.models import Patent, PatentApplicant
from patents.services import patent_file as services
from tests.factories import EnterpriseFactory
from tests.patents.conftest import patent_row
from utilities.bulk import indexes_rebuilt

pytestmark = [pytest.mark.django_db]


def index_definitions(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [table])
        return cursor.fetchall()


def unique_constraints(table: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname""",
            [table],
        )
        return cursor.fetchall()


def test_a_bulk_import_leaves_every_index_and_constraint_as_it_was(import_rows, monkeypatch):
    tables = ("patents_patent", "patents_patentapplicant")
    before = [(index_definitions(t), unique_constraints(t)) for t in tables]
    assert len(before[0][0]) >= 4, "publication number, its LIKE index, application per office, date"
    monkeypatch.setattr(services, "BULK_ROWS", 1)
    enterprise = EnterpriseFactory(name="甲公司")
    outcome = import_rows([patent_row(n, applicant_names="甲公司;乙") for n in range(1, 20)])
    assert outcome.counts["created"] == 19
    assert [(index_definitions(t), unique_constraints(t)) for t in tables] == before
    assert PatentApplicant.objects.filter(enterprise=enterprise).count() == 19
    assert Patent.objects.filter(publication_number__startswith="CN11200001").count() == 10


def test_a_rebuilt_unique_index_still_rejects_a_duplicate():
    Patent.objects.create(
        publication_number="CN1A", application_number="1", jurisdiction="CN", patent_type="invention",
        application_date="2020-01-01", publication_date="2020-06-01", legal_status="pending",
    )  # fmt: skip
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        connection.cursor() as cursor,
        indexes_rebuilt(cursor, Patent, enabled=True),
    ):
        cursor.execute(
            """INSERT INTO patents_patent (publication_number, application_number, jurisdiction, patent_type,
                   title, application_date, publication_date, legal_status, ipc_main, cited_by_count,
                   license_count, transfer_count)
               VALUES ('CN1A', '2', 'CN', 'invention', '', '2020-01-01', '2020-06-01', 'pending', '', 0, 0, 0)"""
        )
    assert index_definitions("patents_patent")
    assert Patent.objects.count() == 1
