"""The report checker against its corpus and the seed report; timings of the check and the CLI.

    uv run --frozen python benchmarks/bench_checker.py [--repeat 20]

Prints one JSON document:
- `corpus`: for benchmarks/checker/corpus.yaml (passages written for the benchmark, each with
  its answer key), how many planted findings were found at the expected severity, how many
  at any severity, and the false alarms (findings the key does not list), per rule and in all,
  with every miss and false alarm named;
- `seed`: the seed report's errors (must be its four known ones) and the median checking time
  of its 62 KB (goal < 0,2 s), reading excluded, as wall and as CPU time, and the machine's
  load average;
- `cli`: the wall time of `danvan check-report` on a one-line file (the command's own start-up:
  Python, Django set-up) and on the seed, measured apart from the checking time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from danvan.reports.checker import Severity, check_document, read_file, read_text  # noqa: E402

CORPUS = ROOT / "benchmarks" / "checker" / "corpus.yaml"
SEED = ROOT / "danvan" / "reports" / "tests" / "data" / "bao-cao-so-ket-06-NQ-TU-hau-giang.txt"


def score_corpus() -> dict[str, Any]:
    passages = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    per_rule: dict[str, dict[str, int]] = defaultdict(
        lambda: {"planted": 0, "as_expected": 0, "any_severity": 0, "false_alarms": 0}
    )
    misses, false_alarms, downgraded = [], [], []
    registers = sorted({p["register"] for p in passages})
    for passage in passages:
        findings = check_document(read_text(passage["text"]))
        used: set[int] = set()
        for expected in passage["expect"]:
            stats = per_rule[expected["rule"]]
            stats["planted"] += 1
            match = next(
                (
                    index
                    for index, f in enumerate(findings)
                    if index not in used
                    and f.rule == expected["rule"]
                    and expected["figure"] in f.stated
                ),
                None,
            )
            if match is None:
                misses.append(f"{passage['id']}: {expected['rule']} {expected['figure']}")
                continue
            used.add(match)
            stats["any_severity"] += 1
            if findings[match].severity is Severity(expected["severity"]):
                stats["as_expected"] += 1
            else:
                downgraded.append(
                    f"{passage['id']}: {expected['rule']} {expected['figure']} as "
                    f"{findings[match].severity}, expected {expected['severity']}"
                )
        for index, f in enumerate(findings):
            if index not in used:
                per_rule[f.rule]["false_alarms"] += 1
                false_alarms.append(
                    f"{passage['id']}: {f.rule} {f.severity} “{f.stated}” ({f.computed})"
                )
    totals = {
        key: sum(stats[key] for stats in per_rule.values())
        for key in ("planted", "as_expected", "any_severity", "false_alarms")
    }
    return {
        "passages": len(passages),
        "look_alikes": sum(1 for p in passages if not p["expect"]),
        "registers": registers,
        "total": totals,
        "per_rule": dict(sorted(per_rule.items())),
        "misses": misses,
        "wrong_severity": downgraded,
        "false_alarms": false_alarms,
    }


def _yardstick() -> float:
    """A fixed pure-Python workload timed beside the check, so that a figure taken on a
    loaded machine can be compared as a ratio to it rather than in seconds."""
    started = time.perf_counter()
    total = 0
    for number in range(300_000):
        total += number % 7
    return time.perf_counter() - started


def time_seed(repeat: int) -> dict[str, Any]:
    check_document(read_file(SEED))  # warm-up: regular expressions compiled, modules imported
    times, cpu, reading, yardstick = [], [], [], []
    findings = []
    for _ in range(repeat):
        started = time.perf_counter()
        document = read_file(SEED)
        read = time.perf_counter()
        cpu_started = time.process_time()
        findings = check_document(document)
        times.append(time.perf_counter() - read)
        cpu.append(time.process_time() - cpu_started)
        reading.append(read - started)
        yardstick.append(_yardstick())
    errors = sorted(f"{f.rule} {f.stated}" for f in findings if f.severity is Severity.ERROR)
    return {
        "bytes": SEED.stat().st_size,
        "errors": errors,
        "warnings": sum(1 for f in findings if f.severity is Severity.WARNING),
        "notes": sum(1 for f in findings if f.severity is Severity.NOTE),
        "check_seconds_median": round(statistics.median(times), 4),
        "check_seconds_max": round(max(times), 4),
        # CPU time of the check: steadier than wall time on a machine shared with other work.
        "check_cpu_seconds_median": round(statistics.median(cpu), 4),
        "read_seconds_median": round(statistics.median(reading), 4),
        "goal_seconds": 0.2,
        "yardstick_seconds_median": round(statistics.median(yardstick), 4),
        "check_to_yardstick": round(statistics.median(times) / statistics.median(yardstick), 2),
        # Was a unit test (checked in under a second); timings belong here, not in tests.
        "check_seconds_under_1": statistics.median(times) < 1.0,
    }


def time_cli(repeat: int) -> dict[str, Any]:
    script = "import sys; from danvan.cli import main; sys.argv = sys.argv[1:]; main()"
    environment = {**os.environ, "DANVAN_DEBUG": "1"}

    def run(path: Path) -> float:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", script, "danvan", "check-report", str(path)],
            capture_output=True,
            check=False,
            cwd=ROOT,
            env=environment,
        )
        return time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        tiny = Path(folder) / "mot-dong.txt"
        tiny.write_text("Có 110/133 đồng chí, chiếm tỷ lệ 82,7%.", encoding="utf-8")
        start_up = [run(tiny) for _ in range(repeat)]
        seed = [run(SEED) for _ in range(repeat)]
    return {
        "start_up_seconds_median": round(statistics.median(start_up), 3),
        "seed_wall_seconds_median": round(statistics.median(seed), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--cli-repeat", type=int, default=3)
    args = parser.parse_args()
    result = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "load_average_1min": round(os.getloadavg()[0], 2),
        },
        "corpus": score_corpus(),
        "seed": time_seed(args.repeat),
        "cli": time_cli(args.cli_repeat),
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
