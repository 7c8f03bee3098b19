"""Background work for figures (Django's task API through django-tasks).

The embedded default runs tasks immediately, in the request; production points TASKS at a
worker-backed backend and the import page polls the job's progress.
"""

from __future__ import annotations

from django_tasks import task

from danvan.datasets.exchange import jobs
from danvan.datasets.exchange.models import ImportJob


@task()
def import_job_check_task(job_id: int) -> str:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    return jobs.import_job_check(job=job).status


@task()
def import_job_apply_task(job_id: int) -> str:
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    return jobs.import_job_apply(actor=job.user, job=job).status
