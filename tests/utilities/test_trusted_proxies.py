"""One number of trusted proxies decides the client's address for the login limit and the API throttles."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from officials.services import official_set_up
from tests.api_helpers import fresh_throttles, throttle_rates  # noqa: F401
from tests.settings_helpers import settings_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
BALANCER = "10.0.0.2"  # REMOTE_ADDR of every request that came through the load balancer
ATTACKER = "203.0.113.5"
OFFICIAL_AT_WORK = "198.51.100.7"


@pytest.fixture
def trusted_proxies(settings, monkeypatch):
    """Deploy with DJANGO_TRUSTED_PROXIES=n: whatever settings.py derives from it replaces the running values."""

    def declare(n: int) -> None:
        loaded = settings_with(monkeypatch, DJANGO_TRUSTED_PROXIES=str(n))
        # The test's throttle rates stay (``throttle_rates``): only the proxies change.
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        loaded["REST_FRAMEWORK"] = {**loaded["REST_FRAMEWORK"], "DEFAULT_THROTTLE_RATES": rates}
        for name in ("TRUSTED_PROXIES", "AXES_CLIENT_IP_CALLABLE", "REST_FRAMEWORK"):
            if name in loaded:
                setattr(settings, name, loaded[name])  # REST_FRAMEWORK: DRF reloads api_settings on the signal

    return declare


@pytest.fixture
def official(regions):
    user = official_set_up(username="js", role="provincial", province_codes=["320000"]).user
    user.set_password("correct horse battery")
    user.save()
    return user


def log_in(client, password: str, forwarded_for: str | None = None, remote: str = BALANCER):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    data = {"username": "js", "password": password, "next": INDEX}
    return client.post(LOGIN, data, headers=headers, REMOTE_ADDR=remote)


def test_the_settings_take_both_numbers_from_one_variable(monkeypatch):
    loaded = settings_with(monkeypatch, DJANGO_TRUSTED_PROXIES="1")

    assert loaded["TRUSTED_PROXIES"] == 1
    assert loaded["REST_FRAMEWORK"]["NUM_PROXIES"] == 1
    assert loaded["AXES_CLIENT_IP_CALLABLE"] == "utilities.client_address.client_address"


# --- the login limit (django-axes) ----------------------------------------------------------------------


def test_behind_the_balancer_wrong_passwords_lock_only_the_client_that_sent_them(client, official, trusted_proxies):
    trusted_proxies(1)
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        # The attacker writes what it likes on the left; the balancer appends the address it saw.
        log_in(client, "wrong", forwarded_for=f"192.0.2.{n}, {ATTACKER}")

    assert log_in(client, "correct horse battery", forwarded_for=ATTACKER).status_code == 429
    assert log_in(client, "correct horse battery", forwarded_for=OFFICIAL_AT_WORK).status_code == 302


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_lock(client, official, trusted_proxies):
    trusted_proxies(0)
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", forwarded_for=f"192.0.2.{n}", remote=ATTACKER)

    assert log_in(client, "correct horse battery", forwarded_for="192.0.2.200", remote=ATTACKER).status_code == 429


# --- the anonymous API throttle ---------------------------------------------------------------------------


@pytest.fixture
def three_per_minute(settings, regions):
    throttle_rates(settings, anon="3/minute", user="100/minute")


def api_get(client, forwarded_for: str, remote: str = BALANCER) -> int:
    return client.get("/api/v1/provinces/", headers={"X-Forwarded-For": forwarded_for}, REMOTE_ADDR=remote).status_code


def test_without_a_trusted_proxy_a_random_forwarded_for_does_not_lift_the_throttle(
    client, three_per_minute, trusted_proxies
):
    trusted_proxies(0)

    statuses = [api_get(client, f"192.0.2.{n}", remote=ATTACKER) for n in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_behind_the_balancer_the_throttle_counts_each_client_by_the_address_the_balancer_saw(
    client, three_per_minute, trusted_proxies
):
    trusted_proxies(1)

    attacker = [api_get(client, f"192.0.2.{n}, {ATTACKER}") for n in range(4)]

    assert attacker == [200, 200, 200, 429]
    assert api_get(client, OFFICIAL_AT_WORK) == 200
