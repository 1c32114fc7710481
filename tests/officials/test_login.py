"""Login protection: failed logins are limited (django-axes), and a TOTP second factor (django-otp)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from officials.services import official_set_up
from tests.settings_helpers import settings_with

pytestmark = pytest.mark.django_db
LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")


def log_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password, "next": INDEX, **extra})


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def official(regions):
    user = official_set_up(username="js", role="provincial", province_codes=["320000"]).user
    user.set_password("correct horse battery")
    user.save()
    return user


def test_a_correct_password_after_too_many_wrong_ones_does_not_log_in(client, official):
    for _ in range(60):
        log_in(client, "js", "wrong")

    response = log_in(client, "js", "correct horse battery")

    assert response.status_code == 429
    assert "已被暂时锁定" in response.content.decode()
    assert client.get(INDEX).status_code == 302  # still not signed in


def test_a_few_wrong_passwords_do_not_lock_the_account(client, official):
    for _ in range(3):
        log_in(client, "js", "wrong")

    assert log_in(client, "js", "correct horse battery").status_code == 302
    assert client.get(INDEX).status_code == 200


def test_an_enrolled_official_needs_the_code_from_their_app(client, official):
    device = TOTPDevice.objects.create(user=official, name="phone", confirmed=True)

    without = log_in(client, "js", "correct horse battery")
    assert without.status_code == 200 and "动态验证码" in without.content.decode()
    assert client.get(INDEX).status_code == 302

    assert log_in(client, "js", "correct horse battery", otp_token=code_for(device)).status_code == 302
    assert client.get(INDEX).status_code == 200


def test_staff_without_an_enrolled_app_log_in_with_the_password_alone(client, official):
    assert log_in(client, "js", "correct horse battery").status_code == 302
    assert client.get(INDEX).status_code == 200


@override_settings(REQUIRE_2FA=True)
def test_national_administrators_must_enrol_when_two_factor_is_required(client, regions):
    national = official_set_up(username="nat", role="national").user
    national.set_password("correct horse battery")
    national.save()
    client.force_login(national)

    assert client.get(INDEX).url == reverse("admin:two_factor_setup")
    setup = client.get(reverse("admin:two_factor_setup"))
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=national, confirmed=False)

    client.post(reverse("admin:two_factor_setup"), {"password": "correct horse battery", "otp_token": code_for(device)})

    assert client.get(INDEX).status_code == 200
    device.refresh_from_db()
    assert device.confirmed


@override_settings(REQUIRE_2FA=True)
def test_provincial_officials_are_not_forced_to_enrol(client, official):
    client.force_login(official)
    assert client.get(INDEX).status_code == 200


@override_settings(REQUIRE_2FA=True)
def test_a_wrong_code_does_not_enrol(client, regions):
    national = get_user_model().objects.create_superuser("root", password="x")
    client.force_login(national)
    client.get(reverse("admin:two_factor_setup"))

    response = client.post(reverse("admin:two_factor_setup"), {"password": "x", "otp_token": "000000"})

    assert "验证码不正确" in response.content.decode()
    assert client.get(INDEX).status_code == 302


def test_code_that_logs_in_without_a_request_still_works(client, official):
    """The test client's login() calls authenticate() without a request; the login limit lets it pass."""
    assert client.login(username="js", password="correct horse battery")
    assert client.get(INDEX).status_code == 200


def test_a_staff_session_lasts_a_working_day(client, official):
    log_in(client, "js", "correct horse battery")

    assert client.session.get_expiry_age() == 8 * 3600


def test_the_session_length_is_set_in_hours(monkeypatch):
    assert settings_with(monkeypatch, DJANGO_SESSION_HOURS="2")["SESSION_COOKIE_AGE"] == 2 * 3600
