"""The division endpoints (``regions.api.urls``) with the views that join each division's counts."""

from regions.api.urls import app_name, division_urlpatterns

from .views import CityListView, ProvinceListView

urlpatterns = division_urlpatterns(province_view=ProvinceListView, city_view=CityListView)

__all__ = ["app_name", "urlpatterns"]
