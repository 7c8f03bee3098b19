"""Imports at the write floor: staged, merged set-based, audited and summed from the same
rows; refused whole when a sum would turn negative or a figure changed meanwhile; an
interruption leaves values, audit and sums as they were."""

from __future__ import annotations

from decimal import Decimal

import pytest

from danvan.datasets.tests.exchange_helpers import figures, import_bytes, snapshot

__all__ = ["figures"]

HEADER = "dataelement,period,orgunit,categoryoptioncombo,value,comment\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(f"{r}\n" for r in rows)).encode()


def _sums():  # type: ignore[no-untyped-def]
    from danvan.indicators.models import ElementSum

    return sorted(
        ElementSum.objects.values_list(
            "unit_id", "level", "period_id", "element_id", "option", "entered_total",
            "entered_count",
        )
    )  # fmt: skip


def test_every_checked_row_is_staged_whatever_the_rows_per_statement(world, figures, monkeypatch):
    """SQLite stages several rows to a statement: five rows two at a time are three
    statements, the last with one row; none may be left behind."""
    from danvan.datasets.exchange import pipeline
    from danvan.datasets.models import DataValue
    from danvan.indicators.sums import sums_differences

    monkeypatch.setattr(pipeline._Stage, "ROWS_PER_INSERT", 2)
    years = ("2017", "2018", "2019", "2020", "2021")
    summary = import_bytes(
        world.district_clerk, _csv(*(f"members_new,{year},01101,hnd,{year[-1]}," for year in years))
    )

    assert summary.applied, summary.rejections
    assert summary.new == 5
    written = DataValue.objects.filter(element__code="members_new", unit=world.commune_one_a)
    assert sorted(written.values_list("period_id", "value")) == [
        (year, Decimal(year[-1])) for year in years
    ]
    assert sums_differences() == []


def test_an_import_writes_values_audit_and_sums_from_the_same_rows(world, figures):
    from danvan.datasets.models import DataValue, DataValueAudit
    from danvan.indicators.sums import sums_differences

    summary = import_bytes(
        world.district_clerk,
        _csv(
            "members,2021,01101,hnd,130,",  # changed (was 120)
            "members_studied,2021,01101,hnd,100,",  # unchanged
            "members_new,2021,01101,hnd,7,mới",  # new
            "works,2021,01101,hnd,,",  # blank: skipped
        ),
    )

    assert summary.applied, summary.rejections
    assert (summary.new, summary.changed, summary.unchanged) == (1, 1, 1)
    members = DataValue.objects.get(element__code="members", unit=world.commune_one_a)
    assert (members.value, members.revision) == (Decimal(130), 2)
    new = DataValue.objects.get(element__code="members_new", unit=world.commune_one_a)
    assert (new.value, new.comment, new.revision, new.source) == (Decimal(7), "mới", 1, "imported")
    audits = DataValueAudit.objects.filter(source="imported").order_by("element__code")
    assert [(a.element.code, a.action, a.old_value, a.new_value) for a in audits] == [
        ("members", "update", Decimal(120), Decimal(130)),
        ("members_new", "create", None, Decimal(7)),
    ]
    assert sums_differences() == []


def test_an_import_deletes_through_the_same_merge(world, figures):
    from danvan.datasets.models import DataValue, DataValueAudit
    from danvan.indicators.sums import sums_differences

    summary = import_bytes(
        world.district_clerk,
        b"dataelement,period,orgunit,categoryoptioncombo,value,deleted\n"
        b"works,2021,01101,hnd,,true\n",
    )

    assert summary.applied and summary.deleted == 1
    assert not DataValue.objects.filter(element__code="works").exists()
    audit = DataValueAudit.objects.get(source="imported")
    assert (audit.action, audit.old_value, audit.new_value) == ("delete", Decimal(3), None)
    assert sums_differences() == []


