"""What happens while a child is in care: visits, reviews, health checks, missing episodes, SDQs, plans.

Statutory visits (B01, CPPCR reg 28) are made within 7 days of every move, then every 3-5 weeks (weekly
for children placed with parents); the planted share of children in care at as_at are overdue. Reviews
(B03: within 20 working days of entry, then 3 months, then every 6 months) run late at the planted rate.
Health assessments (every 6 months under 5, else 12) and dental checks are all in date. Missing
episodes are mostly of teenagers in care; the planted share of ended ones have no return interview
offer recorded (B09). Events are written from the start of the history window.

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col
from clearsight.synth.care import CarePeriods
from clearsight.synth.context import Context, quota
from clearsight.synth.journeys import ADOPTED, AGE18, CAO, HOME, INDEPENDENT, SGO
from clearsight.synth.series import interval_series, participation, review_chain
from clearsight.synth.timing import FAR, YEAR, add_months, birthday, day

_PLAN_KEYS = (
    "REMAINSUP",
    "RETURN1M",
    "RETURN6M",
    "RETURNEV",
    "LTRELFR",
    "LTFOST18",
    "RESPLMT",
    "SUPPLIV",
    "ADOPTION",
    "OTHERPLN",
)
_PLAN_BY_EXIT = {
    HOME: "RETURN6M",
    ADOPTED: "ADOPTION",
    SGO: "LTRELFR",
    CAO: "LTRELFR",
    AGE18: "LTFOST18",
    INDEPENDENT: "SUPPLIV",
}


def event_tables(ctx: Context, care: CarePeriods) -> tuple[dict[str, pa.Table], np.ndarray]:
    """The in-care event tables, and each period's latest review date by as_at (FAR if none)."""
    rng = ctx.rng("care events")
    reviews, last_review = _reviews(ctx, rng, care)
    tables = {
        "ssd_cla_visits": _visits(ctx, rng, care),
        "ssd_cla_reviews": reviews,
        "ssd_cla_health": _health(ctx, rng, care),
        "ssd_missing": _missing(ctx, rng, care),
        "ssd_sdq_scores": _sdq(ctx, rng, care),
        "ssd_cla_care_plan": _care_plans(ctx, rng, care),
    }
    return tables, last_review


