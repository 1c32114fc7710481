"""The import records moved from the enterprises app to imports (#24): the old admin addresses still lead there."""

import pytest
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportRecord

pytestmark = pytest.mark.django_db


def test_the_old_record_list_address_redirects_to_the_new_one_with_its_query(admin_client):
    response = admin_client.get("/admin/enterprises/importrecord/?kind=patents")

    assert response.status_code == 301
    assert response["Location"] == reverse("admin:imports_importrecord_changelist") + "?kind=patents"


def test_an_old_record_page_address_redirects_to_the_same_record(admin_client):
    record = ImportRecord.objects.create(
        kind=ImportRecord.Kind.ENTERPRISES, file_name="a.csv", file_size=1, sha256="0" * 64, started_at=timezone.now()
    )

    response = admin_client.get(f"/en/admin/enterprises/importrecord/{record.pk}/change/", follow=True)

    assert response.redirect_chain[0] == (f"/en/admin/imports/importrecord/{record.pk}/change/", 301)
    assert response.status_code == 200
