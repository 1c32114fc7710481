"""The second factor holds on every path a session can take: the API, and enrolment itself."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from enterprises.models import Enterprise
from tests.api_helpers import fresh_throttles  # noqa: F401
from tests.factories import DesignationFactory, EnterpriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
SETUP = reverse("admin:two_factor_setup")
PASSWORD = "correct horse battery"


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def national(national_admin):
    national_admin.set_password(PASSWORD)
    national_admin.save()
    return national_admin


@pytest.fixture
def enterprise(regions):
    enterprise = EnterpriseFactory(name="苏州两步验证测试有限公司", employees=100)
    DesignationFactory(enterprise=enterprise, batch=3)
    return enterprise


def patch_employees(client, enterprise, employees: int):
    return client.patch(
        f"/api/v1/enterprises/{enterprise.credit_code}/", {"employees": employees}, content_type="application/json"
    )


# --- the API ------------------------------------------------------------------------------------------


@override_settings(REQUIRE_2FA=True)
def test_a_password_only_session_writes_through_the_api_only_after_the_second_factor(client, national, enterprise):
    client.force_login(national)

    refused = patch_employees(client, enterprise, 5)
    assert refused.status_code == 403
    assert "需要两步验证" in refused.json()["detail"]
    assert Enterprise.objects.get(pk=enterprise.pk).employees == 100

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=national, confirmed=False)
    client.post(SETUP, {"password": PASSWORD, "otp_token": code_for(device)})

    assert patch_employees(client, enterprise, 5).status_code == 200
    assert Enterprise.objects.get(pk=enterprise.pk).employees == 5


@override_settings(REQUIRE_2FA=True)
def test_a_password_only_session_cannot_read_through_the_api_as_that_user(client, national, enterprise):
    client.force_login(national)

    response = client.get("/api/v1/enterprises/")

    assert response.status_code == 403
    assert "需要两步验证" in response.json()["detail"]


@override_settings(REQUIRE_2FA=True)
def test_a_token_is_not_asked_for_a_second_factor_even_beside_a_password_only_session(client, national, enterprise):
    """Tokens are issued deliberately; a browser's stale session cookie must not shadow one."""
    client.force_login(national)
    token = Token.objects.create(user=national)

    response = client.patch(
        f"/api/v1/enterprises/{enterprise.credit_code}/",
        {"employees": 7},
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}"},
    )

    assert response.status_code == 200, response.content
    assert Enterprise.objects.get(pk=enterprise.pk).employees == 7


# --- enrolment ----------------------------------------------------------------------------------------


@pytest.fixture
def owner_and_thief(client, national):
    """Two sessions of one account, neither of which has passed a second factor: the owner's and a copy."""
    from django.test import Client

    thief = Client()
    client.force_login(national)
    thief.force_login(national)
    return client, thief


def test_enrolment_needs_the_password_again(client, national):
    client.force_login(national)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=national, confirmed=False)

    response = client.post(SETUP, {"password": "a stolen cookie does not know it", "otp_token": code_for(device)})

    assert "密码不正确" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=national, confirmed=True).exists()


def test_confirming_a_device_gives_the_session_a_new_key(client, national):
    client.force_login(national)
    client.get(SETUP)
    before = client.cookies["sessionid"].value
    device = TOTPDevice.objects.get(user=national, confirmed=False)

    client.post(SETUP, {"password": PASSWORD, "otp_token": code_for(device)})

    assert client.cookies["sessionid"].value != before
    assert client.get(INDEX).status_code == 200


def test_after_enrolment_the_other_sessions_of_the_account_must_log_in_again(owner_and_thief, national):
    owner, thief = owner_and_thief
    owner.get(SETUP)
    device = TOTPDevice.objects.get(user=national, confirmed=False)
    owner.post(SETUP, {"password": PASSWORD, "otp_token": code_for(device)})

    response = thief.get(INDEX)

    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert thief.get(INDEX).url.startswith(LOGIN)  # signed out, not just turned away once


def test_an_older_session_of_an_enrolled_account_cannot_add_a_device(owner_and_thief, national):
    owner, thief = owner_and_thief
    owner.get(SETUP)
    owners = TOTPDevice.objects.get(user=national, confirmed=False)
    owner.post(SETUP, {"password": PASSWORD, "otp_token": code_for(owners)})

    page = thief.get(SETUP)
    assert page.status_code == 302 and page.url.startswith(LOGIN)
    thief.force_login(national)  # even signed in again without the code (e.g. the password was stolen too)
    thief.post(SETUP, {"password": PASSWORD, "otp_token": code_for(owners)})

    assert list(TOTPDevice.objects.filter(user=national)) == [owners]
    assert thief.get(INDEX).url.startswith(LOGIN)


def test_each_session_is_shown_a_secret_of_its_own(owner_and_thief, national):
    owner, thief = owner_and_thief

    owner_secret = owner.get(SETUP).context["secret"]
    thief_secret = thief.get(SETUP).context["secret"]

    assert owner_secret != thief_secret


def test_the_set_up_page_that_shows_the_secret_is_never_cached(client, national):
    client.force_login(national)

    response = client.get(SETUP)

    assert "no-store" in response["Cache-Control"]
