"""The enterprise endpoints' paths and names, in one place.

``config/urls.py`` includes ``reports.api.enterprise_urls``, which builds these same paths with the detail
view that joins the enterprise's measures (a higher layer). Nothing routes this module by itself, so it has
no ``urlpatterns`` of its own.
"""

from django.urls import path

from . import views

app_name = "enterprises-api"


def enterprise_urlpatterns(*, detail_view) -> list:
    return [
        path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise-list"),
        path("enterprises/<str:credit_code>/", detail_view.as_view(), name="enterprise-detail"),
        path(
            "enterprises/<str:credit_code>/designations/",
            views.DesignationListView.as_view(),
            name="designation-list",
        ),
        path(
            "enterprises/<str:credit_code>/designations/<int:batch>/",
            views.DesignationDetailView.as_view(),
            name="designation-detail",
        ),
    ]
