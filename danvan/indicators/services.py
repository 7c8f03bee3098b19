"""Keeping the sums behind indicator results current."""

from __future__ import annotations

from collections.abc import Callable

from danvan.indicators.sums import sums_rebuild


def results_recompute_all(progress: Callable[[str], None] | None = None) -> int:
    """Rebuild every maintained sum from the values (results are computed from them when
    read, so this is all a full recomputation is). Returns the number of sum rows."""
    count = sums_rebuild()
    if progress:
        progress(f"{count} sums")
    return count
