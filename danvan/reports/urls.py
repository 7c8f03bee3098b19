from django.urls import path

from danvan.reports import views

app_name = "reports"

urlpatterns = [
    path("check/", views.check_report, name="check"),
]
