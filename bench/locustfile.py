"""The visitors and API clients of ``bench/load.py`` (locust): the public pages and the REST API.

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
    """A visitor of the public site and an API client: profiles, the enterprise list, indicators, exports' pages."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        # Enterprise profiles to visit: the first page of the API's list, as a visitor follows links.
        response = self.client.get("/api/v1/enterprises/?page_size=100", name="/api/v1/enterprises/ (start)")
        codes = [row["credit_code"] for row in response.json().get("results", [])] if response.ok else []
        self.credit_codes = codes or [""]

    @task(3)
    def overview_page(self) -> None:
        self.client.get(random.choice(["/", "/en/"]), name="page /")

    @task(4)
    def province_page(self) -> None:
        self.client.get(f"/regions/{random.choice(PROVINCES)}/", name="page /regions/[province]/")

    @task(4)
    def city_page(self) -> None:
        city = random.choice(CITIES)
        province = city[:2] + "0000"
        self.client.get(f"/regions/{province}/{city}/", name="page /regions/[province]/[city]/")

    @task(3)
    def enterprise_page(self) -> None:
        code = random.choice(self.credit_codes)
        if code:
            self.client.get(f"/enterprises/{code}/", name="page /enterprises/[code]/")

    @task(2)
    def enterprise_list_page(self) -> None:
        self.client.get(f"/enterprises/?province={random.choice(PROVINCES)}", name="page /enterprises/?province=")

    @task(2)
    def api_lists(self) -> None:
        province = random.choice(PROVINCES)
        self.client.get(f"/api/v1/enterprises/?province={province}", name="/api/v1/enterprises/?province=")
        self.client.get(f"/api/v1/patents/?province={province}&page_size=50", name="/api/v1/patents/?province=")

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
