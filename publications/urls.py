from django.urls import path

from . import views

app_name = "publications"

urlpatterns = [
    path("reports/<str:scope>/<str:code>/", views.report_page, name="report"),
    path("reports/<str:scope>/<str:code>/report.pdf", views.report_pdf, name="report-pdf"),
]