def _visits(ctx: Context, rng, care: CarePeriods) -> pa.Table:
    """Statutory visits, placement by placement, with the planted overdue children at as_at."""
    clock = ctx.clock
    a = clock.as_at
    start, end, kind = care.place_start, care.place_end, care.place_type
    open_ = end >= FAR
    relevant = end >= clock.window_start
    due = open_ & ~np.isin(kind, ("A3", "A4", "A5", "A6")) & (a - start > 7)
    final_late = quota(rng, due, ctx.rates.cla_visit_overdue)
    stop = np.where(open_, a, end - 1)
    with_parents = kind == "P1"
    # Intended to last until 18 (B01, D5): a long-term fostering type, or a care plan that is or will be
    # LTFOST18, which is the plan of every child who stays in care until 18 (_care_plans).
    long_term = np.isin(kind, ("U1", "U4")) | (care.exit[care.place_period] == AGE18)
    # Visits every 21-38 days, on the working day on or before: never more than 42 days apart (B01);
    # a late gap is at least 46 days, or 96 if long-term (3 months after the placement's first year).
    normal = np.flatnonzero(relevant & ~with_parents)
    owner, tick = interval_series(
        rng,
        start[normal],
        stop[normal],
        gap_lo=21,
        gap_hi=38,
        late_rate=ctx.rates.cla_visit_overdue,
        late_extra=40,
        late_lo=np.where(long_term[normal], 96, 46),
        final_late=final_late[normal],
        final_max=np.where(open_[normal], 38, 21),
    )
    owner = normal[owner]
    moved = np.maximum(clock.working_on_or_before(tick), start[owner])
    # the visit within 7 days of the move; never the latest visit of a child planted as overdue
    has_series = np.zeros(start.size, bool)
    has_series[owner] = True
    latest = np.full(start.size, -FAR)
    np.maximum.at(latest, owner, moved)
    first_day = np.maximum(clock.working_on_or_before(start + rng.integers(0, 7, start.size)), start)
    first = np.flatnonzero(
        relevant & ~with_parents & (first_day <= stop) & (~final_late | (has_series & (first_day <= latest)))
    )
    # placed with parents: weekly, on working days (B01 reg 28(3)-(4)); late gaps are 31+ working days
    parents = np.flatnonzero(relevant & with_parents)
    p_owner, p_tick = interval_series(
        rng,
        clock.wd_index(start[parents] - 1) + 1,
        clock.wd_index(stop[parents]),
        gap_lo=3,
        gap_hi=4,
        late_rate=ctx.rates.cla_visit_overdue,
        late_extra=20,
        late_lo=31,
        final_late=final_late[parents],
        final_max=np.where(open_[parents], 4, 3),
    )
    place = np.concatenate([owner, first, parents[p_owner]])
    when = np.concatenate([moved, first_day[first], clock.from_wd_index(p_tick)])
    keep = when >= clock.window_start
    place, when = place[keep], when[keep]
    order = np.lexsort((when, place))
    place, when = place[order], when[order]
    distinct = np.r_[True, (place[1:] != place[:-1]) | (when[1:] != when[:-1])]
    place, when = place[distinct], when[distinct]
    person = care.person[care.place_period[place]]
    old_enough = (when - ctx.dob[person]) / YEAR >= 4
    return col.table(
        "ssd_cla_visits",
        {
            "clav_cla_visit_id": col.ids("LV", place.size),
            "clav_cla_id": col.take(care.ids, care.place_period[place]),
            "clav_person_id": col.take(ctx.person_ids, person),
            "clav_cla_visit_date": col.dates(when),
            "clav_cla_visit_seen": col.flags(np.ones(place.size, bool)),
            "clav_cla_visit_seen_alone": col.flags(old_enough & (rng.random(place.size) < 0.7)),
        },
    )


def _reviews(ctx: Context, rng, care: CarePeriods) -> tuple[pa.Table, np.ndarray]:
    """CLA reviews (B03), and each period's latest review by as_at."""
    clock = ctx.clock
    chain = review_chain(
        rng,
        clock,
        clock.wd_add(care.start, 20),
        care.end,
        second_months=3,
        later_months=6,
        late_rate=ctx.rates.late_cla_review,
    )
    last_review = np.full(care.start.size, FAR)
    last_review[chain.owner] = chain.held  # held dates ascend within owner, so the last write wins
    keep = chain.held >= clock.window_start
    owner, due, held = chain.owner[keep], chain.due[keep], chain.held[keep]
    person = care.person[owner]
    table = col.table(
        "ssd_cla_reviews",
        {
            "clar_cla_review_id": col.ids("LR", owner.size),
            "clar_cla_id": col.take(care.ids, owner),
            "clar_cla_review_due_date": col.dates(due),
            "clar_cla_review_date": col.dates(held),
            "clar_cla_review_cancelled": col.flags(np.zeros(owner.size, bool)),
            "clar_cla_review_participation": participation(rng, ctx.dob[person], held),
            "clar_cla_person_id": col.take(ctx.person_ids, person),
        },
    )
    return table, last_review


