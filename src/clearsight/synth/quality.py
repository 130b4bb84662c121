"""Supervision (`ext_supervision`) and case audits (`ext_case_audit`).

Every social worker has a supervision session with their team manager every 2-4 weeks: one worker-level
row, plus a row for each child they hold that was discussed. The planted share of case-holding workers
have had no session for more than 28 days at as_at (D02); the planted share of children on plans or in
care have had no case supervision for more than 28 days (D01), counting the children of those workers.
Case audits are graded by managers; about a third are moderated, and the planted share of moderated
audits were graded better by the auditor than by the moderator (D06).

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col
from clearsight.synth.allocation import Allocations
from clearsight.synth.context import Context, quota
from clearsight.synth.series import interval_series
from clearsight.synth.timing import FAR
from clearsight.synth.workforce import QUALITY, SOCIAL_WORK_KINDS

AUDITS_PER_MONTH = 40  # at county scale
STANDARD_DAYS = 28
_KEY = 100_000


def supervision_table(ctx: Context, alloc: Allocations) -> pa.Table:
    """`ext_supervision`: worker-level sessions and the case discussions held in them."""
    rng = ctx.rng("supervision")
    clock, staff, rates = ctx.clock, ctx.workforce, ctx.rates
    a, w = clock.as_at, clock.window_start
    social = np.concatenate([staff.members(kind) for kind in SOCIAL_WORK_KINDS])
    social.sort()
    holding = np.isin(social, alloc.worker[alloc.open_at(a)])
    overdue_worker = quota(rng, holding, rates.worker_supervision_overdue)
    # sessions 14-25 days apart, moved to the working day on or before: never more than 28 days apart;
    # a late gap is at least 33 days, so it stays late after the move
    owner, tick = interval_series(
        rng,
        np.full(social.size, w),
        np.full(social.size, a),
        gap_lo=14,
        gap_hi=25,
        late_rate=rates.worker_supervision_overdue,
        late_extra=20,
        late_lo=33,
        final_late=overdue_worker,
        final_max=25,
    )
    worker, when = social[owner], np.maximum(clock.working_on_or_before(tick), w)
    keys = worker * _KEY + when
    # each child discussed at the sessions held while allocated to the worker, missing one in ten
    start = np.maximum(alloc.start, w)
    stop = np.minimum(alloc.end - 1, a)
    low = np.searchsorted(keys, alloc.worker * _KEY + start, side="left")
    high = np.searchsorted(keys, alloc.worker * _KEY + stop, side="right")
    count = np.where(stop >= start, np.maximum(high - low, 0), 0)
    involvement = np.repeat(np.arange(count.size), count)
    session = low[involvement] + np.arange(involvement.size) - np.repeat(np.cumsum(count) - count, count)
    discussed = rng.random(session.size) >= 0.1
    child, child_worker, child_day = (
        alloc.person[involvement][discussed],
        worker[session][discussed],
        when[session][discussed],
    )
    child, child_worker, child_day = _plant_case_gaps(
        ctx, rng, alloc, worker, when, child, child_worker, child_day
    )
    person = np.concatenate([np.full(worker.size, -1), child])
    supervisee = np.concatenate([worker, child_worker])
    day = np.concatenate([when, child_day])
    order = np.lexsort((person, supervisee, day))
    person, supervisee, day = person[order], supervisee[order], day[order]
    return col.table(
        "ext_supervision",
        {
            "supe_id": col.ids("SU", day.size),
            "supe_person_id": col.take(ctx.person_ids, person),
            "supe_worker_id": col.take(staff.staff_ids, supervisee),
            "supe_supervisor_id": col.take(staff.staff_ids, staff.team_manager[staff.team_of(supervisee)]),
            "supe_date": col.dates(day),
        },
    )


def _plant_case_gaps(ctx: Context, rng, alloc: Allocations, worker, when, child, child_worker, child_day):
    """Make exactly the planted share of children on plans or in care overdue for case supervision.

    Children whose worker is overdue, or who have no worker, are overdue already. Others missed only by
    chance (the one in ten, a recent transfer) are discussed at their worker's latest session, or on the
    day they were allocated; then more children are made overdue, by dropping their recent
    discussions, until the share is reached.
    """
    j, a = ctx.journeys, ctx.clock.as_at
    opened = (j.close >= FAR) & ((j.cp & (j.cp1 >= FAR)) | (j.cin & (j.ci1 >= FAR)) | (j.cla & (j.c1 >= FAR)))
    refs = np.flatnonzero(opened & (a - j.referral > STANDARD_DAYS))
    people, since = j.person[refs], j.referral[refs]
    latest = _latest(ctx.dob.size, child, child_day, people, since)
    current = alloc.open_at(a)
    holder = np.full(ctx.dob.size, -1)
    holder[alloc.person[current]] = alloc.worker[current]
    held_from = np.full(ctx.dob.size, FAR)
    held_from[alloc.person[current]] = alloc.start[current]
    last_session = np.full(worker.max() + 1, -FAR)
    np.maximum.at(last_session, worker, when)
    their = holder[people]
    worker_fine = (their >= 0) & (last_session[np.maximum(their, 0)] >= a - STANDARD_DAYS)
    late = latest[people] + STANDARD_DAYS < a
    fix = late & worker_fine
    fix_day = np.maximum(last_session[np.maximum(their, 0)], held_from[people])[fix]
    child = np.concatenate([child, people[fix]])
    child_worker = np.concatenate([child_worker, their[fix]])
    child_day = np.concatenate([child_day, fix_day])
    late &= ~worker_fine
    extra = round(ctx.rates.case_supervision_overdue * people.size) - int(late.sum())
    chosen = people[rng.permutation(np.flatnonzero(~late))[: max(extra, 0)]]
    cut = np.full(ctx.dob.size, FAR)
    cut[chosen] = a - STANDARD_DAYS - rng.integers(1, 21, chosen.size)
    keep = child_day < cut[child]
    return child[keep], child_worker[keep], child_day[keep]


def _latest(n: int, child, child_day, people, since_day) -> np.ndarray:
    """Each child's latest case discussion on or after their referral (or that referral date, if none)."""
    since = np.full(n, -FAR)
    since[people] = since_day
    latest = since.copy()
    counted = child_day >= since[child]
    np.maximum.at(latest, child[counted], child_day[counted])
    return latest


