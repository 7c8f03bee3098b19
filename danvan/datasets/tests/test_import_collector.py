"""The garbage collector is relaxed while a file is imported, and put back after
(`lib/collector.py`)."""

from __future__ import annotations

import gc
import threading

from danvan.datasets.tests.exchange_helpers import figures, import_bytes
from danvan.lib.collector import YOUNG_THRESHOLD, collector_relaxed

__all__ = ["figures"]


def test_inside_objects_made_before_are_frozen_and_collections_rarer():
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    held = [[] for _ in range(10)]  # made before: containers the collector tracks
    with collector_relaxed():
        assert gc.get_threshold()[0] == max(before[0], YOUNG_THRESHOLD)
        assert gc.get_threshold()[1:] == before[1:]
        assert gc.get_freeze_count() > frozen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == frozen
    assert held


def test_overlapping_bulk_work_puts_the_settings_back_only_when_the_last_leaves():
    before = gc.get_threshold()
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collector_relaxed():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    with collector_relaxed():
        thread.start()
        assert inside.wait(5)
    # This one has left; the other thread is still inside.
    assert gc.get_threshold()[0] == max(before[0], YOUNG_THRESHOLD)
    leave.set()
    thread.join(5)
    assert gc.get_threshold() == before


def test_an_import_runs_relaxed_and_leaves_the_collector_as_it_was(world, figures, monkeypatch):
    from danvan.datasets.exchange import pipeline

    before = gc.get_threshold()
    seen: list[int] = []
    check = pipeline._check

    def watched(ctx, row, summary):  # type: ignore[no-untyped-def]
        seen.append(gc.get_threshold()[0])
        return check(ctx, row, summary)

    monkeypatch.setattr(pipeline, "_check", watched)
    summary = import_bytes(
        world.district_clerk,
        b"dataelement,period,orgunit,categoryoptioncombo,value\nmembers_new,2021,01101,hnd,7\n",
    )

    assert summary.applied, summary.rejections
    assert seen == [max(before[0], YOUNG_THRESHOLD)]
    assert gc.get_threshold() == before
    # And after a file that cannot be read at all.
    import_bytes(world.district_clerk, b"\x00\x01 not a csv")
    assert gc.get_threshold() == before


def test_a_process_that_froze_its_objects_itself_keeps_them_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with collector_relaxed():
            pass
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()
