"""The visitors and API clients of ``bench/load.py`` (locust): region profiles and the indicator API.

Run by ``bench/load.py``, which starts gunicorn, a worker and beat on the loopback interface and bounds
the run (users, seconds). Do not point it at a machine you do not own.
"""

import random

from locust import HttpUser, between, task

PROVINCES = [
    "110000", "120000", "130000", "310000", "320000", "330000", "340000", "350000", "370000",
    "410000", "420000", "430000", "440000", "500000", "510000", "610000",
]  # fmt: skip
CITIES = ["110100", "310100", "320500", "320100", "330100", "330200", "440300", "440100", "500100", "510100"]
SCOPES = ["province", "city", "industry", "batch", "board", "cluster"]


class Visitor(HttpUser):
    """A visitor reading region profiles (the indicator detail of a province or city) and lists."""

    wait_time = between(0.5, 1.5)

    @task(4)
    def province_profile(self) -> None:
        self.client.get(f"/api/v1/indicators/province/{random.choice(PROVINCES)}/", name="/indicators/province/[code]/")

    @task(4)
    def city_profile(self) -> None:
        self.client.get(f"/api/v1/indicators/city/{random.choice(CITIES)}/", name="/indicators/city/[code]/")

    @task(2)
    def national(self) -> None:
        self.client.get("/api/v1/indicators/national/CN/", name="/indicators/national/CN/")

    @task(2)
    def scope_list(self) -> None:
        self.client.get(f"/api/v1/indicators/{random.choice(SCOPES)}/", name="/indicators/[scope]/")

    @task(1)
    def snapshots(self) -> None:
        self.client.get("/api/v1/snapshots/?status=complete", name="/snapshots/")

    @task(1)
    def health(self) -> None:
        self.client.get("/healthz", name="/healthz")
