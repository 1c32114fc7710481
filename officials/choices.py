"""Roles of the people who use the admin. Each role is a permission group, created by code."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """全国管理员 national administrator · 省级管理员 provincial official · 只读分析员 read-only analyst."""

    NATIONAL = "national", _("全国管理员")
    PROVINCIAL = "provincial", _("省级管理员")
    ANALYST = "analyst", _("只读分析员")