def test_a_sum_that_would_turn_negative_refuses_the_file(world, figures):
    from danvan.datasets.models import DataElement
    from danvan.indicators.models import ElementSum

    # The kept sums are out of step: the district's total of members lost the commune's 120.
    members = DataElement.objects.get(code="members")
    assert ElementSum.objects.filter(unit=world.district_one, element_id=members.pk).update(
        entered_total=0
    )
    before, sums_before = snapshot(), _sums()

    summary = import_bytes(world.district_clerk, _csv("members,2021,01101,hnd,100,"))

    assert not summary.applied
    assert summary.file_error_code == "negative_sum"
    assert "members" in summary.file_error and "check_sums" in summary.file_error
    assert world.district_one.name in summary.file_error
    assert snapshot() == before and _sums() == sums_before


def test_a_negative_sum_is_found_whichever_batch_of_written_sums_it_is_in(
    world, figures, monkeypatch
):
    # SQLite reads back the sums an import wrote a batch at a time: one row per batch
    # here, and the negative one among several written in the same statement.
    from danvan.datasets.models import DataElement
    from danvan.indicators import sums
    from danvan.indicators.models import ElementSum

    monkeypatch.setattr(sums, "_RETURNED_BATCH", 1)
    members = DataElement.objects.get(code="members")
    assert ElementSum.objects.filter(unit=world.district_one, element_id=members.pk).update(
        entered_total=0
    )
    before = snapshot()

    summary = import_bytes(
        world.district_clerk,
        _csv(
            "members_new,2021,01101,hnd,7,",
            "members_new,2021,01102,hnd,8,",
            "members,2021,01101,hnd,100,",
            "works,2021,01102,hnd,4,",
        ),
    )

    assert summary.file_error_code == "negative_sum", summary.rejections
    assert snapshot() == before


@pytest.mark.parametrize("where", ["merge", "sums_apply_staged"])
def test_an_import_interrupted_halfway_leaves_values_audit_and_sums_consistent(
    world, figures, monkeypatch, where
):
    from danvan.datasets.exchange import pipeline
    from danvan.indicators.sums import sums_differences

    owner = pipeline._Stage if where == "merge" else pipeline
    real = getattr(owner, where)

    def interrupted(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)  # the writes happen, then the process fails
        raise RuntimeError("interrupted")

    monkeypatch.setattr(owner, where, interrupted)
    before, sums_before = snapshot(), _sums()

    with pytest.raises(RuntimeError, match="interrupted"):
        import_bytes(
            world.district_clerk,
            _csv("members,2021,01101,hnd,130,", "members_new,2021,01101,hnd,7,"),
        )

    assert snapshot() == before
    assert _sums() == sums_before
    assert sums_differences() == []


def test_duplicates_are_found_in_the_staging_table_across_chunks(world, figures, monkeypatch):
    from danvan.datasets.exchange import pipeline

    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 1)

    summary = import_bytes(
        world.district_clerk,
        _csv(
            "members_new,2021,01101,hnd,5,",
            "works,2021,01101,hnd,4,",
            "members_new,2021,01101,hnd,5,",  # the same value again: unchanged
            "members_new,2021,01101,hnd,6,",  # another value: rejected, naming row 2
        ),
    )

    assert [(r.line, r.code) for r in summary.rejections] == [(5, "duplicate")]
    assert "2" in summary.rejections[0].reason
    assert summary.unchanged == 1


def test_a_preview_writes_nothing_and_a_second_import_starts_a_fresh_stage(world, figures):
    before = snapshot()

    preview = import_bytes(world.district_clerk, _csv("members,2021,01101,hnd,130,"), dry_run=True)
    applied = import_bytes(world.district_clerk, _csv("members,2021,01101,hnd,130,"))
    again = import_bytes(world.district_clerk, _csv("members,2021,01101,hnd,130,"))

    assert preview.changed == 1 and not preview.applied
    assert applied.applied and applied.changed == 1
    assert again.applied and (again.changed, again.unchanged) == (0, 1)
    assert snapshot()[1] == before[1] + 1


