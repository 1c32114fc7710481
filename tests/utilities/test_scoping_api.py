"""RestrictedWritesMixin: an API view that writes enterprises follows the admin's province rules."""

import pytest
from django.db import transaction
from rest_framework import serializers, viewsets
from rest_framework.test import APIRequestFactory, force_authenticate

from enterprises.models import Enterprise
from utilities.scoping_api import RestrictedWritesMixin

pytestmark = pytest.mark.django_db


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "name", "province", "city"]


class EnterpriseViewSet(RestrictedWritesMixin, viewsets.ModelViewSet):
    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer

    def perform_update(self, serializer):
        with transaction.atomic():  # as an API view would, so a refused save leaves nothing behind
            super().perform_update(serializer)


def call(user, method, data=None, pk=None):
    factory = APIRequestFactory()
    request = getattr(factory, method)("/api/x/", data, format="json")
    force_authenticate(request, user=user)
    actions = {"get": "list", "post": "create", "patch": "partial_update", "delete": "destroy"}
    if pk is not None and method == "get":
        actions["get"] = "retrieve"
    view = EnterpriseViewSet.as_view({method: actions[method]})
    return view(request, pk=pk) if pk is not None else view(request)


def test_reads_stay_public(two_provinces, jiangsu_official):
    assert len(call(jiangsu_official, "get").data) == 2


def test_an_official_creates_only_in_their_province(two_provinces, jiangsu_official):
    ok = call(jiangsu_official, "post", {"name": "苏州新公司", "province": "320000", "city": "320500"})
    refused = call(jiangsu_official, "post", {"name": "杭州新公司", "province": "330000", "city": "330100"})

    assert ok.status_code == 201
    assert refused.status_code == 400 and set(refused.data) == {"province", "city"}
    assert not Enterprise.objects.filter(name="杭州新公司").exists()


def test_an_official_changes_and_deletes_only_their_provinces_rows(two_provinces, jiangsu_official):
    zhejiang, jiangsu = two_provinces["zhejiang"], two_provinces["jiangsu"]

    assert call(jiangsu_official, "patch", {"name": "改名"}, pk=zhejiang.pk).status_code == 404
    assert call(jiangsu_official, "delete", pk=zhejiang.pk).status_code == 404
    moved = call(jiangsu_official, "patch", {"province": "330000", "city": "330100"}, pk=jiangsu.pk)
    assert moved.status_code == 400
    jiangsu.refresh_from_db()
    assert jiangsu.province_id == "320000"
