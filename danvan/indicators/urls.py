from django.urls import path

from danvan.indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.resolution_list, name="list"),
    path("about/achievement/", views.semantics, name="semantics"),
    path("<str:slug>/", views.dashboard, name="dashboard"),
    path("<str:slug>/sources/<str:part>/", views.drill_down, name="sources"),
]
