"""The admin's patent search reads a few index pages, not a whole index or table (PostgreSQL).

A search term is a publication-number prefix or a whole application number (``PatentAdmin``), and the
changelist counts the matches of every search first. The application number came second in its unique
index, after the office: the count then read every page of that index (or the whole table), and at ten
times the report's data each search took seconds. Led by the application number, the index finds it in
the few pages of one descent, however many patents there are.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PatentFactory

pytestmark = [pytest.mark.django_db]


def index_pages_read(sql: str, index: str) -> int:
    """Pages the plan of ``sql`` reads from ``index``, sequential scans forbidden (this transaction only)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) {sql}")
        lines = [row[0] for row in cursor.fetchall()]
    (node,) = [i for i, line in enumerate(lines) if f"Index Scan on {index}" in line]
    buffers = next(line for line in lines[node + 1 :] if "Buffers:" in line)
    return sum(int(n) for n in re.findall(r"=(\d+)", buffers))


def test_a_search_by_application_number_reads_one_descent_of_its_index(admin_client):
    PatentFactory.create_batch(3_000)
    wanted = PatentFactory(publication_number="CN115000001A", application_number="2022100001.5")

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get("/admin/patents/patent/", {"q": "2022100001.5"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [wanted]
    (count,) = [q["sql"] for q in queries if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "patents_patent"')]
    assert index_pages_read(count, "patent_application_unique_per_office") <= 3
    assert index_pages_read(count, "patents_patent_publication_number_key") <= 3