def _health(ctx: Context, rng, care: CarePeriods) -> pa.Table:
    """Health assessments (initial within 20 working days, then by age) and yearly dental checks."""
    clock = ctx.clock
    stop = np.minimum(care.end, clock.as_at + 1)
    dob = ctx.dob[care.person]

    def next_assessment(last: np.ndarray, owners: np.ndarray) -> np.ndarray:
        under_five = (last - dob[owners]) / YEAR < 5
        return add_months(last, np.where(under_five, 6, 12)) - rng.integers(0, 31, owners.size)

    checks = (
        _recurring(clock.wd_add(care.start, rng.integers(5, 21, care.start.size)), stop, next_assessment),
        _recurring(
            care.start + rng.integers(20, 121, care.start.size),
            stop,
            lambda last, owners: last + rng.integers(300, 365, owners.size),
        ),
    )
    owner = np.concatenate([o for o, _ in checks])
    when = np.concatenate([d for _, d in checks])
    kind = np.repeat([0, 1], [o.size for o, _ in checks])
    keep = when >= clock.window_start
    order = np.lexsort((kind[keep], when[keep], care.person[owner[keep]]))
    owner, when, kind = owner[keep][order], when[keep][order], kind[keep][order]
    return col.table(
        "ssd_cla_health",
        {
            "clah_health_check_id": col.ids("H", owner.size),
            "clah_person_id": col.take(ctx.person_ids, care.person[owner]),
            "clah_health_check_type": col.pick(("HEALTH", "DENTAL"), kind),
            "clah_health_check_date": col.dates(when),
            "clah_health_check_status": col.pick(("Completed",), np.zeros(owner.size, np.int64)),
        },
    )


def _recurring(first: np.ndarray, stop: np.ndarray, after) -> tuple[np.ndarray, np.ndarray]:
    """Dates of a recurring check for each owner: `first`, then `after(last, owners)`, while before `stop`."""
    owners, days = [], []
    when = first.copy()
    live = np.flatnonzero(when < stop)
    while live.size:
        owners.append(live)
        days.append(when[live])
        when[live] = after(when[live], live)
        live = live[when[live] < stop[live]]
    return np.concatenate(owners or [np.zeros(0, np.int64)]), np.concatenate(days or [np.zeros(0, np.int64)])


def _missing(ctx: Context, rng, care: CarePeriods) -> pa.Table:
    """Missing and away episodes of teenagers in care, and of some on CP or CIN plans."""
    clock, j = ctx.clock, ctx.journeys
    a = clock.as_at
    cp, cin = np.flatnonzero(j.cp), np.flatnonzero(j.cin)
    person = np.concatenate([care.person, j.person[cp], j.person[cin]])
    start = np.concatenate([care.start, j.cp0[cp], j.ci0[cin]])
    end = np.concatenate([care.end, j.cp1[cp], j.ci1[cin]])
    in_care = np.arange(person.size) < care.person.size
    b18 = birthday(ctx.dob[person], 18)
    low = np.maximum.reduce([start, np.full(start.size, clock.window_start), birthday(ctx.dob[person], 11)])
    high = np.minimum.reduce([end, np.full(end.size, a + 1), b18 - 6])
    years = np.maximum(high - low, 0) / YEAR
    runner = rng.random(person.size) < np.where(in_care, 0.25, 0.06)
    count = np.where(runner, rng.poisson(years * np.where(in_care, 2.5, 1.0)), 0)
    owner = np.repeat(np.arange(person.size), count)
    begin = low[owner] + (rng.random(owner.size) * (high[owner] - low[owner])).astype(np.int64)
    # One episode per child and start date: the 903 return keys missing episodes by both.
    order = np.lexsort((begin, person[owner]))
    owner, begin = owner[order], begin[order]
    first = np.r_[True, (person[owner][1:] != person[owner][:-1]) | (begin[1:] != begin[:-1])]
    owner, begin = owner[first], begin[first]
    length = rng.choice(np.array([0, 1, 2, 3, 5]), size=owner.size, p=(0.5, 0.3, 0.1, 0.06, 0.04))
    finish = np.where(begin + length <= a, begin + length, FAR)
    missing = rng.random(owner.size) < 0.8
    ended = finish < FAR
    no_offer = quota(rng, missing & ended, ctx.rates.missing_no_rhi_offer)
    offered = np.select([~ended, no_offer], [2, np.where(rng.random(owner.size) < 0.6, 1, 2)], 0)
    offered = np.where(~missing & ended, (rng.random(owner.size) < 0.4).astype(np.int64), offered)
    accepted = np.where(offered == 0, (rng.random(owner.size) < 0.3).astype(np.int64), 2)
    order = np.lexsort((begin, person[owner]))
    owner, begin, finish = owner[order], begin[order], finish[order]
    return col.table(
        "ssd_missing",
        {
            "miss_table_id": col.ids("M", owner.size),
            "miss_person_id": col.take(ctx.person_ids, person[owner]),
            "miss_missing_episode_start_date": col.dates(begin),
            "miss_missing_episode_type": col.pick(("M", "A"), (~missing[order]).astype(np.int64)),
            "miss_missing_episode_end_date": col.dates(finish),
            "miss_missing_rhi_offered": col.pick(("Y", "N", None), offered[order]),
            "miss_missing_rhi_accepted": col.pick(("Y", "N", None), accepted[order]),
        },
    )


