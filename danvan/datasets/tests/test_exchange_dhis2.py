"""DHIS2 files as DHIS2 writes them: deletes, combos, options, CSV layouts, periods."""

from __future__ import annotations

import json

import pytest

from danvan.datasets.exchange.options import ImportOptions, OptionError, options_parse
from danvan.datasets.tests.exchange_helpers import figures, import_bytes, snapshot
from danvan.lib.dhis2_periods import Dhis2PeriodError, adx_period_parse, dhis2_period_parse

__all__ = ["figures"]


def _json(*values: dict, **header: str) -> bytes:  # type: ignore[type-arg]
    return json.dumps({**header, "dataValues": list(values)}).encode()


def _value(code: str = "dialogues", value: str = "9", **extra: object) -> dict:  # type: ignore[type-arg]
    return {"dataElement": code, "period": "2021", "orgUnit": "01101", "value": value, **extra}


def _stored(code: str) -> object:
    from danvan.datasets.models import DataValue

    found = DataValue.objects.filter(element__code=code, unit__code="01101").first()
    return found.value if found else None


def test_a_value_marked_deleted_is_deleted_and_audited(world, figures):
    from danvan.datasets.models import DataValueAudit

    summary = import_bytes(world.district_clerk, _json(_value(deleted=True)))

    assert summary.applied and summary.deleted == 1 and summary.changed == 0
    assert _stored("dialogues") is None
    audit = DataValueAudit.objects.filter(element__code="dialogues").latest("pk")
    assert audit.action == DataValueAudit.Action.DELETE and audit.old_value == 4


def test_import_strategy_delete_deletes_every_value_of_the_file(world, figures):
    summary = import_bytes(
        world.district_clerk,
        _json(_value(), _value("households", "1")),
        options=ImportOptions(strategy="DELETE"),
    )

    assert summary.applied and summary.deleted == 2
    assert _stored("dialogues") is None and _stored("households") is None


def test_strategy_in_the_document_is_honoured(world, figures):
    data = json.dumps({"strategy": "DELETE", "dataValues": [_value()]}).encode()

    summary = import_bytes(world.district_clerk, data)

    assert summary.deleted == 1 and _stored("dialogues") is None


def test_a_delete_on_a_submitted_form_is_refused(world, figures):
    from danvan.datasets.services import submission_submit

    submission_submit(actor=world.district_clerk, form=figures["unit_form"])
    before = snapshot()

    summary = import_bytes(world.district_clerk, _json(_value(deleted=True)))

    assert [r.code for r in summary.rejections] == ["locked"]
    assert snapshot() == before


def test_resending_an_unchanged_value_to_a_submitted_form_is_unchanged(world, figures):
    from danvan.datasets.services import submission_submit

    submission_submit(actor=world.district_clerk, form=figures["unit_form"])

    summary = import_bytes(world.district_clerk, _json(_value(value="4")))

    assert summary.ok and summary.unchanged == 1 and summary.rejected == 0


def test_deleting_a_value_that_does_not_exist_is_ignored_and_counted(world, figures):
    value = _value("members_new", deleted=True, categoryOptionCombo="hnd")

    summary = import_bytes(world.district_clerk, _json(value))

    assert summary.ok and summary.ignored_deletes == 1 and summary.ignored == 1
    assert summary.deleted == 0


def test_a_non_default_attribute_option_combo_is_refused_by_name(world, figures):
    before = snapshot()

    summary = import_bytes(
        world.district_clerk,
        _json(
            _value(attributeOptionCombo="HllvX50cXC0"), _value(attributeOptionCombo="ab1CDEfgh23")
        ),
    )

    assert [(r.line, r.code) for r in summary.rejections] == [(2, "attribute_option_combo")]
    assert "ab1CDEfgh23" in summary.rejections[0].reason
    assert snapshot() == before


@pytest.mark.parametrize(
    "params",
    [{"skipExistingCheck": "true"}, {"async": "true"}, {"force": "true"}, {"nonsense": "1"}],
)
def test_an_option_danvan_does_not_honour_is_refused_by_name(params):
    with pytest.raises(OptionError) as error:
        options_parse(params)

    assert error.value.name == next(iter(params))
    assert next(iter(params)) in error.value.message


