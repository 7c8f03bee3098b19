"""Figures carried across hierarchy versions through the succession shares."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from danvan.datasets.models import DataValue
from danvan.geography.carrying import carry_links_rebuild, share_warnings, succession_share_set
from danvan.geography.models import (
    AdministrativeUnit,
    HierarchyVersion,
    SuccessionShareChange,
    UnitSuccession,
)
from danvan.indicators.models import Indicator, IndicatorPart, Resolution
from danvan.indicators.sums import Change, sums_apply_changes, sums_differences, sums_rebuild
from danvan.indicators.tests.helpers import put, result

Kind, Level = AdministrativeUnit.Kind, AdministrativeUnit.Level
REFORM = datetime.date(2025, 7, 1)


@pytest.fixture
def reform(world, catalogue):
    """The small world's communes after a two-level reform: Xã Mới X takes all of Xã Một A
    and half of Xã Một B; Xã Mới Y the other half of Một B and all of Zeta Một."""
    version = HierarchyVersion.objects.create(
        code="vn-2025", name="Từ 01/7/2025", valid_from=REFORM, has_district_level=False
    )

    def unit(code, name, kind, level, parent=None):
        return AdministrativeUnit.objects.create(
            version=version, code=code, name=name, kind=kind, level=level, parent=parent,
            valid_from=REFORM,
        )  # fmt: skip

    city = unit("92", "Thành phố Mới", Kind.CITY, Level.PROVINCE)
    x = unit("92001", "Xã Mới X", Kind.COMMUNE, Level.COMMUNE, city)
    y = unit("92002", "Xã Mới Y", Kind.COMMUNE, Level.COMMUNE, city)

    def link(old, new, share, basis=UnitSuccession.ShareBasis.WHOLE):
        return UnitSuccession.objects.create(
            predecessor=old, successor=new, share=Decimal(share), share_basis=basis,
            is_partial=share != "1", effective_date=REFORM,
        )  # fmt: skip

    equal = UnitSuccession.ShareBasis.EQUAL
    link(world.province, city, "1")
    link(world.commune_one_a, x, "1")
    split_x = link(world.commune_one_b, x, "0.5", equal)
    link(world.commune_one_b, y, "0.5", equal)
    link(world.commune_two_a, y, "1")
    carry_links_rebuild()
    resolution = Resolution.objects.create(
        number="02-NQ/TU", issued_on="2025-09-01", issuing_body="BCH", title="thử",
        term_start=2016, term_end=2030, scope_unit=city, basis=Resolution.Basis.ENTERED,
    )  # fmt: skip
    indicator = Indicator.objects.create(resolution=resolution, number=1, name="Chỉ tiêu")
    IndicatorPart.objects.create(
        indicator=indicator, code="studied", name="Học tập", level=3,
        numerator="#{members_studied}", denominator="#{members}", factor=100,
    )  # fmt: skip
    IndicatorPart.objects.create(
        indicator=indicator, code="members", name="Hội viên", level=3, numerator="#{members}"
    )
    for commune, members, studied in (
        (world.commune_one_a, 100, 90),
        (world.commune_one_b, 200, 100),
        (world.commune_two_a, 400, 300),
    ):
        put(commune, "members", "2021", members, "hnd")
        put(commune, "members_studied", "2021", studied, "hnd")

    class Reform:
        pass

    r = Reform()
    r.city, r.x, r.y, r.split_x, r.resolution = city, x, y, split_x, resolution
    return r


def test_carrying_is_conservative_a_summed_figure_over_the_new_units_equals_the_old(reform):
    x = result(reform.resolution, "members", reform.x, "2021")
    y = result(reform.resolution, "members", reform.y, "2021")
    city = result(reform.resolution, "members", reform.city, "2021")

    assert (x.value, y.value) == (200, 500)  # 100 + ½·200, ½·200 + 400
    assert x.value + y.value == city.value == 700
    assert sums_differences() == []


def test_a_rate_after_carrying_is_carried_numerator_over_carried_denominator(reform):
    x = result(reform.resolution, "studied", reform.x, "2021")

    assert (x.numerator, x.denominator) == (140, 200)  # 90 + 50 over 100 + 100
    assert x.value == 70  # not the average of 90 % and 50 %


def test_a_figure_through_an_estimated_share_is_marked_and_a_whole_one_is_not(reform, world):
    assert result(reform.resolution, "members", reform.x, "2021").estimated
    assert result(reform.resolution, "members", reform.city, "2021").estimated

    UnitSuccession.objects.filter(predecessor=world.commune_one_b).update(
        share_basis=UnitSuccession.ShareBasis.HOUSEHOLDS
    )
    carry_links_rebuild()
    sums_rebuild()

    assert not result(reform.resolution, "members", reform.x, "2021").estimated


def test_a_changed_share_re_carries_exactly_the_history_it_touches(reform, world):
    warnings = succession_share_set(
        actor=world.province_admin,
        succession=reform.split_x,
        share=Decimal("0.7"),
        basis=UnitSuccession.ShareBasis.HOUSEHOLDS,
        note="Theo số hộ",
    )

    assert result(reform.resolution, "members", reform.x, "2021").value == 240  # 100 + 0,7·200
    assert result(reform.resolution, "members", reform.y, "2021").value == 500  # unchanged
    assert sums_differences() == []
    change = SuccessionShareChange.objects.get()
    assert (change.old_share, change.new_share, change.user) == (
        Decimal("0.5"),
        Decimal("0.7"),
        world.province_admin,
    )
    assert warnings and "1.2000" in warnings[0]  # 0,7 + 0,5: figures counted twice


def test_a_carried_share_that_needs_rounding_stays_equal_to_a_rebuild(reform, world):
    # 1,5 × 0,3333 = 0,49995: a sum kept at four decimals holds each carried contribution
    # rounded once, so the check finds nothing and a save by difference lands where a
    # rebuild does.
    UnitSuccession.objects.filter(pk=reform.split_x.pk).update(
        share=Decimal("0.3333"), share_basis=UnitSuccession.ShareBasis.HOUSEHOLDS
    )
    carry_links_rebuild()
    sums_rebuild()
    stored = put(world.commune_one_b, "members", "2022", "1.5")
    assert sums_differences() == []
    assert result(reform.resolution, "members", reform.x, "2022").value.quantize(
        Decimal("0.001")
    ) == Decimal("0.500")

    for old, new in (("1.5", "2.6"), ("2.6", "0.15")):
        DataValue.objects.filter(pk=stored.pk).update(value=Decimal(new))
        change = Change(
            world.commune_one_b.pk, "2022", stored.element_id, None, Decimal(old), Decimal(new)
        )
        sums_apply_changes([change])
        assert sums_differences() == []
        kept = result(reform.resolution, "members", reform.x, "2022").value
        sums_rebuild()
        assert result(reform.resolution, "members", reform.x, "2022").value == kept


def test_shares_that_do_not_add_up_say_what_is_missing(reform, world):
    UnitSuccession.objects.filter(predecessor=world.commune_one_b, successor=reform.y).update(
        share=Decimal("0.3")
    )

    (warning,) = share_warnings(world.commune_one_b)

    assert "0.8000" in warning and "0.2000" in warning


def test_a_share_outside_0_to_1_is_refused_and_nothing_is_written(reform, world):
    with pytest.raises(ValidationError, match="từ 0 đến 1"):
        succession_share_set(
            actor=world.province_admin, succession=reform.split_x, share=Decimal("1.5"),
            basis=UnitSuccession.ShareBasis.AREA,
        )  # fmt: skip

    assert not SuccessionShareChange.objects.exists()
    assert result(reform.resolution, "members", reform.x, "2021").value == 200


def test_a_succession_loop_is_refused_naming_the_units(reform, world):
    UnitSuccession.objects.create(
        predecessor=reform.x, successor=world.commune_one_a, effective_date=REFORM
    )

    with pytest.raises(ValidationError, match="vòng lặp"):
        carry_links_rebuild()


def test_a_share_edited_in_the_admin_is_audited_and_re_carried(reform, world, client):
    from danvan.accounts.models import User

    # Both ends must be in the editor's scope: here a national administrator.
    board = User.objects.create_superuser("board", password="pw-for-tests-1")
    client.force_login(board)
    url = f"/admin/geography/unitsuccession/{reform.split_x.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200

    response = client.post(
        url,
        {
            "predecessor": world.commune_one_b.pk,
            "successor": reform.x.pk,
            "share": "0.4",
            "share_basis": "population",
            "share_note": "Theo dân số 2024",
            "is_main_successor": "on",
            "effective_date": "2025-07-01",
            "source": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    change = SuccessionShareChange.objects.get()
    assert (change.new_share, change.new_basis, change.user) == (
        Decimal("0.4"),
        "population",
        board,
    )
    assert result(reform.resolution, "members", reform.x, "2021").value == 180  # 100 + 0,4·200
    assert sums_differences() == []


def test_the_drill_down_shows_the_old_units_and_shares_a_carried_figure_came_from(
    reform, world, client
):
    from danvan.accounts.models import User

    board = User.objects.create_superuser("board", password="pw-for-tests-1")
    client.force_login(board)

    body = client.get(
        f"/indicators/{reform.resolution.slug}/sources/members/",
        {"unit": reform.x.pk, "period": "2021"},
    ).content.decode()

    assert "Xã Một A" in body and "Xã Một B" in body and "Zeta" not in body
    assert "Xã Mới X × 0,5000" in body and "Xã Mới X × 1,0000" in body
