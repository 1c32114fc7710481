"""The admin finishes what it starts (#27): section names in both languages, formatted indicators, the
enterprise's public page, a favicon."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from reports.choices import Scope, SnapshotStatus
from reports.models import ScopeIndicator, Snapshot
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_the_index_names_the_login_and_two_factor_sections_in_the_pages_language(admin_client):
    chinese = admin_client.get(reverse("admin:index")).content.decode()
    captions = re.findall(r'class="section"[^>]*>([^<]+)</a>', chinese)
    assert "登录保护" in captions and "两步验证" in captions and "Axes" not in captions and "Otp_Totp" not in captions
    assert "验证器设备" in chinese
    english = admin_client.get("/en" + reverse("admin:index")).content.decode()
    assert "Login protection" in english and "Authenticator devices" in english
    assert "Access attempts" not in english


def test_indicators_show_formatted_values_and_named_codes(admin_client):
    snapshot = Snapshot.objects.create(
        as_of=datetime.date(2023, 7, 31), status=SnapshotStatus.COMPLETE, started_at=datetime.datetime.now(datetime.UTC)
    )
    indicator = ScopeIndicator.objects.create(
        snapshot=snapshot,
        scope=Scope.BOARD,
        code="bse",
        name="北交所",
        enterprise_count=27,
        applications_total=6278,
        applications_per_enterprise=232.5185185185185,
        metrics={
            "applications_per_enterprise": 232.5185185185185,
            "invention_share": 0.41234,
            "board_counts": {"bse": 27},
        },
    )
    listing = admin_client.get(reverse("admin:reports_scopeindicator_changelist")).content.decode()
    assert "232.52" in listing and "232.518" not in listing
    assert "北交所（bse）" in listing
    page = admin_client.get(reverse("admin:reports_scopeindicator_change", args=[indicator.pk])).content.decode()
    assert "41.2 %" in page and "北交所: 27" in page and "0.41234" not in page


def test_the_enterprise_form_links_to_the_public_profile(admin_client, regions):
    enterprise = EnterpriseFactory()
    page = admin_client.get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk])).content.decode()
    assert f'href="{reverse("portal:enterprise", args=[enterprise.credit_code])}"' in page
    incomplete = EnterpriseFactory(credit_code=None)
    page = admin_client.get(reverse("admin:enterprises_enterprise_change", args=[incomplete.pk])).content.decode()
    assert "有统一社会信用代码后才有公开页面" in page


def test_every_admin_page_links_a_favicon_the_app_serves(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert '<link rel="icon" href="/static/officials/favicon.svg"' in page
    assert finders.find("officials/favicon.svg")


def test_an_apps_page_names_its_section_too(admin_client):
    page = admin_client.get(reverse("admin:app_list", args=["axes"])).content.decode()
    assert "登录保护" in page and "登录失败计数" in page
    assert admin_client.get(reverse("admin:app_list", args=["enterprises"])).status_code == 200