def test_default_valued_dhis2_options_are_accepted():
    options = options_parse({"skipExistingCheck": "false", "async": "false", "idScheme": "uid"})

    assert options.element_scheme == options.unit_scheme == "UID"


def test_an_unknown_field_in_the_document_is_refused_by_name(world, figures):
    data = json.dumps({"dataValues": [_value()], "attributeCategoryOptions": ["x"]}).encode()

    summary = import_bytes(world.district_clerk, data)

    assert summary.file_error_code == "unknown_field"
    assert "attributeCategoryOptions" in summary.file_error


def test_an_unknown_field_in_a_value_is_a_row_error(world, figures):
    summary = import_bytes(world.district_clerk, _json(_value(weight="2")))

    assert [r.code for r in summary.rejections] == ["malformed"]
    assert "weight" in summary.rejections[0].reason


def test_follow_up_true_is_refused(world, figures):
    summary = import_bytes(world.district_clerk, _json(_value(followup=True)))

    assert "followup" in summary.rejections[0].reason


def test_an_import_with_no_figures_is_an_error(world, figures):
    before = snapshot()

    for data in (_json(), _json(_value(value=""))):
        summary = import_bytes(world.district_clerk, data)

        assert summary.file_error_code == "no_figures" and not summary.applied
    assert snapshot() == before


def test_a_complete_date_with_changes_is_refused(world, figures):
    data = _json(_value(value="10"), completeDate="2021-12-20")

    summary = import_bytes(world.district_clerk, data)

    assert summary.file_error_code == "complete_date"
    assert _stored("dialogues") == 4


CSV_11 = (
    "dataelelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value,storedby,"
    "lastupdated,comment,followup,deleted\n"
)


def test_dhis2_csv_is_read_by_position_even_with_a_misspelt_header(world, figures):
    data = (
        CSV_11
        + "dialogues,2021,01101,,,7,john,2021-12-01,,false,false\n"
        + "households,2021,01101,HllvX50cXC0,,1500,john,2021-12-01,,false,true\n"
    ).encode()

    summary = import_bytes(world.district_clerk, data)

    assert summary.applied, summary.rejections
    assert (summary.changed, summary.deleted) == (1, 1)
    assert _stored("dialogues") == 7 and _stored("households") is None
    assert "position" in summary.described.lower() or "vị trí" in summary.described


def test_dhis2_csv_without_a_header_row_is_read_by_position(world, figures):
    data = b"dialogues,2021,01101,,,7,john,2021-12-01,,false\n"

    summary = import_bytes(world.district_clerk, data)

    assert summary.applied and summary.changed == 1 and _stored("dialogues") == 7


def test_legacy_csv_with_timestamp_is_read_by_name(world, figures):
    data = (
        b"dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,timestamp,comment,"
        b"followup\ndialogues,2021,01101,,,8,john,2012-01-01,,false\n"
    )

    summary = import_bytes(world.district_clerk, data)

    assert summary.applied and _stored("dialogues") == 8


def test_a_semicolon_csv_from_vietnamese_excel_is_recognised(world, figures):
    data = (
        "dataelement;period;orgunit;categoryoptioncombo;value;comment\n"
        "dialogues;2021;01101;;5;có ghi chú\n"
    ).encode()

    summary = import_bytes(world.district_clerk, data)

    assert summary.applied and _stored("dialogues") == 5


def test_a_vni_comment_is_converted_on_its_evidence(world, figures):
    from danvan.datasets.models import DataValue

    data = _json(_value(value="6", comment="Hoäi Noâng daân ñaõ kieåm tra"))

    summary = import_bytes(world.district_clerk, data)

    assert summary.applied and summary.converted == 1
    stored = DataValue.objects.get(element__code="dialogues", unit__code="01101")
    assert stored.comment == "Hội Nông dân đã kiểm tra"


