from django.urls import path

from . import views

app_name = "patents-api"

urlpatterns = [
    path("patents/", views.PatentListView.as_view(), name="patent-list"),
    path("patents/<str:publication_number>/", views.PatentDetailView.as_view(), name="patent-detail"),
]
