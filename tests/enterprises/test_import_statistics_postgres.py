"""An import that wrote a large part of the enterprise tables leaves PostgreSQL their statistics at once.

``pg_class.reltuples`` is -1 for a table never analysed; the planner then takes a 130,000-row table for a
hundred rows. ``relallvisible`` counts the pages a VACUUM marked all-visible.
"""

import io

import pytest
from django.db import connection

from enterprises.services import designation_list_import
from tests.enterprises.import_helpers import csv_bytes, enterprise_row, list_bytes, run

pytestmark = [pytest.mark.django_db(transaction=True)]


def statistics(table: str) -> tuple[int, int]:
    """(rows as last counted, all-visible pages)"""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::int, relallvisible FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()


def imported(*serials: int, **options):
    return run(csv_bytes([enterprise_row(serial) for serial in serials]), **options)


def test_a_first_import_leaves_the_enterprise_and_designation_tables_analysed_and_vacuumed(regions):
    outcome = imported(1, 2, 3)

    assert outcome.counts["enterprises_created"] == 3
    assert statistics("enterprises_enterprise")[0] == 3
    assert statistics("enterprises_enterprise")[1] >= 1
    assert statistics("enterprises_designation")[0] == 3


def test_an_import_small_against_the_table_leaves_it_to_autovacuum(regions):
    imported(*range(1, 13))

    outcome = imported(13, 14)  # 2 rows against 12: under a quarter

    assert outcome.counts["enterprises_created"] == 2
    assert statistics("enterprises_enterprise")[0] == 12


def test_a_dry_run_renews_nothing(regions):
    outcome = imported(1, 2, dry_run=True)

    assert outcome.counts["enterprises_created"] == 2
    assert statistics("enterprises_enterprise")[0] == -1


def test_a_first_miit_list_import_leaves_the_designations_analysed(regions):
    data = list_bytes([(1, "江苏省", "苏州名单一有限公司"), (2, "广东省", "深圳名单二有限公司")])

    outcome = designation_list_import(stream=io.BytesIO(data), file_name="第四批名单.csv", batch=4)

    assert outcome.counts["designations_created"] == 2
    assert statistics("enterprises_designation")[0] == 2
    assert statistics("enterprises_enterprise")[0] == 2
