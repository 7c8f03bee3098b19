"""Background work for reports (Django's task API through django-tasks)."""

from __future__ import annotations

from django_tasks import task

from danvan.reports import jobs
from danvan.reports.models import ReportJob


@task()
def report_job_run_task(job_id: int) -> str:
    job = ReportJob.objects.select_related("user", "resolution", "unit", "period").get(pk=job_id)
    return jobs.report_job_run(job=job).status
