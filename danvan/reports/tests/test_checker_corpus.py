"""The benchmark corpus (benchmarks/checker/corpus.yaml) scored as `make bench` scores it."""

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "benchmarks" / "bench_checker.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_checker", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_has_every_planted_finding_at_its_severity_and_no_false_alarm():
    score = _bench().score_corpus()

    assert score["passages"] >= 30
    assert score["misses"] == []
    assert score["wrong_severity"] == []
    assert score["false_alarms"] == []
    assert score["total"]["as_expected"] == score["total"]["planted"]
