"""Indicator vocabularies: the scopes of metrics.md and the life cycle of a snapshot."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """The groupings an indicator is computed for (统计口径); codes per scope are listed in metrics.md."""

    NATIONAL = "national", _("全国")
    PROVINCE = "province", _("省份")
    CITY = "city", _("城市")
    CLUSTER = "cluster", _("城市群")
    INDUSTRY = "industry", _("产业领域")
    BATCH = "batch", _("批次")
    BOARD = "board", _("上市板块")


class SnapshotStatus(models.TextChoices):
    RUNNING = "running", _("计算中")
    COMPLETE = "complete", _("已完成")
    FAILED = "failed", _("失败")


NATIONAL_CODE = "CN"
NATIONAL_NAME = _("全国")
UNLISTED_NAME = _("未上市")

# Ten calendar years of series per snapshot, ending with as_of's year (metrics.md, applications_by_year).
YEAR_SPAN = 10

PCT_BUCKETS = ("0", "1-9", "10-99", "100+")
OVERSEAS_BUCKETS = ("0", "1-5", "6-10", "11+")

# The scope indicator keys of metrics.md, in its order. PostgreSQL's jsonb does not keep key order, so
# the API puts them back in this order.
METRIC_KEYS = (
    "enterprise_count",
    "applications_total",
    "applications_per_enterprise",
    "invention_applications_total",
    "invention_share",
    "granted_inventions_total",
    "invention_grant_rate",
    "valid_inventions_total",
    "valid_inventions_per_enterprise",
    "citations_total",
    "citations_per_enterprise",
    "licenses_total",
    "licenses_per_enterprise",
    "transfers_total",
    "transfers_per_enterprise",
    "pct_total",
    "pct_per_enterprise",
    "pct_share",
    "overseas_markets_per_enterprise",
    "employees_known",
    "employees_per_enterprise",
    "invention_density",
    "applications_by_year",
    "growth_cagr",
    "pct_by_year",
    "pct_growth_cagr",
    "pct_buckets",
    "overseas_buckets",
    "board_counts",
    "primary_financing_count",
    "industry_counts",
    "industry_applications",
    "batch_counts",
)