def audit_table(ctx: Context, alloc: Allocations) -> pa.Table:
    """`ext_case_audit`: audits of open cases through the window, a third of them moderated."""
    rng = ctx.rng("audits")
    j, clock, staff = ctx.journeys, ctx.clock, ctx.workforce
    a, w = clock.as_at, clock.window_start
    n = rng.poisson(AUDITS_PER_MONTH * 12 * clock.HISTORY_YEARS * ctx.scale)
    first, last = np.maximum(j.referral, w), np.minimum(j.close, a)
    span = np.maximum(last - first + 1, 0).astype(float)
    ref = rng.choice(len(j), size=n, p=span / span.sum())
    when = first[ref] + (rng.random(n) * span[ref]).astype(np.int64)
    when = np.maximum(clock.working_on_or_before(when), first[ref])
    order = np.argsort(when, kind="stable")
    ref, when = ref[order], when[order]
    person = j.person[ref]
    team = staff.team_of(alloc.worker_at(person, when))
    managers = np.concatenate([staff.team_manager, staff.heads])
    auditor = managers[rng.integers(0, managers.size, n)]
    grade = rng.choice(np.array([1, 2, 3, 4]), size=n, p=(0.05, 0.35, 0.45, 0.15))
    moderated_on = when + rng.integers(3, 31, n)
    moderated = (rng.random(n) < 0.35) & (moderated_on <= a)
    downgradable = moderated & (grade < 4)
    share = ctx.rates.audit_over_optimism * moderated.sum() / max(downgradable.sum(), 1)
    optimistic = quota(rng, downgradable, min(share, 1.0))
    moderators = staff.members(QUALITY)
    moderator = np.where(moderated, moderators[rng.integers(0, moderators.size, n)], -1)
    return col.table(
        "ext_case_audit",
        {
            "audi_id": col.ids("AU", n),
            "audi_person_id": col.take(ctx.person_ids, person),
            "audi_date": col.dates(when),
            "audi_auditor_id": col.take(staff.staff_ids, auditor),
            "audi_grade": grade,
            "audi_moderated_grade": pa.array(grade + optimistic, mask=~moderated),
            "audi_moderator_id": col.take(staff.staff_ids, moderator),
            "audi_moderation_date": col.dates(np.where(moderated, moderated_on, FAR)),
            "audi_team_id": col.take(staff.team_ids, team),
        },
    )
