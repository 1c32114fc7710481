"""The division endpoints' paths and names, in one place.

``config/urls.py`` includes ``reports.api.region_urls``, which builds these same paths with the views that
add each division's counts in a snapshot (a higher layer). Nothing routes this module by itself, so it has
no ``urlpatterns`` of its own.
"""

from django.urls import path

app_name = "regions-api"


def division_urlpatterns(*, province_view, city_view) -> list:
    return [
        path("provinces/", province_view.as_view(), name="province-list"),
        path("cities/", city_view.as_view(), name="city-list"),
    ]
