"""Who an official is in the portal: their role and the provinces they answer for."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import Role


class Official(models.Model):
    """An official's role (全国管理员, 省级管理员 or 只读分析员) and their provinces (辖区).

    The role's permissions come from its group (``officials.roles``); the provinces decide which rows the
    official sees and may change (``utilities.scoping.restrict``). A provincial official has one or more
    provinces; a national administrator has none (everything); an analyst with no province reads everything.
    A staff account without an ``Official`` row and without superuser status sees no province-scoped data.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="official", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    provinces = models.ManyToManyField("regions.Province", blank=True, related_name="+", verbose_name=_("负责省份"))
    # The official's own preferences (the admin's 我的设置 page): the weekly digest and its language.
    digest_enabled = models.BooleanField(
        _("接收每周摘要"), default=True, help_text=_("每周一早上把工作台的待办和本周变化发到账户的电子邮箱")
    )
    language = models.CharField(
        _("摘要语言"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("留空为简体中文"),
    )

    class Meta:
        verbose_name = _("官员")
        verbose_name_plural = pgettext_lazy("plural", "官员")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
