"""Helpers shared by the API tests of every app."""

import pytest
from django.core.cache import cache
from django.db import connection


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def plan_without_sorting(sql: str) -> str:
    """PostgreSQL's plan for ``sql`` with sorts and sequential scans forbidden (this transaction only).

    With a handful of test rows the planner would rather sort; forbidding it asks whether an index can
    give the query's exact order at all. A "Sort" in the plan means none can.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def plan_with_bitmap_scans_only(sql: str) -> str:
    """PostgreSQL's plan for ``sql`` with sequential and plain index scans forbidden (this transaction only).

    A GIN index is read by bitmap scans only: with nothing else left, a plan without it means the query
    does not say the index's expression, whatever the planner would choose on a handful of test rows.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def walk(client, url: str, params: dict | None = None) -> list[dict]:
    """Every result of a keyset-paginated list, following ``next`` to the end."""
    results: list[dict] = []
    response = client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        results.extend(body["results"])
        if not body["next"]:
            return results
        response = client.get(body["next"])


def throttle_rates(settings, **rates: str) -> None:
    """Deploy with other API_THROTTLE_ANON/USER values (``anon="3/minute"``): DRF reloads its settings."""
    framework = dict(settings.REST_FRAMEWORK)
    framework["DEFAULT_THROTTLE_RATES"] = {**framework["DEFAULT_THROTTLE_RATES"], **rates}
    settings.REST_FRAMEWORK = framework


@pytest.fixture
def fresh_throttles():
    """Throttle history lives in the cache: start each API test without any."""
    cache.clear()
    yield
    cache.clear()
