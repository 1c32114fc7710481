"""Writes of the officials app: creating an official's account with its role and provinces, set-password links."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from regions.models import Province

from .choices import Role
from .models import Official
from .roles import roles_sync


class OfficialError(ValueError):
    """An official cannot be set up as asked (unknown province, a provincial official without one)."""


@transaction.atomic
def official_set_up(
    *, username: str, role: str, province_codes: list[str] | tuple[str, ...] = (), email: str | None = None
) -> Official:
    """Create or update ``username`` as an official of ``role`` over ``province_codes`` (and ``email``, if given).

    The account becomes staff (it signs in to the admin), joins exactly its role's group and keeps its
    password; a new account has an unusable password until one is set (``manage.py changepassword``).
    """
    if role not in Role.values:
        raise OfficialError(f"未知角色 {role!r}")
    provinces = list(Province.objects.filter(code__in=province_codes))
    unknown = sorted(set(province_codes) - {p.code for p in provinces})
    if unknown:
        raise OfficialError(f"未知省份代码：{', '.join(unknown)}")
    if role == Role.PROVINCIAL and not provinces:
        raise OfficialError("省级管理员至少需要一个省份（--province CODE）")
    if role == Role.NATIONAL and provinces:
        raise OfficialError("全国管理员不限省份，不要指定 --province")
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()
    user.is_staff = True
    if email is not None:
        try:
            validate_email(email)
        except ValidationError as error:
            raise OfficialError(f"电子邮箱格式不正确：{email}") from error
        user.email = email
    user.save()
    official, _created = Official.objects.update_or_create(user=user, defaults={"role": role})
    official.provinces.set(provinces)
    official_groups_sync(official=official)
    return official


def official_groups_sync(*, official: Official) -> None:
    """Put the official's account in exactly its role's group (after a change of role in the admin, too)."""
    groups = roles_sync()
    official.user.groups.remove(*groups.values())
    official.user.groups.add(groups[official.role])


def password_set_link(user, *, base_url: str) -> str:
    """A link that lets ``user`` choose a password: Django's password-reset token, valid for
    ``PASSWORD_RESET_TIMEOUT`` (three days) and spent once the password changes."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("admin:password_set", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    return f"{base_url.rstrip('/')}{path}"


def password_link_send(user, *, base_url: str) -> None:
    """E-mail ``user`` the link to set their password (``create_official --email``, the officials page)."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string

    if not user.email:
        raise OfficialError(f"{user.get_username()} 没有电子邮箱")
    context = {"user": user, "link": password_set_link(user, base_url=base_url)}
    subject = render_to_string("officials/password_set_subject.txt", context).strip()
    send_mail(subject, render_to_string("officials/password_set_email.txt", context), None, [user.email])
