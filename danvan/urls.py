from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.contenttypes import views as contenttype_views
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path

from danvan.accounts import views as account_views
from danvan.api import api
from danvan.geography import views as geography_views
from danvan.operations.health import HealthView
from danvan.organizations import views as organization_views


@admin.site.admin_view
def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    try:
        return contenttype_views.shortcut(request, content_type_id, object_id)
    except ValidationError as error:
        raise Http404(str(error)) from error


admin.site.site_header = "danvan"
admin.site.site_title = "danvan"

urlpatterns = [
    path("", account_views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", geography_views.unit_browser, name="unit-browser"),
    path("units/<int:pk>/", geography_views.unit_detail, name="unit-detail"),
    path("units/<int:pk>/children/", geography_views.unit_children, name="unit-children"),
    path(
        "organizations/<int:pk>/",
        organization_views.organization_detail,
        name="organization-detail",
    ),
    path("figures/", include("danvan.datasets.urls")),
    path("indicators/", include("danvan.indicators.urls")),
    path("reports/", include("danvan.reports.urls")),
    path("api/", api.urls),
    # Before the admin's own route: an id of the wrong type (a number for a model keyed by
    # UUID) is "not found", not a server error.
    path("admin/r/<int:content_type_id>/<path:object_id>/", view_on_site),
    path("admin/", admin.site.urls),
    path("health/", HealthView.as_view(), name="health"),
]
