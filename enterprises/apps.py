from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("企业与认定")

    def ready(self) -> None:
        from .import_kinds import register_enterprise_import_kinds

        # The imports app runs, previews and reverts these files but may not import this app: it is told.
        register_enterprise_import_kinds()
