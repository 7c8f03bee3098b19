"""Loading a resolution from YAML: the target rule and the parts that decide an indicator."""

from pathlib import Path

import pytest
import yaml

from danvan.indicators.definitions import DefinitionError, resolution_load
from danvan.indicators.models import Indicator, IndicatorPart, Resolution

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[3] / "resolutions" / "06-NQ-TU.yaml"


@pytest.fixture
def definition(world, catalogue, tmp_path):  # type: ignore[no-untyped-def]
    """The 06-NQ/TU definition for the canonical world's province, to edit and load."""
    data = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))
    data["resolution"]["unit"]["code"] = world.province.code

    def load(data=data):  # type: ignore[no-untyped-def]
        path = tmp_path / "06-NQ-TU.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return resolution_load(path)

    load.data = data  # type: ignore[attr-defined]
    return load


def indicator(data, number):  # type: ignore[no-untyped-def]
    return next(i for i in data["indicators"] if i["number"] == number)


def test_the_seeds_reading_is_loaded_as_data(definition):
    resolution = definition()

    assert resolution.target_rule == Resolution.TargetRule.UPCOMING
    equipment = resolution.indicators.get(number=4)
    assert equipment.status_rule == Indicator.StatusRule.BASELINE
    assert equipment.met_text == "Đảm bảo trang thiết bị làm việc"
    first = resolution.indicators.get(number=1)
    assert sorted(first.parts.filter(decides=False).values_list("code", flat=True)) == [
        "commune-political",
        "commune-professional",
    ]
    transfers = IndicatorPart.objects.get(
        indicator__resolution=resolution, code="transfers-province"
    )
    assert (transfers.detail_numerator, transfers.detail_label) == (
        "#{transfers_in_leaders}",
        "đồng chí giữ chức vụ lãnh đạo",
    )
    assert IndicatorPart.objects.get(code="strong-grassroots").show_previous_year


def test_a_resolution_may_choose_the_reached_rule(definition):
    definition.data["resolution"]["target_rule"] = "reached"

    assert definition().target_rule == Resolution.TargetRule.REACHED


def test_an_unknown_target_rule_is_refused_naming_it_and_nothing_is_written(definition):
    definition.data["resolution"]["target_rule"] = "nearest"

    with pytest.raises(DefinitionError, match="unknown target rule 'nearest'"):
        definition()

    assert not Resolution.objects.exists()


def test_an_indicator_with_no_deciding_part_is_refused_naming_it(definition):
    indicator(definition.data, 3)["status"] = {"decided_by": []}

    with pytest.raises(DefinitionError, match="indicator 3: no part decides"):
        definition()

    assert not Resolution.objects.exists()


def test_a_deciding_part_the_indicator_lacks_is_refused_naming_it(definition):
    indicator(definition.data, 2)["status"] = {"decided_by": ["households-with-member", "nope"]}

    with pytest.raises(DefinitionError, match=r"indicator 2: .*\['nope'\]"):
        definition()

    assert not Resolution.objects.exists()


def test_a_qualitative_indicator_needs_a_stated_rule(definition):
    indicator(definition.data, 4)["status"] = {"decided_by": "all"}

    with pytest.raises(DefinitionError, match="indicator 4: no deciding part has a target"):
        definition()

    assert not Resolution.objects.exists()


def test_an_unknown_status_rule_is_refused_naming_it(definition):
    indicator(definition.data, 4)["status"]["rule"] = "gut feeling"

    with pytest.raises(DefinitionError, match="unknown status rule 'gut feeling'"):
        definition()
