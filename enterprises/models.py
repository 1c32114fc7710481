"""Enterprises and their MIIT designations: the population every indicator is computed over."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Left
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from utilities.history import ChannelHistoryBase
from utilities.scoping import RestrictedQuerySet

from .choices import DesignationStatus, IndustryField, ListingBoard, Program
from .credit_codes import validate_credit_code
from .fields import UnicodeJSONEncoder
from .names import normalize_name
from .validity import revocation_cause


class EnterpriseQuerySet(RestrictedQuerySet):
    def province_filter(self, codes, *, user, action):
        """An enterprise belongs to its province: an official may neither see nor put one elsewhere."""
        return models.Q(province_id__in=codes)

    def in_province(self, province_code: str) -> "EnterpriseQuerySet":
        return self.filter(province_id=province_code)

    def without_credit_code(self) -> "EnterpriseQuerySet":
        return self.filter(credit_code__isnull=True)


class DesignationQuerySet(RestrictedQuerySet):
    def province_filter(self, codes, *, user, action):
        return models.Q(enterprise__province_id__in=codes)


class Enterprise(models.Model):
    """A company (企业), identified by its unified social credit code (统一社会信用代码).

    A firm named on an official MIIT list that we could not match yet has no credit code: it is kept as
    an *incomplete* enterprise rather than dropped, and gains the code when a later import brings it.
    """

    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True, validators=[validate_credit_code]
    )
    name = models.CharField(_("企业名称"), max_length=200, validators=[MaxLengthValidator(200)])
    # Derived from ``name`` on save; the key applicant linking and list matching look names up by.
    name_normalized = models.CharField(_("规范化名称"), max_length=200, db_index=True, editable=False)
    former_names = models.JSONField(_("曾用名"), default=list, blank=True, encoder=UnicodeJSONEncoder)
    province = models.ForeignKey(
        "regions.Province", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("省份")
    )
    city = models.ForeignKey(
        "regions.City",
        on_delete=models.PROTECT,
        related_name="enterprises",
        null=True,
        blank=True,
        verbose_name=_("城市"),
    )
    industry_field = models.CharField(
        _("产业领域"), max_length=20, choices=IndustryField.choices, blank=True, db_index=True
    )
    employees = models.PositiveIntegerField(_("参保人数"), null=True, blank=True)
    listing_board = models.CharField(
        _("上市板块"), max_length=20, choices=ListingBoard.choices, blank=True, db_index=True
    )
    stock_code = models.CharField(_("股票代码"), max_length=16, blank=True)
    primary_financing = models.BooleanField(_("一级市场融资"), null=True, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Indexed for the API's incremental sync (?updated_after=); the bulk importer sets it explicitly.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    history = HistoricalRecords(
        excluded_fields=["name_normalized", "created_at", "updated_at"], bases=[ChannelHistoryBase]
    )
    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = pgettext_lazy("plural", "企业")
        constraints = [
            # A division code's first two digits name its province, so "city lies in its province" is a
            # column comparison the database itself can enforce.
            models.CheckConstraint(
                condition=models.Q(city__isnull=True) | models.Q(Exact(Left("city", 2), Left("province", 2))),
                name="enterprise_city_in_province",
            ),
        ]
        indexes = [
            models.Index(fields=["province", "city"], name="enterprise_region_idx"),
            # The API's and the list page's default order, paged by keyset (name, id): sorting 13,000
            # Chinese names per request cost more than the rest of the page.
            models.Index(fields=["name", "id"], name="enterprise_name_idx"),
            # The admin's search looks a stock code up by its beginning (LIKE '688%': hence the pattern
            # operators on PostgreSQL). Here rather than on the field, so that the history has no copy.
            models.Index(fields=["stock_code"], name="enterprise_stock_code_idx", opclasses=["varchar_pattern_ops"]),
            # Also enterprise_province_employees_idx (province, employees DESC NULLS LAST, id DESC), for a
            # province's list largest first: SQL in migration 0009 (written when SQLite could not say it).
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.credit_code == "":
            self.credit_code = None
        self.name_normalized = normalize_name(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_normalized"}
        super().save(*args, **kwargs)

    @property
    def is_incomplete(self) -> bool:
        return not self.credit_code

    def clean(self) -> None:
        super().clean()
        if self.credit_code == "":
            self.credit_code = None
        if self.city_id and self.province_id and self.city_id[:2] != self.province_id[:2]:
            raise ValidationError({"city": _("城市不属于所选省份")})


class Designation(models.Model):
    """An MIIT designation (认定) of an enterprise in a programme and batch, e.g. 第三批 小巨人.

    Status follows the programme's life cycle: 公示 (announced) → 认定通过 (confirmed) → 复核通过 (passed the
    three-year review) or 撤销 (revoked). Revoked designations leave the indicator population.
    """

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="designations", verbose_name=_("企业")
    )
    program = models.CharField(_("项目"), max_length=20, choices=Program.choices, default=Program.LITTLE_GIANT)
    batch = models.PositiveSmallIntegerField(_("批次"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("认定状态"), max_length=10, choices=DesignationStatus.choices, default=DesignationStatus.CONFIRMED
    )
    designated_on = models.DateField(_("认定日期"), null=True, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    # From a 复核 (review) result list: passing renews the three-year validity from this date
    # (enterprises.validity); failing revokes the designation with the list's reason.
    reviewed_on = models.DateField(_("复核日期"), null=True, blank=True)
    revocation_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"], bases=[ChannelHistoryBase])
    objects = DesignationQuerySet.as_manager()

    class Meta:
        ordering = ["program", "batch", "enterprise__name"]
        verbose_name = _("认定")
        verbose_name_plural = pgettext_lazy("plural", "认定")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "program", "batch"], name="designation_unique_batch"),
            models.CheckConstraint(condition=models.Q(batch__gte=1), name="designation_batch_positive"),
        ]
        indexes = [models.Index(fields=["program", "status", "batch"], name="designation_population_idx")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_program_display()} 第{self.batch}批 · {self.get_status_display()}"

    @property
    def revocation_cause(self) -> str | None:
        """Revoked by a failed 复核 or otherwise (``validity.revocation_cause``); None unless revoked."""
        return revocation_cause(self.status, self.reviewed_on, self.revoked_on)
