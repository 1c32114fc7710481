from django.urls import path

from . import views

app_name = "regions-api"

urlpatterns = [
    path("provinces/", views.ProvinceListView.as_view(), name="province-list"),
    path("cities/", views.CityListView.as_view(), name="city-list"),
]
