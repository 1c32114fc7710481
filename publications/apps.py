from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicationsConfig(AppConfig):
    """The generated 科创力报告: a region's report at a snapshot as a web page and a PDF.

    It reads stored indicators (``reports``) and reuses the public site's formatting, selectors and chart
    descriptions (``portal``); nothing below it imports it.
    """

    name = "publications"
    verbose_name = _("科创力报告")

    def ready(self) -> None:
        # A completed snapshot renders the national and province PDFs in the background (receivers.py).
        from . import receivers

        receivers.connect()
