"""create_official --email and the officials page send a set-password link (Django's password-reset flow)."""

import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from officials.models import Official

pytestmark = pytest.mark.django_db


def _link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_create_official_with_an_email_sends_a_link_that_sets_the_password(regions, client):
    out = io.StringIO()
    call_command(
        "create_official",
        "su-li",
        "--role",
        "provincial",
        "--province",
        "320000",
        "--email",
        "li@su.gov.cn",
        stdout=out,
    )
    assert "li@su.gov.cn" in out.getvalue() and "changepassword" not in out.getvalue()
    (message,) = mail.outbox
    assert message.to == ["li@su.gov.cn"] and "设置您的密码" in message.subject
    link = _link(message)
    path = link.split("://", 1)[1].split("/", 1)[1]
    form = client.get("/" + path, follow=True)
    assert form.context["validlink"]
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "Su-Li-2026!x", "new_password2": "Su-Li-2026!x"})
    assert done.status_code == 302 and done["Location"] == reverse("admin:password_set_done")
    user = Official.objects.get(user__username="su-li").user
    assert user.check_password("Su-Li-2026!x")
    assert client.get("/" + path, follow=True).context["validlink"] is False  # spent


def test_a_bad_address_is_refused(regions):
    with pytest.raises(CommandError, match="电子邮箱格式不正确"):
        call_command("create_official", "x", "--role", "national", "--email", "not-an-address", stdout=io.StringIO())
    assert mail.outbox == []


def test_a_national_administrator_sends_the_link_from_the_officials_page(regions, client):
    from officials.services import official_set_up

    national = official_set_up(username="boss", role="national").user
    with_mail = official_set_up(username="a", role="provincial", province_codes=["320000"], email="a@js.gov.cn")
    without = official_set_up(username="b", role="provincial", province_codes=["330000"])
    client.force_login(national)
    response = client.post(
        reverse("admin:officials_official_changelist"),
        {"action": "send_password_link", "_selected_action": [with_mail.pk, without.pk]},
        follow=True,
    )
    assert [m.to for m in mail.outbox] == [["a@js.gov.cn"]]
    page = response.content.decode()
    assert "已发送设置密码的链接：a" in page and "没有电子邮箱，未发送：b" in page
