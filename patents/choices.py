"""Patent vocabularies. Keys and Chinese labels exactly as in the spec's data-formats.md."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PatentType(models.TextChoices):
    INVENTION = "invention", _("发明")
    UTILITY_MODEL = "utility_model", _("实用新型")
    DESIGN = "design", _("外观设计")


class LegalStatus(models.TextChoices):
    VALID = "valid", _("有效")
    PENDING = "pending", _("审中")
    INVALID = "invalid", _("失效")


# The office code of a PCT international application (jurisdiction ``WO``).
PCT_OFFICE = "WO"
HOME_OFFICE = "CN"

# Offices listed in the admin's filter, in the order the report discusses them; any other two-letter code
# is still accepted by the importer and counts as an overseas market.
PATENT_OFFICES = {
    "CN": _("中国"),
    "WO": _("PCT 国际申请"),
    "US": _("美国"),
    "EP": _("欧洲专利局"),
    "JP": _("日本"),
    "KR": _("韩国"),
    "DE": _("德国"),
    "GB": _("英国"),
    "FR": _("法国"),
    "AU": _("澳大利亚"),
    "CA": _("加拿大"),
    "IN": _("印度"),
    "RU": _("俄罗斯"),
    "BR": _("巴西"),
    "TW": _("中国台湾"),
    "HK": _("中国香港"),
    "SG": _("新加坡"),
}
