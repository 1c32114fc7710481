from django.urls import path, register_converter

from . import views


class FileFormat:
    """``csv`` or ``xlsx``: the two files a person downloads."""

    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FileFormat, "fileformat")

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
    path("data/indicators.<fileformat:file_format>", views.bulk_indicators, name="data-indicators"),
    # "数据" beside every chart and table: that chart's numbers, rebuilt by the page's own builder.
    path("charts/<slug:kind>/<str:key>/<slug:chart>.<fileformat:file_format>", views.chart_data, name="chart-data"),
]
