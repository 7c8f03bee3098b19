import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from danvan.datasets.models import DataElement, DataValue, DataValueAudit
from danvan.datasets.queries import EntryForm, period_get
from danvan.datasets.services import ConflictError, data_value_save, submission_submit


def element(code):
    return DataElement.objects.get(code=code)


def save(form, user, code, raw, **kwargs):
    return data_value_save(actor=user, form=form, element=element(code), raw=raw, **kwargs)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.234", 1234), ("1234", 1234), (" 12 ", 12), ("0012", 12), ("9" * 15, 10**15 - 1)],
)
def test_vietnamese_number_input_is_accepted(commune_form, world, raw, expected):
    result = save(commune_form, world.district_clerk, "members", raw)

    assert result.value.value == Decimal(expected)


def test_a_save_writes_an_audit_row_with_who_and_where(commune_form, world):
    save(commune_form, world.district_clerk, "members", "100", remote_address="10.0.0.7")
    save(commune_form, world.district_clerk, "members", "120")

    rows = list(
        DataValueAudit.objects.order_by("pk").values_list(
            "action", "old_value", "new_value", "user__username", "remote_address"
        )
    )
    assert rows == [
        ("create", None, Decimal(100), "one.clerk", "10.0.0.7"),
        ("update", Decimal(100), Decimal(120), "one.clerk", None),
    ]


def test_saving_the_same_value_again_changes_nothing(commune_form, world):
    save(commune_form, world.district_clerk, "members", "100")

    result = save(commune_form, world.district_clerk, "members", "100")

    assert not result.changed
    assert DataValueAudit.objects.count() == 1


def test_clearing_a_cell_deletes_the_value_and_audits_it(commune_form, world):
    save(commune_form, world.district_clerk, "members", "100")

    save(commune_form, world.district_clerk, "members", "")

    assert not DataValue.objects.exists()
    assert DataValueAudit.objects.latest("pk").action == "delete"


def test_what_an_audit_row_names_cannot_be_deleted_once_its_value_is_gone(commune_form, world):
    # The audit's references are not database constraints: Django's PROTECT keeps them.
    from django.db.models import ProtectedError

    save(commune_form, world.district_clerk, "members", "100")
    save(commune_form, world.district_clerk, "members", "")
    assert not DataValue.objects.exists()

    for named in (element("members"), commune_form.period, world.district_clerk):
        with pytest.raises(ProtectedError) as refused:
            named.delete()
        assert any(isinstance(o, DataValueAudit) for o in refused.value.protected_objects)
    assert DataValueAudit.objects.count() == 2


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("mười", "không phải là số"),
        ("-5", "số âm"),
        ("12,5", "số nguyên"),
        ("12.5", "không phải là số"),
        ("1" * 20, "quá lớn"),
        ("1" + "0" * 15, "quá lớn"),  # 10^15: the first figure too large
    ],
)
def test_bad_input_is_refused_with_a_clear_message(commune_form, world, raw, message):
    with pytest.raises(ValidationError) as error:
        save(commune_form, world.district_clerk, "members", raw)

    assert message in " ".join(error.value.messages)
    assert not DataValue.objects.exists()
    assert not DataValueAudit.objects.exists()


def test_a_decimal_figure_has_at_most_four_decimals(commune_form, world):
    from danvan.datasets.models import DataElement

    DataElement.objects.filter(code="members").update(value_type=DataElement.ValueType.DECIMAL)

    with pytest.raises(ValidationError) as error:
        save(commune_form, world.district_clerk, "members", "0,00005")
    assert "bốn chữ số thập phân" in " ".join(error.value.messages)
    assert not DataValue.objects.exists()

    result = save(commune_form, world.district_clerk, "members", "1,23450")  # a fifth zero
    assert result.value.value == Decimal("1.2345")


def test_money_and_decimals(commune_form, world):
    result = save(commune_form, world.district_clerk, "operating_funds", "2.800.000")

    assert result.value.value == Decimal(2800000)


def test_a_clerk_of_another_district_is_refused(commune_form, world):
    with pytest.raises(PermissionDenied):
        save(commune_form, world.other_clerk, "members", "100")


def test_a_viewer_cannot_write(commune_form, world):
    with pytest.raises(PermissionDenied):
        save(commune_form, world.commune_viewer, "members", "100")


def test_a_figure_outside_the_form_is_refused(commune_form, world):
    with pytest.raises(ValidationError):
        save(commune_form, world.district_clerk, "households", "100")


def test_a_period_that_has_not_opened_is_refused(world, catalogue, commune_form):
    future = EntryForm(
        commune_form.data_set, commune_form.unit, commune_form.organization, period_get("2027")
    )

    with pytest.raises(ValidationError) as error:
        save(future, world.district_clerk, "members", "100", today=datetime.date(2026, 11, 25))

    assert "mở nhập số liệu từ ngày 15/12/2026" in error.value.messages[0]


def test_a_stale_revision_is_a_conflict_and_nothing_is_lost(commune_form, world):
    save(commune_form, world.district_clerk, "members", "100", expected_revision=0)

    with pytest.raises(ConflictError) as error:
        save(commune_form, world.province_admin, "members", "90", expected_revision=0)

    assert "100" in error.value.messages[0]
    assert DataValue.objects.get().value == 100


def test_a_submitted_form_is_read_only(commune_form, world):
    save(commune_form, world.district_clerk, "members", "100")
    submission_submit(actor=world.district_clerk, form=commune_form)

    with pytest.raises(ValidationError) as error:
        save(commune_form, world.district_clerk, "members", "101")

    assert "không sửa được nữa" in error.value.messages[0]


def test_a_rule_violation_is_reported_on_save(commune_form, world):
    save(commune_form, world.district_clerk, "members", "100")

    result = save(commune_form, world.district_clerk, "members_studied", "120")

    assert [v.rule_code for v in result.violations] == ["studied_le_members"]
    assert result.violations[0].is_error


# serialized_rollback restores the organization types seeded by a data migration.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_users_saving_the_same_cell_at_once_lose_nothing(world, catalogue):
    from danvan.organizations.models import Organization

    organization = Organization.objects.get(unit=world.commune_one_a, type__code="hnd")
    form = EntryForm(catalogue["nq06-org"], world.commune_one_a, organization, period_get("2021"))
    outcomes = []

    def writer(user, raw):
        from django.db import connection

        try:
            save(form, user, "members", raw, expected_revision=0)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")
        except Exception as error:
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=writer, args=(world.district_clerk, "100")),
        threading.Thread(target=writer, args=(world.province_admin, "200")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("saved") == 1
    value = DataValue.objects.get()
    audit = DataValueAudit.objects.get()
    assert audit.new_value == value.value


def test_resending_the_stored_value_from_a_stale_page_is_not_a_conflict(commune_form, world):
    save(commune_form, world.district_clerk, "members", "100", expected_revision=0)

    result = save(commune_form, world.district_clerk, "members", "100", expected_revision=0)

    assert not result.changed
