from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("regions/<str:province_code>/", views.province, name="province"),
    path("regions/<str:province_code>/<str:city_code>/", views.city, name="city"),
    path("clusters/<str:code>/", views.cluster, name="cluster"),
    path("compare/", views.compare, name="compare"),
    path("rankings/<str:indicator>/", views.ranking, name="ranking"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.search_suggest, name="search-suggest"),
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    # Before the profiles' pattern: "download" is no credit code (18 characters).
    path("enterprises/download/", views.enterprise_list_download, name="enterprise-list-download"),
    path("enterprises/<str:credit_code>/", views.enterprise_detail, name="enterprise"),
    path("methodology/", views.methodology, name="methodology"),
]
