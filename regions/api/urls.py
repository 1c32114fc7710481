"""The division endpoints' paths and names, in one place.

``config/urls.py`` includes ``reports.api.region_urls``, which builds these same paths with the views that
add each division's counts in a snapshot (a higher layer); ``urlpatterns`` here is the regions app alone.
"""

from django.urls import path

from . import views

app_name = "regions-api"


def division_urlpatterns(*, province_view=views.ProvinceListView, city_view=views.CityListView) -> list:
    return [
        path("provinces/", province_view.as_view(), name="province-list"),
        path("cities/", city_view.as_view(), name="city-list"),
    ]


urlpatterns = division_urlpatterns()
