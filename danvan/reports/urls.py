from django.urls import path

from danvan.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_page, name="make"),
    path("download/<str:format>/", views.report_download, name="download"),
    path("check/", views.check_report, name="check"),
]
