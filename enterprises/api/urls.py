from django.urls import path

from . import views

app_name = "enterprises-api"

urlpatterns = [
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise-list"),
    path("enterprises/<str:credit_code>/", views.EnterpriseDetailView.as_view(), name="enterprise-detail"),
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
