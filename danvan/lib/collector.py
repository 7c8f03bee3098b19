"""Python's cyclic garbage collector during bulk work (an import of a million figures).

Such work allocates millions of short-lived objects (rows, checked rows, tuples) that
hold no reference cycles and are freed by reference counting. Each allocation still
counts towards the collector's thresholds, and every full collection walks every object
the process holds — Django's and the loaded catalogue's too. Measured on the import
benchmark (1 M figures on SQLite, imported, imported again, then the bare write): 10,3 s
of CPU in the collector, 6,9 s of it in 93 full collections; 1,8 s with this module
(benchmarks/README.md).

`collector_relaxed()` moves the objects that exist before the work to the collector's
permanent generation (`gc.freeze`), so full collections walk only what the work made,
and collects the youngest generation every 50.000 allocations instead of 700. Cycles
are still found, later. Settings are per process: with several threads in bulk work at
once, the first to enter sets them and the last to leave puts them back.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 50_000  # allocations between collections of the youngest generation

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None
_thaw = False  # whether leaving unfreezes: not if the process had frozen objects itself


@contextmanager
def collector_relaxed() -> Iterator[None]:
    """Collect less often, and never the objects that existed before, while inside."""
    global _depth, _saved, _thaw
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            # A server that froze its objects after loading (to share pages between
            # forked workers) keeps them frozen: only our own freeze is undone.
            _thaw = gc.get_freeze_count() == 0
            gc.freeze()
            gc.set_threshold(max(_saved[0], YOUNG_THRESHOLD), _saved[1], _saved[2])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                if _thaw:
                    gc.unfreeze()
                _saved = None
