"""Request bodies are bounded: a few MB for everybody, an import upload for staff on admin pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.api_helpers import fresh_throttles  # noqa: F401
from tests.settings_helpers import settings_with

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_throttles")]

THREE_MB = 3 * 1024 * 1024  # above the default 2 MB, far below an import upload's 50 MB


def json_of(size: int) -> str:
    return '{"name": "' + "x" * size + '"}'


def test_an_anonymous_body_of_three_mb_is_refused_with_413(client, regions):
    response = client.post("/api/v1/enterprises/", json_of(THREE_MB), content_type="application/json")

    assert response.status_code == 413
    assert "2.0 MB" in response.content.decode()


def test_staff_upload_a_file_of_several_mb_on_the_admin_import_page(client, national_admin):
    client.force_login(national_admin)
    upload = SimpleUploadedFile("enterprises.csv", b"credit_code,name\n" + b"x" * THREE_MB, "text/csv")

    response = client.post(reverse("admin:enterprises_enterprise_import"), {"file": upload})  # no kind: form error

    assert response.status_code == 200
    assert response.context["form"].errors["kind"]


def test_staff_get_the_larger_limit_only_on_admin_pages(client, national_admin):
    client.force_login(national_admin)

    response = client.post("/api/v1/enterprises/", json_of(THREE_MB), content_type="application/json")

    assert response.status_code == 413


def test_the_limit_is_set_in_mb_and_bounds_what_django_reads_into_memory(monkeypatch):
    loaded = settings_with(monkeypatch, DJANGO_REQUEST_BODY_MAX_MB="1")

    assert loaded["REQUEST_BODY_MAX_BYTES"] == 1024 * 1024
    assert loaded["DATA_UPLOAD_MAX_MEMORY_SIZE"] == 1024 * 1024
