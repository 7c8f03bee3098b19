"""The REST API under /api/ (django-ninja). Routers live in each app's api.py."""

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="danvan API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
)
