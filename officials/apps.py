from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class OfficialsConfig(AppConfig):
    """Officials' roles, the provinces each one covers, and login protection."""

    name = "officials"
    verbose_name = _("官员与权限")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from utilities.scoping import register_scope

        from .roles import roles_sync_after_migrate
        from .selectors import official_is_national, official_province_codes

        # Who answers for which provinces: every restricted queryset asks through utilities.scoping.
        register_scope(provinces_of=official_province_codes, is_national=official_is_national)

        # Permissions of a model added later exist only after its migration: re-sync the role groups
        # after every migrate, so a role never silently lacks a permission the code expects.
        post_migrate.connect(roles_sync_after_migrate, sender=self)


class PortalAdminConfig(admin_apps.AdminConfig):
    """The stock admin app, serving the portal's admin site (``officials.sites.PortalAdminSite``)."""

    default = False
    default_site = "officials.sites.PortalAdminSite"
