from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from danvan.accounts import access
from danvan.reports.checker import ReadError, Severity, check_document, read_bytes, read_text
from danvan.reports.checker.findings import SEVERITY_LABELS
from danvan.reports.forms import ReportCheckForm
from danvan.reports.rendering import anchor, render_document


@login_required
def check_report(request: HttpRequest) -> HttpResponse:
    if not access.can_check_reports(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = ReportCheckForm(request.POST, request.FILES)
    else:
        form = ReportCheckForm()
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload is not None:
                name = upload.name or ""
                document = read_bytes(upload.read(), name)
            else:
                name = ""
                document = read_text(form.cleaned_data["text"])
        except ReadError as error:
            form.add_error(None, error.message)
        else:
            findings = check_document(document)
            counts = {severity: 0 for severity in Severity}
            for item in findings:
                counts[item.severity] += 1
            context.update(
                checked=True,
                name=name,
                document=render_document(document, findings),
                findings=[
                    {
                        "item": item,
                        "anchor": anchor(index),
                        "label": SEVERITY_LABELS[item.severity],
                        "where": item.location.describe(),
                        "related": [location.describe() for location in item.related],
                    }
                    for index, item in enumerate(findings)
                ],
                errors=counts[Severity.ERROR],
                warnings=counts[Severity.WARNING],
                notes=counts[Severity.NOTE],
            )
    return render(request, "reports/check.html", context)
