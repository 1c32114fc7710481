"""Administrative divisions (GB/T 2260) that every enterprise is located in."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from utilities.scoping import VIEW, RestrictedQuerySet

from .choices import CityKind, Cluster


def name_indexes(prefix: str) -> list[models.Index]:
    """B-tree indexes for the prefix searches of the place picker (``regions.selectors.places_matching``):
    ``LIKE 'x%'`` uses a B-tree only with the pattern operator class under a non-C collation. The slug
    (pinyin) has one already (a SlugField's ``_like`` index); the English name's, on
    ``upper(name_en::text)`` as ``istartswith`` writes it, is SQL in migration 0002 (Django cannot declare
    an operator class on an expression here)."""
    return [
        models.Index(fields=["name"], opclasses=["varchar_pattern_ops"], name=f"{prefix}_name_prefix_idx"),
        models.Index(fields=["short_name"], opclasses=["varchar_pattern_ops"], name=f"{prefix}_short_prefix_idx"),
    ]


class ProvinceQuerySet(RestrictedQuerySet):
    def province_filter(self, codes, *, user, action):
        """Every division is public to read; data may be put only in one's own provinces."""
        return None if action == VIEW else models.Q(code__in=codes)


class CityQuerySet(RestrictedQuerySet):
    def province_filter(self, codes, *, user, action):
        return None if action == VIEW else models.Q(province_id__in=codes)


class Province(models.Model):
    """A province-level division (省、自治区、直辖市) of mainland China, keyed by its 6-digit code."""

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    short_name = models.CharField(_("简称"), max_length=20, unique=True)
    slug = models.SlugField(_("拼音"), max_length=40, unique=True)
    name_en = models.CharField(_("英文名"), max_length=60)
    is_municipality = models.BooleanField(_("直辖市"), default=False)

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("省级行政区")
        verbose_name_plural = pgettext_lazy("plural", "省级行政区")
        indexes = name_indexes("province")

    def __str__(self) -> str:
        return self.name


class City(models.Model):
    """A prefecture-level division (地级市、地区、自治州、盟), or a municipality acting as its own city.

    ``cluster`` places the city in one of the report's city clusters (京津冀, 长三角, 粤港澳).
    """

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="cities", verbose_name=_("省份"))
    name = models.CharField(_("名称"), max_length=40)
    short_name = models.CharField(_("简称"), max_length=20)
    slug = models.SlugField(_("拼音"), max_length=40)
    name_en = models.CharField(_("英文名"), max_length=60)
    kind = models.CharField(_("类别"), max_length=20, choices=CityKind.choices, default=CityKind.CITY)
    is_municipality = models.BooleanField(_("直辖市"), default=False)
    is_separately_planned = models.BooleanField(_("计划单列市"), default=False)
    cluster = models.CharField(_("城市群"), max_length=3, choices=Cluster.choices, blank=True, db_index=True)

    objects = CityQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("地级行政区")
        verbose_name_plural = pgettext_lazy("plural", "地级行政区")
        indexes = name_indexes("city")
        constraints = [
            models.UniqueConstraint(fields=["province", "name"], name="city_name_unique_in_province"),
        ]

    def __str__(self) -> str:
        return self.name
