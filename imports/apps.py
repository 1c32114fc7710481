from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """The bookkeeping every data import shares: its record, preview, confirmation and revert.

    It sits below the apps whose files it records (enterprises, patents) and imports none of them: each of
    those tells it, from its own ``ready()``, how its kind of import runs and reverts (``imports.registry``).
    """

    name = "imports"
    # The admin's section (and breadcrumb) over the import records: its own msgid, for its English "Imports",
    # not the model's singular "Import record".
    verbose_name = _("数据导入")
