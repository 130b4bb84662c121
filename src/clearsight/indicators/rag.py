"""RAG status and direction of travel (indicators.md §3 and §4), for indicators and the improvement plan.

`status` rates a value against a target and an amber tolerance by polarity: for polarity `higher`, GREEN
at or above the target, AMBER down to `target − tolerance` (inclusive), RED below; for `lower` the mirror
image; `none` is GREY (context, no judgement). A value exactly on the target is GREEN, exactly on the edge
of the band AMBER. Before that, a result the data cannot support is NO_SOURCE_DATA, an empty denominator
NO_DATA, and a denominator below `min_denominator` LOW_N (the value is shown, without a colour).

`direction` compares a value with the previous reporting point's: improving or deteriorating when the
change in the good or bad direction is at least the threshold (1 point for percents; for counts
max(1, 5 % of the previous value); 5 % of the previous value otherwise), else stable; up/down/stable for
polarity `none`; `n/a` when either value is missing. `status_by_direction` turns that into a colour for
`rag_mode: direction`. The judgement is always on unrounded values.

`target_in_force` picks the target of a trajectory (`target_schedule`) for a date.

Must not import Django or anything above the model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

GREEN, AMBER, RED, GREY = "GREEN", "AMBER", "RED", "GREY"
NO_DATA, NO_SOURCE_DATA, LOW_N = "NO_DATA", "NO_SOURCE_DATA", "LOW_N"
IMPROVING, STABLE, DETERIORATING = "improving", "stable", "deteriorating"
UP, DOWN, NOT_APPLICABLE = "up", "down", "n/a"


def target_in_force(
    target: float | None, schedule: Iterable[Mapping[str, Any]] | None, as_at: dt.date
) -> float | None:
    """The schedule entry with the latest `from` on or before `as_at`, else the plain target (§3 rule 1)."""
    chosen: tuple[dt.date, float] | None = None
    for entry in schedule or ():
        start = entry["from"]
        start = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))
        if start <= as_at and (chosen is None or start >= chosen[0]):
            chosen = (start, float(entry["target"]))
    return chosen[1] if chosen else target


def status(
    value: float | None,
    *,
    polarity: str,
    target: float | None,
    tolerance: float | None = 0.0,
    denominator: float | None = None,
    min_denominator: float = 0,
    available: bool = True,
) -> str:
    """The RAG status of one value (§3)."""
    if not available:
        return NO_SOURCE_DATA
    if value is None:
        return NO_DATA
    if denominator is not None and denominator < min_denominator:
        return LOW_N
    if polarity == "none" or target is None:
        return GREY
    band = tolerance or 0.0
    if polarity == "higher":
        return GREEN if value >= target else AMBER if value >= target - band else RED
    if polarity == "lower":
        return GREEN if value <= target else AMBER if value <= target + band else RED
    raise ValueError(f"polarity must be higher, lower or none, not {polarity!r}")


def threshold(unit: str, previous: float) -> float:
    """The smallest change that counts as movement (§4 defaults)."""
    if unit == "percent":
        return 1.0
    if unit == "count":
        return max(1.0, 0.05 * abs(previous))
    return 0.05 * abs(previous)


def direction(
    value: float | None,
    previous: float | None,
    *,
    polarity: str,
    unit: str,
    minimum_change: float | None = None,
) -> str:
    """improving, stable or deteriorating (up, down or stable for polarity none); n/a without both values."""
    if value is None or previous is None:
        return NOT_APPLICABLE
    change = value - previous
    needed = threshold(unit, previous) if minimum_change is None else minimum_change
    if abs(change) < needed or change == 0:
        return STABLE
    if polarity == "none":
        return UP if change > 0 else DOWN
    good = change > 0 if polarity == "higher" else change < 0
    return IMPROVING if good else DETERIORATING


def status_by_direction(trend: str) -> str:
    """§3 rule 8 `rag_mode: direction`: GREEN improving, AMBER stable, RED deteriorating, else GREY."""
    return {IMPROVING: GREEN, STABLE: AMBER, DETERIORATING: RED}.get(trend, GREY)
