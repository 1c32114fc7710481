"""Enterprise vocabularies. Keys and Chinese labels exactly as in the spec's data-formats.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndustryField(models.TextChoices):
    """十大重点产业领域 plus 其他领域."""

    NEXT_GEN_IT = "next_gen_it", _("新一代信息技术")
    CNC_ROBOTICS = "cnc_robotics", _("高档数控机床和机器人")
    AEROSPACE = "aerospace", _("航空航天装备")
    MARINE = "marine", _("海洋工程装备及高技术船舶")
    RAIL = "rail", _("先进轨道交通装备")
    NEV = "nev", _("节能与新能源汽车")
    POWER = "power", _("电力装备")
    AGRI_MACHINERY = "agri_machinery", _("农机装备")
    NEW_MATERIALS = "new_materials", _("新材料")
    BIOMEDICINE = "biomedicine", _("生物医药及高性能医疗器械")
    OTHER = "other", _("其他领域")


# The report shows these three fields together as 高端机械装备 (high-end machinery); kept as data so
# charts can group them without a fourth key.
HIGH_END_MACHINERY = "high_end_machinery"
HIGH_END_MACHINERY_LABEL = _("高端机械装备")
INDUSTRY_CHART_GROUPS = {
    IndustryField.CNC_ROBOTICS: HIGH_END_MACHINERY,
    IndustryField.POWER: HIGH_END_MACHINERY,
    IndustryField.AGRI_MACHINERY: HIGH_END_MACHINERY,
}


class ListingBoard(models.TextChoices):
    """上市板块. Empty means not listed (the indicator scope calls it ``unlisted``)."""

    MAIN = "main", _("沪深主板")
    CHINEXT = "chinext", _("创业板")
    STAR = "star", _("科创板")
    BSE = "bse", _("北交所")
    NEEQ = "neeq", _("新三板")
    HKEX = "hkex", _("港交所")
    SGX = "sgx", _("新加坡交易所")
    OVERSEAS_OTHER = "overseas_other", _("其他境外交易所")


UNLISTED = "unlisted"


class Program(models.TextChoices):
    """The MIIT programme a designation belongs to."""

    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”企业")
    SME = "sme", _("专精特新中小企业")
    CHAMPION = "champion", _("制造业单项冠军")


class DesignationStatus(models.TextChoices):
    ANNOUNCED = "announced", _("公示")
    CONFIRMED = "confirmed", _("认定通过")
    REVIEWED = "reviewed", _("复核通过")
    REVOKED = "revoked", _("撤销")


BATCH_LABELS = {
    1: "第一批",
    2: "第二批",
    3: "第三批",
    4: "第四批",
    5: "第五批",
    6: "第六批",
    7: "第七批",
    8: "第八批",
    9: "第九批",
    10: "第十批",
}


def batch_display(batch: int | None) -> str:
    """第一批, 第二批 … in Chinese, "Batch 1" … in English: how officials name a batch."""
    from django.utils.translation import get_language, gettext

    if batch is None:
        return "—"
    if (get_language() or "zh-hans").startswith("zh"):
        return BATCH_LABELS.get(batch, f"第{batch}批")
    return gettext("第%(batch)s批") % {"batch": batch}
