"""The weekly digest: rendered in the official's language, sent through Django's e-mail backend (locmem here)."""

import io

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from officials.models import Official
from workbench.digest import digest_render

pytestmark = pytest.mark.django_db


def test_the_digest_of_one_official_in_chinese(province_world, js_official, zj_official):
    Official.objects.filter(user=zj_official).update(digest_enabled=False)
    out = io.StringIO()
    call_command("send_official_digest", stdout=out)
    assert "1 digest(s) sent" in out.getvalue()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["js@example.gov.cn"]
    assert message.subject.startswith("小巨人科创力门户 · 每周摘要")
    assert "负责省份：江苏省" in message.body
    assert "90 天内有效期届满的认定: 1" in message.body
    assert "有效期已满、尚无复核结果的认定: 1" in message.body
    assert "缺少参保人数: 1" in message.body
    assert "- 苏州未匹配电子有限公司 (3)" in message.body
    assert "杭州" not in message.body  # nothing of another province
    assert f"{settings.PORTAL_URL}/admin/workbench/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "苏州未匹配电子有限公司" in html


def test_the_digest_in_english_when_the_official_prefers_it(province_world, zj_official):
    official = Official.objects.get(user=zj_official)
    official.language = "en"
    official.save()
    digest = digest_render(official)
    assert digest.subject.startswith("Little Giants portal · weekly digest")
    assert "Designations whose validity ends within 90 days: 2" in digest.text
    assert "/en/admin/workbench/" in digest.text


def test_officials_without_an_address_or_who_turned_it_off_get_nothing(province_world, js_official, client):
    js_official.email = ""
    js_official.save()
    call_command("send_official_digest", stdout=io.StringIO())
    assert mail.outbox == []


def test_the_official_turns_the_digest_off_on_their_preferences_page(js_official, client):
    client.force_login(js_official)
    page = client.get("/admin/preferences/")
    assert "js@example.gov.cn" in page.content.decode()
    response = client.post("/admin/preferences/", {"language": "en"})  # the box unticked
    assert response.status_code == 302
    official = Official.objects.get(user=js_official)
    assert (official.digest_enabled, official.language) == (False, "en")


def test_beat_sends_it_weekly():
    entry = settings.CELERY_BEAT_SCHEDULE["workbench-weekly-digest"]
    assert entry["task"] == "workbench.official_digest_send"
    assert entry["schedule"].day_of_week == {1}
