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
