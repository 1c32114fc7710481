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
