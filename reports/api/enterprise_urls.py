"""The enterprise endpoints (``enterprises.api.urls``) with the detail view that joins the measures."""

from enterprises.api.urls import app_name, enterprise_urlpatterns

from .views import EnterpriseDetailView

urlpatterns = enterprise_urlpatterns(detail_view=EnterpriseDetailView)

__all__ = ["app_name", "urlpatterns"]
