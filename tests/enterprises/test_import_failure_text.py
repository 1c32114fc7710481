"""Database error text stays in the server log (issue #22): officials read what happened and a number.

An import or a revert that the database refuses unexpectedly used to store and show the exception's text
(SQL, table, column and constraint names) in the import record and the admin. Now the record and the page
say that the database refused the write, with the record's number to quote; the log has the full text.
"""

import io

import pytest
from django.db import DatabaseError, connection

from enterprises.models import Enterprise
from enterprises.services import enterprise_import
from imports.models import ImportRecord
from imports.registry import import_kind
from tests.enterprises.import_helpers import csv_bytes, enterprise_row
from tests.officials.test_import_revert import imported, revert_url

pytestmark = pytest.mark.django_db

TABLE = Enterprise._meta.db_table


def test_a_database_error_during_an_import_is_recorded_as_a_numbered_message_not_its_text(regions, monkeypatch, caplog):
    def failing_write(touched):  # a real error of the database, inside the import's transaction
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT secret_column FROM "{TABLE}"')

    monkeypatch.setattr("enterprises.services.enterprise_file.enterprises_notify", failing_write)

    with pytest.raises(DatabaseError):
        enterprise_import(stream=io.BytesIO(csv_bytes([enterprise_row(1)])), file_name="enterprises.csv")

    record = ImportRecord.objects.latest("pk")
    assert record.outcome == ImportRecord.Outcome.REJECTED
    assert [error["reason"] for error in record.errors] == [
        f"数据库拒绝了写入，未写入任何数据；请联系管理员，编号 {record.pk}"
    ]
    assert "secret_column" not in str(record.errors)
    assert "secret_column" in caplog.text and f"import record {record.pk}" in caplog.text


def test_a_database_refusal_of_a_revert_shows_the_record_number_not_the_database_text(
    regions, admin_client, monkeypatch, caplog
):
    record = imported(admin_client, [enterprise_row(1)])

    def refused_write(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute(f'UPDATE "{TABLE}" SET name = NULL')  # violates NOT NULL: an IntegrityError

    monkeypatch.setattr(import_kind(ImportRecord.Kind.ENTERPRISES), "revert_apply", refused_write)

    response = admin_client.post(revert_url(record))

    html = response.content.decode()
    assert f"数据库拒绝了撤销，未做任何改动；请联系管理员，编号 {record.pk}" in html
    assert TABLE in caplog.text  # the database's text, with its table, is in the log
    assert TABLE not in html
    assert not ImportRecord.objects.filter(kind=ImportRecord.Kind.REVERT).exists()
