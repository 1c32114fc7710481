from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from .health import healthz

admin.site.site_header = _("小巨人科创力门户 · 管理")
admin.site.site_title = _("小巨人科创力门户")
admin.site.index_title = _("数据管理")

# The API speaks no language of its own; everything a person reads is Chinese at / and English at /en/.
urlpatterns = [
    # For load balancers: plain HTTP, no language prefix, no redirect (SECURE_REDIRECT_EXEMPT).
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("reports.api.urls")),
]

urlpatterns += i18n_patterns(
    path(settings.ADMIN_URL, admin.site.urls),
    # Until the public pages land, the home page leads officials to the admin in the visitor's language.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    prefix_default_language=False,
)
