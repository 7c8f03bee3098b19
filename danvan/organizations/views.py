from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from danvan.accounts import access


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = access.organization_for_user(request.user, pk)
    children = (
        access.organizations_visible_to(request.user)
        .filter(parent=organization)
        .select_related("unit", "type")
    )
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "children": children,
            "can_change": access.can_change_organization(request.user, organization),
        },
    )
