"""The REST API under /api/ (django-ninja). Routers live in each app's api.py."""

from ninja import NinjaAPI
from ninja.security import django_auth

from danvan.reports.api import router as reports_router

api = NinjaAPI(
    title="danvan API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
)
api.add_router("/reports/", reports_router)
