"""The enterprise list of one province by size, largest first, is read in order from an index (PostgreSQL).

With a handful of test rows the planner would rather sort; forbidding sorts and sequential scans asks
whether an index can give the API's exact order (employees descending, unknown last, then id) at all.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from regions.models import City, Province
from tests.api_helpers import fresh_throttles, plan_without_sorting  # noqa: F401
from tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]


def test_the_largest_enterprises_of_a_province_come_from_an_index_without_a_sort(regions):
    for employees in (None, 40, 400, 4000):
        EnterpriseFactory(employees=employees)  # 苏州, 江苏
    EnterpriseFactory(
        province=Province.objects.get(code="440000"), city=City.objects.get(code="440300"), employees=9000
    )

    with CaptureQueriesContext(connection) as queries:
        response = APIClient().get("/api/v1/enterprises/", {"province": "320000", "ordering": "-employees"})

    assert response.status_code == 200
    assert [row["employees"] for row in response.json()["results"]] == [4000, 400, 40, None]
    # The page's one query (values() rows may order by the column's position: ORDER BY 10 DESC NULLS LAST).
    (listing,) = [q["sql"] for q in queries if 'FROM "enterprises_enterprise"' in q["sql"] and " LIMIT " in q["sql"]]
    plan = plan_without_sorting(listing)
    assert "enterprise_province_employees_idx" in plan
    assert "Sort" not in plan