def _sdq(ctx: Context, rng, care: CarePeriods) -> pa.Table:
    """A strengths and difficulties score each year for children aged 4-16 in care for a year or more."""
    clock = ctx.clock
    year_ends = [
        day(clock.as_at_date.replace(year=clock.as_at_date.year - k, month=3, day=31)) for k in range(3)
    ]
    owners, days = [], []
    for year_end in sorted(year_ends):
        age = (year_end - ctx.dob[care.person]) / YEAR
        due = (
            (care.start <= year_end - 365)
            & (care.end > year_end)
            & (age >= 4)
            & (age < 17)
            & (year_end <= clock.as_at)
        )
        live = np.flatnonzero(due)
        owners.append(live)
        days.append(year_end - rng.integers(0, 150, live.size))
    owner, when = np.concatenate(owners), np.concatenate(days)
    keep = when >= clock.window_start
    order = np.lexsort((when[keep], care.person[owner[keep]]))
    owner, when = owner[keep][order], when[keep][order]
    score = np.clip(rng.normal(14, 6, owner.size), 0, 40).astype(np.int64)
    return col.table(
        "ssd_sdq_scores",
        {
            "csdq_table_id": col.ids("SQ", owner.size),
            "csdq_person_id": col.take(ctx.person_ids, care.person[owner]),
            "csdq_sdq_completed_date": col.dates(when),
            "csdq_sdq_score": [str(s) for s in score.tolist()],
        },
    )


def _care_plans(ctx: Context, rng, care: CarePeriods) -> pa.Table:
    """Permanence plans: agreed within two months of entry (before the second review, B10)."""
    a = ctx.clock.as_at
    n = care.start.size
    first = care.start + rng.integers(7, 61, n)
    final_key = np.array([_PLAN_KEYS.index(_PLAN_BY_EXIT[int(e)]) for e in care.exit], dtype=np.int64)
    changes = (care.exit == AGE18) & (rng.random(n) < 0.4)
    second = first + rng.integers(150, 366, n)
    has_first = (first < care.end) & (first <= a)
    has_second = has_first & changes & (second < care.end) & (second <= a)
    owner = np.concatenate([np.flatnonzero(has_first), np.flatnonzero(has_second)])
    begin = np.concatenate([first[has_first], second[has_second]])
    key = np.concatenate(
        [np.where(changes, _PLAN_KEYS.index("RETURN6M"), final_key)[has_first], final_key[has_second]]
    )
    order = np.lexsort((begin, owner))
    owner, begin, key = owner[order], begin[order], key[order]
    follows = np.r_[owner[1:] == owner[:-1], False]
    finish = np.where(follows, np.r_[begin[1:], 0], care.end[owner])
    return col.table(
        "ssd_cla_care_plan",
        {
            "lacp_table_id": col.ids("CPL", owner.size),
            "lacp_person_id": col.take(ctx.person_ids, care.person[owner]),
            "lacp_cla_care_plan_start_date": col.dates(begin),
            "lacp_cla_care_plan_end_date": col.dates(finish),
            "lacp_cla_care_plan_json": col.flag_json(_PLAN_KEYS, [(k,) for k in _PLAN_KEYS], key),
        },
    )
