"""The patent list, newest first, is read in order from an index, filtered or not (PostgreSQL).

With a handful of test rows the planner would rather sort; forbidding sorts and sequential scans asks
whether an index can give the API's exact order (publication date, then id, both descending) at all. On
the date alone it could not: each day's patents were sorted by id, all of them before the first row.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.api_helpers import fresh_throttles, plan_without_sorting  # noqa: F401
from tests.reports.factories import enterprise, patent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]


@pytest.mark.parametrize("query", [{}, {"province": "320000"}], ids=["all", "one province"])
def test_the_newest_patents_come_from_an_index_without_a_sort(regions, query):
    jiangsu, guangdong = enterprise(city="320500"), enterprise(city="440300")
    for day in (1, 1, 2):
        patent(jiangsu, published=datetime.date(2023, 3, day))
    patent(guangdong, published=datetime.date(2023, 3, 3))

    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/patents/", query)

    assert response.status_code == 200
    dates = [row["publication_date"] for row in response.json()["results"]]
    assert dates == (["2023-03-03"] if not query else []) + ["2023-03-02", "2023-03-01", "2023-03-01"]
    (listing,) = [q["sql"] for q in queries if 'FROM "patents_patent"' in q["sql"] and "LIMIT" in q["sql"]]
    plan = plan_without_sorting(listing)
    assert "patent_published_idx" in plan
    assert "Sort" not in plan
