"""Publication and application numbers and office codes are compared byte for byte (PostgreSQL).

Their columns have the collation "C" (``utilities.fields.CodeField``): the indexes over them build faster
at every bulk import, and the unique publication-number index serves a prefix search itself, so the
``varchar_pattern_ops`` twin Django adds for other collations is gone.
"""

import datetime

import pytest
from django.db import connection

from patents.models import Patent
from tests.api_helpers import plan_without_sorting
from tests.reports.factories import enterprise, patent

pytestmark = [pytest.mark.django_db]

CODE_COLUMNS = ("publication_number", "application_number", "jurisdiction")


def collations(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT a.attname, c.collname FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
               WHERE a.attrelid = %s::regclass AND a.attname = ANY(%s)""",
            [table, list(CODE_COLUMNS)],
        )
        return dict(cursor.fetchall())


@pytest.mark.parametrize("table", ["patents_patent", "patents_historicalpatent"])
def test_the_code_columns_collate_byte_for_byte(table):
    assert collations(table) == dict.fromkeys(CODE_COLUMNS, "C")


def test_a_prefix_search_uses_the_unique_index_and_no_pattern_twin_is_kept(regions):
    owner = enterprise(city="320500")
    patent(owner, published=datetime.date(2023, 3, 1))

    sql, params = (
        Patent.objects.filter(publication_number__startswith="CN1").order_by().values("id").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params)
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'patents_patent'")
        definitions = [row[0] for row in cursor.fetchall()]

    assert "patents_patent_publication_number_key" in plan_without_sorting(query)
    assert not [definition for definition in definitions if "pattern_ops" in definition]
