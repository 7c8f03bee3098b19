from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from danvan.accounts import access
from danvan.geography.queries import units_with_counts


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roots = units_with_counts(access.root_units_for(request.user).select_related("version"))
    return render(request, "accounts/home.html", {"roots": roots})
