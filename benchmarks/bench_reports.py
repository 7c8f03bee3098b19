"""The review report on the Hậu Giang demo: the province report and all 8 district reports.

Goals: the province report (DOCX with charts) under 2 s; all eight district reports under
10 s. Measured in one process after a warm-up report (the chart renderer and Django start
once per worker; the first report's time is printed apart as `cold`). It also checks that
the province report's annex carries every count of the seed's annex for 2021.

    make demo-db   # or any database built with build_demo + load_resolutions + compute_indicators
    DANVAN_DEBUG=1 DANVAN_SQLITE_NAME=demo.sqlite3 \
        uv run --frozen python benchmarks/bench_reports.py
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings")
os.environ.setdefault("DANVAN_SQLITE_NAME", "demo.sqlite3")

# Every count of the seed's annex (Báo cáo sơ kết 06-NQ/TU, 2021), as printed.
SEED_COUNTS = [
    "27/50",
    "34/50",
    "52/52",
    "118/133",
    "110/133",
    "113/113",
    "366/456",
    "402/456",
    "242/456",
    "418/450",
    "426/449",
    "353/449",
    "308.222/322.915",
    "251.120/313.900",
    "140 máy",
    "66 máy",
    "531 cái",
    "201 cái",
    "432 máy",
    "tăng 292 máy",
    "374 máy",
    "tăng 308 máy",
    "750 cái",
    "tăng 219 cái",
    "377 cái",
    "tăng 176 cái",
    "72,14%",
    "83,59%",
    "90,32%",
    "Cấp tỉnh: 12 đồng chí",
    "Cấp huyện: 82 đồng chí",
    "Đạt 200%",
    "Đạt 205%",
    "Đạt 131,03%",
    "tăng 25 đồng chí",
    "tăng 18 đồng chí",
]


def main() -> None:
    import django

    django.setup()
    from danvan.datasets.models import Period
    from danvan.geography.models import AdministrativeUnit
    from danvan.indicators.models import Resolution
    from danvan.reports.docx_writer import docx_render
    from danvan.reports.exporter import report_build

    resolution = Resolution.objects.select_related("scope_unit").get(number="06-NQ/TU")
    province = resolution.scope_unit
    period = Period.objects.get(id="2021")
    day = datetime.date(2021, 12, 15)

    def one(unit: AdministrativeUnit) -> tuple[float, bytes, object]:
        start = time.perf_counter()
        report = report_build(resolution=resolution, unit=unit, period=period, date=day)
        data = docx_render(report)
        return time.perf_counter() - start, data, report

    cold, _, _ = one(province)
    runs = [one(province) for _ in range(3)]
    province_time = min(t for t, _, _ in runs)
    report = runs[0][2]
    annex = "\n".join(
        "\n".join(r.before + r.result + r.comparison)
        for r in report.annex  # type: ignore[attr-defined]
    )
    missing = [count for count in SEED_COUNTS if count not in annex]
    districts = list(AdministrativeUnit.objects.filter(parent=province).order_by("code"))
    start = time.perf_counter()
    sizes = [len(one(district)[1]) for district in districts]
    all_districts = time.perf_counter() - start
    print(
        json.dumps(
            {
                "database": os.environ.get("DATABASE_URL") or os.environ["DANVAN_SQLITE_NAME"],
                "cold_first_report_s": round(cold, 3),
                "province_report_s": round(province_time, 3),
                "province_report_bytes": len(runs[0][1]),
                "province_charts": len(report.charts),  # type: ignore[attr-defined]
                "districts": len(districts),
                "all_district_reports_s": round(all_districts, 3),
                "district_report_bytes_max": max(sizes) if sizes else 0,
                "goals_met": province_time < 2 and all_districts < 10,
                "seed_counts_missing": missing,
            },
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
