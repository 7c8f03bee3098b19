"""Saves, submits and decisions at the same moment, on real connections (SQLite and
PostgreSQL: CI runs the suite on both)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from danvan.datasets.models import DataElement, DataValue, DataValueAudit, Submission
from danvan.datasets.queries import EntryForm, period_get
from danvan.datasets.services import (
    ConflictError,
    data_value_save,
    submission_get_or_create,
    submission_submit,
)

# serialized_rollback restores the organization types seeded by a data migration.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _form(world, catalogue):
    from danvan.organizations.models import Organization

    organization = Organization.objects.get(unit=world.commune_one_a, type__code="hnd")
    return EntryForm(catalogue["nq06-org"], world.commune_one_a, organization, period_get("2021"))


def _save(form, user, raw, **kwargs):
    return data_value_save(
        actor=user, form=form, element=DataElement.objects.get(code="members"), raw=raw, **kwargs
    )


def _run(*targets):
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)


def test_twenty_parallel_saves_to_one_cell_keep_exactly_one(world, catalogue):
    form = _form(world, catalogue)
    outcomes: list[str] = []
    start = threading.Barrier(20)

    def writer(raw: str) -> None:
        try:
            start.wait()
            _save(form, world.district_clerk, raw, expected_revision=0)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        except Exception as error:  # the test reports whatever else happens
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    _run(*[lambda raw=str(100 + i): writer(raw) for i in range(20)])

    assert sorted(set(outcomes)) == ["conflict", "saved"]
    assert outcomes.count("saved") == 1
    value = DataValue.objects.get()
    audit = DataValueAudit.objects.get()
    assert audit.new_value == value.value
    assert value.revision == 1


def test_a_save_waits_for_a_submit_in_flight_and_is_refused(world, catalogue):
    form = _form(world, catalogue)
    _save(form, world.district_clerk, "100")
    submission = submission_get_or_create(form)
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.RETURNED)
    submitted = threading.Event()
    outcomes: list[str] = []

    def submitter() -> None:
        try:
            with transaction.atomic():
                submission_submit(actor=world.district_clerk, form=form)
                submitted.set()
                time.sleep(0.5)  # the form's row stays locked until this commits
        finally:
            submitted.set()
            connection.close()

    def saver() -> None:
        submitted.wait(timeout=30)
        try:
            _save(form, world.province_admin, "999")
            outcomes.append("saved")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    _run(submitter, saver)

    assert outcomes == ["refused"]
    assert DataValue.objects.get().value == 100
    assert Submission.objects.get().status == Submission.Status.SUBMITTED