def _save_meanwhile(world, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Another write, between the chunk's read and the merge: it changes or deletes a
    stored figure, or creates the one the file brings as new."""
    from django.db.models import F

    from danvan.datasets.models import DataElement, DataValue
    from danvan.organizations.models import OrganizationType

    if kind == "changed":
        DataValue.objects.filter(element__code="members").update(
            value=125, revision=F("revision") + 1
        )
    elif kind == "deleted":
        DataValue.objects.filter(element__code="members").delete()
    else:
        DataValue.objects.create(
            element=DataElement.objects.get(code="members_new"),
            organization_type=OrganizationType.objects.get(code="hnd"),
            unit=world.commune_one_a,
            period_id="2021",
            value=3,
        )


@pytest.mark.parametrize(
    ("kind", "row"),
    [
        ("changed", "members,2021,01101,hnd,130,"),
        ("created", "members_new,2021,01101,hnd,7,"),
        ("changed", "members,2021,01101,hnd,,true"),  # the file deletes what was changed
        ("deleted", "members,2021,01101,hnd,130,"),  # the file changes what was deleted
    ],
)
def test_a_figure_written_while_the_file_is_imported_refuses_it(
    world, figures, monkeypatch, kind, row
):  # type: ignore[no-untyped-def]
    from danvan.datasets.exchange import pipeline

    real = pipeline._Stage.merge

    def with_a_concurrent_save(stage):  # type: ignore[no-untyped-def]
        _save_meanwhile(world, kind)
        real(stage)

    monkeypatch.setattr(pipeline._Stage, "merge", with_a_concurrent_save)
    before = snapshot()

    header = HEADER.replace("comment", "deleted") if row.endswith("true") else HEADER
    summary = import_bytes(world.district_clerk, f"{header}{row}\n".encode())

    assert summary.file_error_code == "conflict"
    assert not summary.applied
    assert snapshot() == before


def test_units_looked_up_are_bounded_and_checked_again_after(world, figures, monkeypatch):
    # Two rows per chunk and one unit held: a chunk naming a unit not yet looked up
    # starts the lookups afresh, the units it shares with the chunk before included.
    from danvan.datasets.exchange import pipeline
    from danvan.datasets.models import DataValue

    monkeypatch.setattr(pipeline, "CHUNK_SIZE", 2)
    monkeypatch.setattr(pipeline, "UNITS_HELD", 1)

    refused = import_bytes(
        world.district_clerk,
        _csv(
            "members_new,2021,01101,hnd,7,",
            "members_new,2021,01102,hnd,8,",
            "members,2021,01101,hnd,130,",  # held from the chunk before
            "members_new,2021,01201,hnd,9,",  # another district's commune
        ),
    )
    assert not refused.applied
    assert [(r.line, r.code) for r in refused.rejections] == [(5, "out_of_scope")]

    summary = import_bytes(
        world.district_clerk,
        _csv(
            "members_new,2021,01101,hnd,7,",
            "members_new,2021,01102,hnd,8,",
            "members_new,2021,01101,hnd,7,",  # the first figure again, after eviction
        ),
    )
    assert summary.applied, summary.rejections
    assert (summary.new, summary.unchanged) == (2, 1)
    stored = DataValue.objects.filter(element__code="members_new", organization_type__code="hnd")
    assert sorted((v.unit.code, v.value) for v in stored) == [
        ("01101", Decimal(7)),
        ("01102", Decimal(8)),
    ]


def test_a_figure_text_read_once_is_still_checked_for_each_element(world, figures):
    """Each figure's text is parsed once and reused (`_Context.parsed`), by element: 1.5
    is a decimal member count here, and still not a whole count of members."""
    from danvan.datasets.models import DataElement

    DataElement.objects.filter(code="members_new").update(value_type="decimal")
    summary = import_bytes(
        world.district_clerk,
        _csv("members_new,2021,01101,hnd,1.5,", "members,2021,01101,hnd,1.5,"),
        dry_run=True,
    )

    assert [(r.line, r.code) for r in summary.rejections] == [(3, "invalid_value")]
    assert summary.rejections[0].reason in (
        "This figure is a whole number: no decimals.",
        "Chỉ số này là số nguyên, không có phần thập phân.",
    )
