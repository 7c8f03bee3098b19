"""06-NQ/TU across the 2025 reform: the ten-year review of the former Hậu Giang, presented
in the new Cần Thơ's units (issue 12, items 1, 5 and 7)."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from danvan.datasets.models import DataValue, Period
from danvan.geography.models import AdministrativeUnit, UnitCarry
from danvan.geography.territory import TerritoryError, territory_of
from danvan.indicators.engine import Status
from danvan.indicators.models import IndicatorPart, Resolution
from danvan.indicators.results import results_read
from danvan.reports.exporter import ReportError, report_build

pytestmark = pytest.mark.django_db

BASIS = Resolution.Basis.ENTERED


@pytest.fixture
def resolution(province):
    return Resolution.objects.get(number="06-NQ/TU")


@pytest.fixture
def city(province):
    return AdministrativeUnit.objects.get(version__code="vn-2025", code="92")


@pytest.fixture
def review(resolution, city):
    return report_build(
        resolution=resolution,
        unit=city,
        period=Period.objects.get(id="2026"),
        baseline=Period.objects.get(id="2016"),
        basis=BASIS,
        charts=False,
    )


def _rows(review, code):
    return next(row for row in review.annex if code in row.parts)


def test_the_new_communes_that_took_over_hau_giang_make_its_territory(province, city):
    area = territory_of(province, city)
    expected = set(
        UnitCarry.objects.filter(
            source__version=province.version,
            source__path__startswith=province.path,
            target__level=3,
        ).values_list("target_id", flat=True)
    )

    assert area.is_carried
    assert {u.pk for u in area.takers} == expected
    assert all(u.version_id == city.version_id for u in area.takers)
    # Communes that also took over land of another old province are named.
    for unit in area.partly_outside:
        sources = UnitCarry.objects.filter(target=unit).values_list("source__path", flat=True)
        assert any(not path.startswith(province.path) for path in sources)


def test_a_unit_with_no_share_of_the_territory_is_refused_naming_it(province):
    soc_trang = AdministrativeUnit.objects.get(version__code="vn-legacy", code="94")
    with pytest.raises(TerritoryError, match="Sóc Trăng"):
        territory_of(province, soc_trang)


def test_before_the_reform_the_territory_reads_the_old_province_exactly(resolution, province, city):
    area = territory_of(province, city)
    parts = list(IndicatorPart.objects.filter(indicator__resolution=resolution))
    old = results_read(resolution, units=[province], period_ids=["2016", "2021"], basis=BASIS)
    new = results_read(
        resolution, units=[city], period_ids=["2016", "2021"], basis=BASIS, territory=area
    )

    def key(rows):
        return {(r.part.code, r.period_id): (r.numerator, r.denominator) for r in rows}

    assert len(new) == len(parts) * 2
    assert key(new) == key(old)


def test_after_the_reform_the_territory_is_its_new_communes_and_the_city(
    resolution, province, city
):
    area = territory_of(province, city)
    rows = {
        r.part.code: r
        for r in results_read(
            resolution, units=[city], period_ids=["2026"], basis=BASIS, territory=area
        )
    }
    households = DataValue.objects.filter(
        unit__in=area.takers, period_id="2026", element__code="households"
    ).aggregate(total=Sum("value"))["total"]
    heads = DataValue.objects.filter(
        unit=city, period_id="2026", element__code="cadre_heads"
    ).aggregate(total=Sum("value"))["total"]

    assert households and rows["households-with-member"].denominator == Decimal(households)
    assert heads and rows["province-political"].denominator == Decimal(heads)


def test_no_district_part_is_judged_after_30_6_2025(resolution, province, city):
    area = territory_of(province, city)
    rows = results_read(
        resolution, units=[city], period_ids=["2024", "2025", "2026"], basis=BASIS, territory=area
    )
    district = [r for r in rows if r.part.level == 2]

    assert {r.period_id for r in district if r.status == Status.NOT_APPLICABLE} == {
        "2025",
        "2026",
    }
    assert all(r.value is not None for r in district if r.period_id == "2024")


def test_the_ten_year_review_names_the_former_territory_and_the_end_of_districts(review):
    assert review.subject.startswith("Tổng kết 10 năm thực hiện Nghị quyết số 06-NQ/TU")
    assert review.profile.issuer == "THÀNH ỦY CẦN THƠ"
    assert "trên địa bàn tỉnh Hậu Giang (cũ)" in review.intro
    # The resolution's own issuer never changes.
    assert "ĐẢNG BỘ TỈNH HẬU GIANG KHÓA XIII" in " ".join(review.annex_title)
    district = _rows(review, "district-political")
    assert "- Về trình độ chính trị: không còn cấp huyện từ 01/7/2025." in district.result
    assert not any("district" in line for line in review.missing)
    assert all("chưa có số liệu" not in line for line in district.result)


def test_the_ten_year_review_shows_2016_2021_and_2026_side_by_side(review):
    assert review.midterm is not None and review.midterm.id == "2021"
    assert review.midterm_column == "Sơ kết 5 năm (năm 2021)"
    row = _rows(review, "households-with-member")
    # 2016 and 2021 are the seed's Hậu Giang figures (annex of the 5-year review).
    assert row.before == [
        "Số hộ có đoàn viên, hội viên các đoàn thể chính trị - xã hội: 138.738/192.318 hộ, "
        "chiếm tỷ lệ 72,14%."
    ]
    assert row.midterm == [
        "Số hộ có đoàn viên, hội viên các đoàn thể chính trị - xã hội: 166.573/199.274 hộ, "
        "chiếm tỷ lệ 83,59%."
    ]
    assert row.result and row.result != row.midterm


def test_the_narrative_reads_the_territory_not_the_whole_city(review, province, city):
    area = review.territory
    situation = next(b.text for b in review.body if "nay thuộc" in b.text)
    assert f"nay thuộc {len(area.takers)} xã, phường của thành phố Cần Thơ" in situation


def test_the_ten_year_review_docx_has_the_mid_term_column(resolution, tmp_path, province):
    import docx

    out = tmp_path / "tong-ket.docx"
    call_command(
        "make_report",
        resolution="06-NQ/TU",
        unit="92",
        period="2026",
        baseline="2016",
        basis=BASIS,
        output=out,
        no_charts=True,
    )
    table = next(
        t for t in docx.Document(str(out)).tables if t.rows[0].cells[0].text.strip() == "STT"
    )
    header = [c.text for c in table.rows[0].cells]
    assert header[2:5] == [
        "Trước khi có Nghị quyết",
        "Sơ kết 5 năm (năm 2021)",
        "Kết quả thực hiện",
    ]
    assert "83,59%" in table.rows[4].cells[3].text


def test_a_report_on_hau_giang_for_2026_is_refused_naming_its_successor(province):
    with pytest.raises(CommandError, match="Thành phố Cần Thơ"):
        call_command(
            "make_report",
            resolution="06-NQ/TU",
            unit="93",
            period="2026",
            output="/dev/null",
        )


def test_a_mid_term_outside_the_review_is_refused(resolution, city):
    with pytest.raises(ReportError, match="giữa"):
        report_build(
            resolution=resolution,
            unit=city,
            period=Period.objects.get(id="2021"),
            baseline=Period.objects.get(id="2016"),
            midterm=Period.objects.get(id="2024"),
            basis=BASIS,
            charts=False,
        )


def test_the_city_board_sees_06_nq_tu_on_its_territory_before_and_after_the_reform(
    client, province, city
):
    from django.urls import reverse

    from danvan.accounts.models import User

    client.force_login(User.objects.get(username="cantho.analyst"))
    listed = client.get(reverse("indicators:list"))
    assert "06-NQ/TU" in listed.content.decode()

    page = client.get(
        reverse("indicators:dashboard", args=["06-NQ-TU"]),
        {"period": "2026", "basis": BASIS, "part": "households-with-member"},
    )
    assert page.status_code == 200
    text = page.content.decode()
    area = territory_of(province, city)
    assert f"{len(area.takers)} xã, phường" in text or f"{len(area.takers)} communes" in text
    cards = page.context["blocks"]
    households = next(c for b in cards for c in b.cards if c.part.code == "households-with-member")
    assert households.before_reform.period_id == "2024"
    assert households.after_reform.period_id == "2026"
    ranked = {r.unit_id for r in page.context["ranked"]}
    assert ranked and ranked <= {u.pk for u in area.takers}
    district = next(c for b in cards for c in b.cards if c.part.code == "district-political")
    assert district.not_applicable == "không còn cấp huyện từ 01/7/2025"
    assert "Không còn cấp huyện từ 01/7/2025" in text
    # The city's own bodies: one reporting unit, the city itself (not old Cần Thơ too).
    city_card = next(c for b in cards for c in b.cards if c.part.code == "province-political")
    assert city_card.result.coverage.units_expected == 1


def test_a_commune_of_old_soc_trang_does_not_see_06_nq_tu(client, province):
    from danvan.accounts.access import resolutions_visible_to
    from danvan.accounts.models import User

    area = territory_of(
        province, AdministrativeUnit.objects.get(version__code="vn-2025", code="92")
    )
    taken = {u.pk for u in area.takers}
    outside = (
        AdministrativeUnit.objects.filter(version__code="vn-2025", level=3)
        .exclude(pk__in=taken)
        .first()
    )
    user = User.objects.create_user(username="st.commune", password="x", home_unit=outside)
    inside = User.objects.create_user(username="hg.commune", password="x", home_unit=area.takers[0])

    assert not resolutions_visible_to(user).filter(number="06-NQ/TU").exists()
    assert resolutions_visible_to(inside).filter(number="06-NQ/TU").exists()


def test_the_city_wide_demo_resolution_reads_the_three_old_provinces_before_the_reform(
    province, city
):
    """M01-NQ/TU (a demo document) is issued for the new city: its baseline 2024 is the
    three old provinces' figures carried through the succession links."""
    m01 = Resolution.objects.get(number="M01-NQ/TU")
    rows = {
        r.part.code: r
        for r in results_read(m01, units=[city], period_ids=["2024", "2026"], basis=BASIS)
        if r.period_id == "2024"
    }
    old = DataValue.objects.filter(
        unit__version__code="vn-legacy", unit__level=3, period_id="2024", element__code="households"
    ).aggregate(total=Sum("value"))["total"]
    carried = rows["households-with-member"].denominator

    assert m01.scope_unit == city
    assert carried is not None and old
    # Equal shares are stored with four decimals: conservative to within a ten-thousandth.
    assert abs(carried - Decimal(old)) <= Decimal(old) / 10_000
    assert not any(
        part.level == 2 for part in IndicatorPart.objects.filter(indicator__resolution=m01)
    )


