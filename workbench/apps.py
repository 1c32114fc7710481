from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbenchConfig(AppConfig):
    """The official's workbench (what falls due in their provinces) and its weekly digest by e-mail."""

    name = "workbench"
    verbose_name = _("工作台")

    def ready(self) -> None:
        from django.contrib import admin

        from .views import stale_recompute_view, workbench_view

        # The admin site lives in officials, below this app: the pages register themselves with it.
        admin.site.register_page("workbench/", workbench_view, "workbench", home=True)
        admin.site.register_page("workbench/recompute-stale/", stale_recompute_view, "workbench_recompute_stale")
