from django.urls import path

from danvan.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_page, name="make"),
    path("jobs/start/<str:format>/", views.report_job_start, name="job-start"),
    path("jobs/<int:pk>/", views.report_job, name="job"),
    path("jobs/<int:pk>/status/", views.report_job_status, name="job-status"),
    path("jobs/<int:pk>/file/", views.report_job_file, name="job-file"),
    path("check/", views.check_report, name="check"),
]
