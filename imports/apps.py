from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """The bookkeeping every data import shares: its record, preview, confirmation and revert.

    It sits below the apps whose files it records (enterprises, patents) and imports none of them: each of
    those tells it, from its own ``ready()``, how its kind of import runs and reverts (``imports.registry``).
    """

    name = "imports"
    # The model's own name, already translated: a new msgid would mean recompiling the shared .mo.
    verbose_name = _("导入记录")