def test_the_api_gives_the_territory_at_the_city_and_the_communes_that_took_it_over(
    client, province, city
):
    from danvan.accounts.models import User

    client.force_login(User.objects.get(username="cantho.analyst"))
    answer = client.get(
        "/api/indicators/results",
        {
            "resolution": "06-NQ-TU",
            "period": "2026",
            "unit": "92",
            "children": "true",
            "basis": BASIS,
        },
    )
    assert answer.status_code == 200, answer.content
    rows = answer.json()
    area = territory_of(province, city)
    at_city = next(
        r for r in rows if r["unit_code"] == "92" and r["part"] == "households-with-member"
    )
    households = DataValue.objects.filter(
        unit__in=area.takers, period_id="2026", element__code="households"
    ).aggregate(total=Sum("value"))["total"]
    assert Decimal(at_city["denominator"]) == Decimal(households)
    assert {r["unit_code"] for r in rows} - {"92"} <= {u.code for u in area.takers}
    district = [r for r in rows if r["part"] == "district-political"]
    assert district and {r["status"] for r in district} == {Status.NOT_APPLICABLE}


def test_the_drill_down_of_a_carried_figure_lists_the_old_units_and_their_shares(
    client, province, city
):
    from django.urls import reverse

    from danvan.accounts.models import User

    client.force_login(User.objects.get(username="cantho.analyst"))
    page = client.get(
        reverse("indicators:sources", args=["06-NQ-TU", "households-with-member"]),
        {"unit": city.pk, "period": "2016"},
    )
    assert page.status_code == 200
    rows = list(page.context["page"].paginator.object_list)
    assert rows and all(r.carried_to is not None and r.share is not None for r in rows)
    # Only Hậu Giang's old communes: the figure is the former province's.
    assert all(r.value.unit.path.startswith(province.path) for r in rows)
    total = sum(r.value.value for r in rows if r.value.element.code == "households")
    seed = DataValue.objects.filter(
        unit__version=province.version,
        unit__path__startswith=province.path,
        unit__level=3,
        period_id="2016",
        element__code="households",
    ).aggregate(total=Sum("value"))["total"]
    # A split commune appears once per new unit it went to, each with its share.
    shared = sum(r.value.value * r.share for r in rows if r.value.element.code == "households")
    assert total >= seed and abs(shared - seed) <= Decimal(seed) / 10_000


def test_a_new_commune_presents_only_its_own_share_of_the_history(province, city, resolution):
    """A commune that took over part of Hậu Giang: before the reform its figures are those
    carried to it from the old communes it took over, never the whole old province's."""
    area = territory_of(province, city)
    commune = next(u for u in area.takers if u not in area.partly_outside)
    part = territory_of(province, commune)
    rows = {
        (r.part.code, r.period_id): r
        for r in results_read(
            resolution, units=[commune], period_ids=["2016", "2026"], basis=BASIS, territory=part
        )
    }
    carried = results_read(resolution, units=[commune], period_ids=["2016"], basis=BASIS)
    own = {r.part.code: r for r in carried}
    whole = {
        r.part.code: r
        for r in results_read(resolution, units=[province], period_ids=["2016"], basis=BASIS)
    }

    assert not part.whole and part.took_over
    code = "households-with-member"
    assert rows[(code, "2016")].denominator == own[code].denominator
    assert rows[(code, "2016")].denominator < whole[code].denominator
    assert rows[(code, "2026")].denominator is not None
