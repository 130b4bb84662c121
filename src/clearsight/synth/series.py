"""Repeated events with planted lateness: visits and supervisions at an interval, and review chains.

`interval_series` lays events (visits, supervision sessions) between a start and a stop at gaps within a
standard, walking back from the stop, so that the gap open at as_at can be planted exactly: overdue for
the chosen owners, in time for the others. Earlier gaps run late at a given rate.

`review_chain` holds statutory reviews occasion by occasion (first due, then at fixed intervals after the
previous review was held, as indicators.md A08 and B03 recompute them), each late at a given rate.

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col
from clearsight.synth.timing import FAR, YEAR, Clock, add_months

_MAX_CELLS = 4_000_000  # owners × events per chunk of the interval matrix
_PARTICIPATION = ("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")
_PARTICIPATION_WEIGHTS = (0.45, 0.1, 0.05, 0.05, 0.15, 0.15, 0.05)


def interval_series(
    rng: np.random.Generator,
    start: np.ndarray,
    stop: np.ndarray,
    *,
    gap_lo: int | np.ndarray,
    gap_hi: int | np.ndarray,
    late_rate: float,
    late_extra: int,
    late_lo: int | np.ndarray | None = None,
    final_late: np.ndarray | None = None,
    final_max: int | np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Event ticks in [start, stop] for each owner, ascending; returns (owner index, tick).

    Ticks are any integer time (days, or working-day indexes). In-time gaps are drawn from
    [gap_lo, gap_hi]; a late gap, at `late_rate`, from [late_lo, late_lo + late_extra) (late_lo defaults
    to gap_hi + 1; a larger one leaves room for moving events to working days).
    The last event is `stop` less an offset: when `final_late` is given (owners open at as_at, with `stop`
    = as_at) the offset is late for the owners it marks and at most `final_max` (default gap_hi) for the
    others; otherwise (a closed record) it is at most gap_lo. An owner whose last event would fall before
    `start` has none.
    """
    start, stop = np.asarray(start, dtype=np.int64), np.asarray(stop, dtype=np.int64)
    n = start.size
    lo = np.broadcast_to(np.asarray(gap_lo, dtype=np.int64), (n,))
    hi = np.broadcast_to(np.asarray(gap_hi, dtype=np.int64), (n,))
    late_from = hi + 1 if late_lo is None else np.broadcast_to(np.asarray(late_lo, dtype=np.int64), (n,))
    if final_late is None:
        offset = rng.integers(0, lo + 1)
    else:
        limit = hi if final_max is None else np.broadcast_to(np.asarray(final_max, dtype=np.int64), (n,))
        offset = np.where(
            final_late, rng.integers(late_from, late_from + late_extra), rng.integers(0, limit + 1)
        )
    last = stop - offset
    owners, ticks = [], []
    span = np.maximum(last - start, 0) // np.maximum(lo, 1) + 1
    order = np.argsort(span, kind="stable")
    begin = 0
    while begin < n:
        width = int(span[order[begin]])
        end = begin + 1
        while end < n and (end - begin + 1) * max(width, int(span[order[end]])) <= _MAX_CELLS:
            width = max(width, int(span[order[end]]))
            end += 1
        chunk = order[begin:end]
        c_lo, c_hi, c_late = lo[chunk, None], hi[chunk, None], late_from[chunk, None]
        late = rng.random((chunk.size, width - 1)) < late_rate
        gaps = np.where(
            late,
            rng.integers(c_late, c_late + late_extra, (chunk.size, width - 1)),
            rng.integers(c_lo, c_hi + 1, (chunk.size, width - 1)),
        )
        back = np.concatenate([np.zeros((chunk.size, 1), np.int64), np.cumsum(gaps, axis=1)], axis=1)
        matrix = (last[chunk, None] - back)[:, ::-1]
        keep = matrix >= start[chunk, None]
        owners.append(np.broadcast_to(chunk[:, None], matrix.shape)[keep])
        ticks.append(matrix[keep])
        begin = end
    owner = np.concatenate(owners) if owners else np.zeros(0, np.int64)
    tick = np.concatenate(ticks) if ticks else np.zeros(0, np.int64)
    order = np.lexsort((tick, owner))
    return owner[order], tick[order]


