from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("科创力指标")

    def ready(self) -> None:
        # Data changes anywhere queue one indicator refresh per transaction (reports/receivers.py).
        from . import receivers

        receivers.connect()
