from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from imports.views import moved_record_pages
from portal.sitemaps import SITEMAPS

from .health import healthz


class SwaggerUIView(SpectacularSwaggerSplitView):
    """Swagger UI, answering only GET and HEAD: DRF's OPTIONS answer would render the HTML template with
    the metadata as context, which has no template name (a 500 for anyone who asks)."""

    http_method_names = ["get", "head"]


admin.site.site_header = _("小巨人科创力门户 · 管理")
admin.site.site_title = _("小巨人科创力门户")
admin.site.index_title = _("数据管理")
# 查看站点 leads to the public home page, in the admin's language (/ or /en/).
admin.site.site_url = reverse_lazy("portal:overview")

# The API speaks no language of its own; everything a person reads is Chinese at / and English at /en/.
urlpatterns = [
    # For load balancers: plain HTTP, no language prefix, no redirect (SECURE_REDIRECT_EXEMPT).
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("reports.api.urls")),
    # Enterprises and divisions with what they join from a snapshot: routed from the reports layer, above both.
    path("api/v1/", include("reports.api.enterprise_urls")),
    path("api/v1/", include("patents.api.urls")),
    path("api/v1/", include("reports.api.region_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's files come from drf-spectacular-sidecar through the static files: no CDN, works offline;
    # the split view serves its start-up script as a file of its own, which the Content-Security-Policy allows
    # (Redoc's template would load web fonts from Google).
    path("api/docs/", SwaggerUIView.as_view(url_name="api-schema"), name="api-docs"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

urlpatterns += i18n_patterns(
    # Import records moved from the enterprises app to imports (#24): old admin links, and anything
    # below them, redirect (an unanchored regex matches every rest of the path).
    path(
        f"{settings.ADMIN_URL}enterprises/importrecord/",
        include([re_path("", moved_record_pages, name="admin_importrecord_moved")]),
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("portal.urls")),
    path("", include("publications.urls")),
    prefix_default_language=False,
)