def test_a_comment_mixing_vni_and_unicode_is_refused_not_guessed(world, figures):
    data = _json(_value(value="6", comment="Hoäi Noâng daân: cân"))

    summary = import_bytes(world.district_clerk, data)

    assert [r.code for r in summary.rejections] == ["legacy_encoding"]
    assert "VNI" in summary.rejections[0].reason


def test_a_non_utf8_file_without_evidence_of_an_encoding_is_refused(world, figures):
    data = "dataelement,period,orgunit,value,comment\ndialogues,2021,01101,5,caf\xe9\n"

    summary = import_bytes(world.district_clerk, data.encode("latin-1"))

    assert summary.file_error_code == "encoding"


@pytest.mark.parametrize(
    ("ident", "kind"),
    [
        ("2021", "Yearly"),
        ("20210315", "Daily"),
        ("2021W5", "Weekly"),
        ("2021WedW5", "WeeklyWednesday"),
        ("2021ThuW5", "WeeklyThursday"),
        ("2021SatW5", "WeeklySaturday"),
        ("2021SunW5", "WeeklySunday"),
        ("2021BiW3", "BiWeekly"),
        ("202103", "Monthly"),
        ("202102B", "BiMonthly"),
        ("2021Q2", "Quarterly"),
        ("2021NovQ1", "QuarterlyNov"),
        ("2021S2", "SixMonthly"),
        ("2021AprilS1", "SixMonthlyApril"),
        ("2021NovS1", "SixMonthlyNov"),
        ("2021April", "FinancialApril"),
        ("2021July", "FinancialJuly"),
        ("2021Oct", "FinancialOct"),
        ("2021Nov", "FinancialNov"),
    ],
)
def test_each_dhis2_period_type_parses(ident, kind):
    period = dhis2_period_parse(ident)

    assert period.type == kind and period.start <= period.end


def test_a_period_that_is_no_period_is_refused():
    for ident in ("2021W60", "2021Q5", "202113", "2021Foo"):
        with pytest.raises(Dhis2PeriodError):
            dhis2_period_parse(ident)


@pytest.mark.parametrize(
    ("adx", "ident"),
    [("2021-01-01/P1Y", "2021"), ("2021-04-01/P3M", "2021Q2"), ("2021-07-01/P1Y", "2021July")],
)
def test_adx_periods_name_the_dhis2_period(adx, ident):
    assert adx_period_parse(adx).id == ident


@pytest.mark.parametrize(("ident", "kind"), [("2021W5", "Weekly"), ("2021Q1", "Quarterly")])
def test_a_value_for_a_period_of_another_type_is_refused_with_the_type(world, figures, ident, kind):
    value = _value()
    value["period"] = ident

    summary = import_bytes(world.district_clerk, _json(value))

    assert summary.rejected == 1
    assert kind in summary.rejections[0].reason


def test_the_preview_shows_unit_period_and_form(world, figures):
    summary = import_bytes(
        world.district_clerk,
        _json(_value(value="5"), _value("members", "121", categoryOptionCombo="hnd")),
        dry_run=True,
    )

    forms = {(f.data_set, f.unit, f.unit_name, f.option, f.period) for f in summary.forms}
    assert forms == {
        ("nq06-unit", "01101", "Xã Một A", "", "2021"),
        ("nq06-org", "01101", "Xã Một A", "hnd", "2021"),
    }


def test_an_unusual_value_is_flagged_in_the_preview(world, figures):
    from danvan.datasets.models import DataElement
    from danvan.datasets.queries import EntryForm, period_get
    from danvan.datasets.services import data_value_save

    element = DataElement.objects.get(code="dialogues")
    for year in ("2017", "2018", "2019", "2020"):
        form = EntryForm(figures["unit_form"].data_set, world.commune_one_a, None, period_get(year))
        data_value_save(actor=world.district_clerk, form=form, element=element, raw="4")

    summary = import_bytes(world.district_clerk, _json(_value(value="400")), dry_run=True)

    assert summary.outliers == 1
    finding = next(f for f in summary.findings if f.severity == "outlier")
    assert finding.rule == "dialogues" and finding.unit == "01101"
