"""Vocabularies of the reference figures: the groups the portal does not hold as data, and their measures."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceGroup(models.TextChoices):
    """Who a reference figure describes (report-outline.md, "Reference values")."""

    STAR = "star", _("科创板上市企业")
    BSE = "bse", _("北交所上市企业")
    MAIN = "main", _("沪深主板上市企业")
    CHINEXT = "chinext", _("创业板上市企业")
    SME = "sme", _("专精特新中小企业")
    CHAMPION = "champion", _("制造业单项冠军")
    NATION = "nation", _("全国")
    PLAN = "plan", _("培育目标")


class ReferenceMeasure(models.TextChoices):
    """What a reference figure measures; the keys of metrics.md where the portal computes the same."""

    APPLICATIONS_PER_ENTERPRISE = "applications_per_enterprise", _("专利申请总量（件/家）")
    VALID_INVENTIONS_PER_ENTERPRISE = "valid_inventions_per_enterprise", _("有效发明专利（件/家）")
    INVENTION_SHARE = "invention_share", _("发明专利占比")
    INVENTION_GRANT_RATE = "invention_grant_rate", _("发明专利授权率")
    CITATIONS_PER_ENTERPRISE = "citations_per_enterprise", _("专利被引总量（次/家）")
    PCT_PER_ENTERPRISE = "pct_per_enterprise", _("PCT专利总量（件/家）")
    INVENTION_DENSITY = "invention_density", _("发明专利密度（件/千人）")
    LISTED_ENTERPRISES = "listed_enterprises", _("上市企业数（家）")
    ENTERPRISES = "enterprises", _("企业数（家）")
    EMPLOYEES = "employees", _("就业人员（人）")
    APPLICATIONS_IN_YEAR = "applications_in_year", _("全年专利申请量（件）")
    TARGET_ENTERPRISES = "target_enterprises", _("培育目标（家）")
    SHARE_NEW_MATERIALS = "industry_share_new_materials", _("新材料企业占比")
    SHARE_NEXT_GEN_IT = "industry_share_next_gen_it", _("新一代信息技术企业占比")
    SHARE_HIGH_END_EQUIPMENT = "industry_share_high_end_equipment", _("高端装备制造企业占比")
    SHARE_NEV = "industry_share_nev", _("节能与新能源汽车企业占比")
    SHARE_BIOMEDICINE = "industry_share_biomedicine", _("生物医药及高性能医疗器械企业占比")
    SHARE_OTHER = "industry_share_other", _("其他领域企业占比")


# Measures stated as fractions (0.658), printed as percentages.
FRACTION_MEASURES = frozenset(
    {
        ReferenceMeasure.INVENTION_SHARE,
        ReferenceMeasure.INVENTION_GRANT_RATE,
        ReferenceMeasure.SHARE_NEW_MATERIALS,
        ReferenceMeasure.SHARE_NEXT_GEN_IT,
        ReferenceMeasure.SHARE_HIGH_END_EQUIPMENT,
        ReferenceMeasure.SHARE_NEV,
        ReferenceMeasure.SHARE_BIOMEDICINE,
        ReferenceMeasure.SHARE_OTHER,
    }
)
