"""Helpers shared by the API tests of every app."""

import pytest
from django.core.cache import cache


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


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


@pytest.fixture
def fresh_throttles():
    """Throttle history lives in the cache: start each API test without any."""
    cache.clear()
    yield
    cache.clear()