@dataclass(frozen=True)
class Reviews:
    """Held review occasions: owner index, recomputed due date, date held, and whether it ended the record."""

    owner: np.ndarray
    due: np.ndarray
    held: np.ndarray
    ending: np.ndarray


def review_chain(
    rng: np.random.Generator,
    clock: Clock,
    first_due: np.ndarray,
    end: np.ndarray,
    *,
    second_months: int,
    later_months: int,
    late_rate: float,
    ends_with_review: np.ndarray | None = None,
) -> Reviews:
    """The reviews held for each owner, occasion by occasion, up to its end (FAR = open) or as_at.

    Occasion 1 is due `first_due`, occasion 2 `second_months` after occasion 1 was held, and later ones
    `later_months` after the previous. An occasion falling due on or after the end generates none; one
    due by as_at is late at `late_rate` (held 1-30 days after the due date, or not held if that passes
    as_at or the end: a review held after the end is the record's closing review instead). In time means
    0-14 days before the due date, on a working day. For the owners marked in `ends_with_review` (plans
    that end at a review conference), a late review that would fall after the end is held on the end
    date and closes the record, and a closing review is held on the end date when no occasion fell on
    it; for the others such a review is not held.
    """
    n = first_due.size
    owners, dues, helds, endings = [], [], [], []
    active = np.arange(n)
    due = np.asarray(first_due, dtype=np.int64).copy()
    previous = np.full(n, -FAR, dtype=np.int64)
    closed = np.zeros(n, dtype=bool)  # a review has been held on the end date
    closes_with_review = np.zeros(n, dtype=bool) if ends_with_review is None else ends_with_review
    occasion = 1
    while active.size:
        d, e = due[active], end[active]
        live = (d < e) & (d <= clock.as_at)
        active, d, e = active[live], d[live], e[live]
        if not active.size:
            break
        late = rng.random(active.size) < late_rate
        early = np.maximum(d - rng.integers(0, 15, active.size), previous[active] + 1)
        in_time = np.maximum(clock.working_on_or_before(early), previous[active] + 1)
        behind = clock.working_on_or_after(d + rng.integers(1, 31, active.size))
        held = np.where(late, behind, in_time)
        ending = held >= e
        held = np.minimum(held, e)
        happened = (held <= clock.as_at) & (~ending | closes_with_review[active])
        owners.append(active[happened])
        dues.append(d[happened])
        helds.append(held[happened])
        endings.append(ending[happened])
        closed[active[happened & ending]] = True
        carry = happened & ~ending
        active, held = active[carry], held[carry]
        previous[active] = held
        due[active] = add_months(held, second_months if occasion == 1 else later_months)
        occasion += 1
    if ends_with_review is not None:
        extra = np.flatnonzero(closes_with_review & ~closed & (end <= clock.as_at))
        owners.append(extra)
        dues.append(due[extra])
        helds.append(end[extra])
        endings.append(np.ones(extra.size, dtype=bool))
    owner, due_all, held_all, ending_all = (np.concatenate(x) for x in (owners, dues, helds, endings))
    order = np.lexsort((held_all, owner))
    return Reviews(owner[order], due_all[order], held_all[order], ending_all[order])


def participation(rng: np.random.Generator, dob: np.ndarray, held: np.ndarray) -> pa.Array:
    """How the child took part in each review (903 REVIEW_CODE): PN0 under 4, else PN1-PN7."""
    under_four = (held - dob) / YEAR < 4
    code = 1 + rng.choice(7, size=held.size, p=_PARTICIPATION_WEIGHTS)
    return col.pick(_PARTICIPATION, np.where(under_four, 0, code))
