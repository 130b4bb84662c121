"""Visits to children on plans, on working days within a working-day standard, with planted gaps.

Used for CP visits (A09, 10 working days) and CIN visits (A16, 20 working days). Of the plans open at
as_at that started more than the standard before it, exactly the planted share have had no seen visit
within the standard; earlier gaps between visits run late at the same rate. A few extra visits where
the child was not seen are added (they never reset the clock, indicators.md D6).

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clearsight.synth.context import Context, quota
from clearsight.synth.series import interval_series
from clearsight.synth.timing import FAR, YEAR

_LATE_EXTRA_WD = 15  # a late gap runs up to this many working days past the standard
_UNSEEN_SHARE = 0.05  # owners with one extra visit where the child was not seen


@dataclass
class Visits:
    """Visits in date order within owner: owner index, date, seen, seen alone, bedroom seen."""

    owner: np.ndarray
    day: np.ndarray
    seen: np.ndarray
    alone: np.ndarray
    bedroom: np.ndarray


def working_day_visits(
    ctx: Context,
    rng: np.random.Generator,
    person: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    *,
    standard: int,
    gap_lo: int,
    rate: float,
) -> Visits:
    """Visits to each plan (start, end; FAR = open) from the history window on, before the plan's end."""
    clock = ctx.clock
    a = clock.as_at
    open_ = end >= FAR
    first = clock.wd_index(start - 1) + 1  # the first working day on or after the start
    last = clock.wd_index(np.where(open_, a, end - 1))
    due = open_ & (clock.wd_between(start, np.full(start.size, a)) > standard)
    final_late = quota(rng, due, rate)
    owner, tick = interval_series(
        rng,
        first,
        last,
        gap_lo=gap_lo,
        gap_hi=standard,
        late_rate=rate,
        late_extra=_LATE_EXTRA_WD,
        final_late=final_late,
        final_max=np.where(open_, standard, gap_lo),
    )
    extra = np.flatnonzero((rng.random(start.size) < _UNSEEN_SHARE) & (last >= first))
    extra_tick = first[extra] + (rng.random(extra.size) * (last[extra] - first[extra] + 1)).astype(np.int64)
    owner = np.concatenate([owner, extra])
    day = clock.from_wd_index(np.concatenate([tick, extra_tick]))
    seen = np.arange(owner.size) < tick.size
    keep = day >= clock.window_start
    owner, day, seen = owner[keep], day[keep], seen[keep]
    order = np.lexsort((~seen, day, owner))
    owner, day, seen = owner[order], day[order], seen[order]
    age = (day - ctx.dob[person[owner]]) / YEAR
    return Visits(
        owner=owner,
        day=day,
        seen=seen,
        alone=seen & (age >= 3) & (rng.random(owner.size) < 0.75),
        bedroom=seen & (rng.random(owner.size) < 0.6),
    )
