"""Chart specifications (Vega-Lite), one spec for the screen and for paper.

The dashboard embeds the spec with vega-embed; the Word report renders the same spec
to PNG with vl-convert. Labels are Vietnamese; numbers use the Vietnamese locale.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

VN_FORMAT_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " đ"]}


def progress_spec(
    *,
    title: str,
    points: list[tuple[str, Decimal | None]],
    target: Decimal | None,
    unit_of_measure: str,
    width: int | str = 260,
    height: int = 110,
) -> dict[str, Any]:
    """A line of the value by period, with the target as a dashed rule."""
    values = [
        {"period": period, "value": float(value)} for period, value in points if value is not None
    ]
    axis_title = unit_of_measure or ""
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line", "point": True, "color": "#1565c0"},
            "encoding": {
                "x": {
                    "field": "period",
                    "type": "ordinal",
                    "title": None,
                    "axis": {"labelAngle": 0},
                },
                "y": {
                    "field": "value",
                    "type": "quantitative",
                    "title": axis_title,
                    "scale": {"zero": False},
                },
                "tooltip": [
                    {"field": "period", "title": "Kỳ"},
                    {"field": "value", "title": "Giá trị", "format": ",.2f"},
                ],
            },
        }
    ]
    if target is not None:
        layers.append(
            {
                "data": {"values": [{"target": float(target)}]},
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#c62828"},
                "encoding": {"y": {"field": "target", "type": "quantitative"}},
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": title, "fontSize": 12, "anchor": "start"},
        "width": width,
        "height": height,
        "data": {"values": values},
        "layer": layers,
        "config": {"font": "Times New Roman, DejaVu Serif, serif", "view": {"stroke": None}},
    }


def spec_to_png(spec: dict[str, Any], scale: float = 2.0) -> bytes:
    """Render a spec to PNG offline (for Word and PDF)."""
    import vl_convert

    png: bytes = vl_convert.vegalite_to_png(
        vl_spec=spec, scale=scale, format_locale=VN_FORMAT_LOCALE
    )
    return png
