from django.urls import path

from . import views

app_name = "reports-api"

urlpatterns = [
    path("indicators/<str:scope>/", views.ScopeIndicatorListView.as_view(), name="indicator-list"),
    path("indicators/<str:scope>/<str:code>/", views.ScopeIndicatorDetailView.as_view(), name="indicator-detail"),
    path("snapshots/", views.SnapshotListView.as_view(), name="snapshot-list"),
]
