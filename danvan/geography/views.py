from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from danvan.accounts import access
from danvan.geography.queries import (
    unit_ancestors,
    unit_predecessors,
    unit_successors,
    units_with_counts,
)


@login_required
def unit_browser(request: HttpRequest) -> HttpResponse:
    """Roots of the user's scope as a tree, or search results when `q` is given."""
    query = request.GET.get("q", "").strip()[:100]
    visible = access.units_visible_to(request.user).select_related("version", "parent")
    context: dict[str, object] = {"query": query}
    if query:
        page = Paginator(visible.search(query).order_by("level", "path"), 50).get_page(
            request.GET.get("page")
        )
        context["page"] = page
    else:
        context["roots"] = units_with_counts(
            access.root_units_for(request.user).select_related("version")
        )
    partial = request.headers.get("HX-Request") and query
    template = "geography/_search_results.html" if partial else "geography/unit_browser.html"
    return render(request, template, context)


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access.unit_for_user(request.user, pk)
    visible = access.units_visible_to(request.user)
    ancestors = [a for a in unit_ancestors(unit) if access.can_view_unit(request.user, a)]
    children = units_with_counts(visible.filter(parent=unit).select_related("version"))
    organizations = (
        access.organizations_visible_to(request.user)
        .filter(unit=unit)
        .select_related("type")
        .order_by("type__sort_order")
    )
    successors = unit_successors(unit)
    predecessors = unit_predecessors(unit)
    visible_successors = [u for u in successors if access.can_view_unit(request.user, u)]
    visible_predecessors = [u for u in predecessors if access.can_view_unit(request.user, u)]
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "children": children,
        "organizations": organizations,
        "successors": visible_successors,
        "predecessors": visible_predecessors,
        "hidden_links": len(successors)
        + len(predecessors)
        - len(visible_successors)
        - len(visible_predecessors),
    }
    return render(request, "geography/unit_detail.html", context)


@login_required
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The children of a unit as tree rows (htmx fragment)."""
    unit = access.unit_for_user(request.user, pk)
    children = units_with_counts(
        access.units_visible_to(request.user).filter(parent=unit).select_related("version")
    )
    return render(request, "geography/_tree_children.html", {"children": children})
