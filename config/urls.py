from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "小巨人科创力门户 · 管理"
admin.site.site_title = "小巨人科创力门户"
admin.site.index_title = "数据管理"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("reports.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", RedirectView.as_view(url=f"/{settings.ADMIN_URL}", permanent=False), name="home"),
    prefix_default_language=False,
)
