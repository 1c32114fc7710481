from django.urls import path, re_path

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
    path("data/", views.data_page, name="data"),
    re_path(r"^data/indicators\.(?P<file_format>csv|xlsx)$", views.bulk_indicators, name="data-indicators"),
    # "数据" beside every chart and table: that chart's numbers, rebuilt by the page's own builder.
    re_path(
        r"^charts/(?P<kind>[a-z]+)/(?P<key>[^/]+)/(?P<chart>[a-z0-9-]+)\.(?P<file_format>csv|xlsx)$",
        views.chart_data,
        name="chart-data",
    ),
]
