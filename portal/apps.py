from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public site: server-rendered pages that read stored indicators. No other app imports it."""

    name = "portal"
    verbose_name = _("公众门户")
