from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class PatentsConfig(AppConfig):
    name = "patents"
    # The admin's section: "Patents" in English, where the model's own 专利 is one "Patent".
    verbose_name = pgettext_lazy("app", "专利")

    def ready(self) -> None:
        from enterprises.signals import enterprises_changed

        from .import_kinds import register_patent_import_kind
        from .receivers import link_on_enterprises_changed

        # Keeps data consistent, so it runs synchronously inside the enterprise import's transaction: an
        # enterprise imported after its patents is linked to them in the same commit.
        enterprises_changed.connect(link_on_enterprises_changed, dispatch_uid="patents.link_on_enterprises_changed")
        # The imports app runs and reverts patent files but may not import this app: it is told.
        register_patent_import_kind()
