"""Care leavers (`ssd_care_leavers`): one row per young person for the as-at date.

Young people who left care at 16 or over after at least 13 weeks are relevant (under 18) or former
relevant (18 and over) care leavers; those aged 22-24 are kept while still supported (two in five).
Everyone has a personal adviser, a pathway plan reviewed in the last 6 months and, when in touch, a
contact in the last 2 months. The planted shares of the 17-21 year-olds (and, at the same rates, of the
others) are not in touch (residence not known), homeless, in bed and breakfast, or in custody.

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col
from clearsight.synth.context import Context, quota
from clearsight.synth.journeys import is_care_leaver
from clearsight.synth.timing import FAR, age_on
from clearsight.synth.workforce import LEAVING_CARE

SETTLED = ("B", "C", "D", "E", "K", "T", "U", "Y", "Z")
_SETTLED_YOUNG = (
    0.15,
    0.10,
    0.40,
    0.15,
    0.0,
    0.10,
    0.10,
    0.0,
    0.0,
)  # aged 16-17: no Z near the 17th birthday
_SETTLED_ADULT = (0.12, 0.0, 0.20, 0.08, 0.05, 0.07, 0.30, 0.03, 0.15)
ACTIVITIES = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6")
_ACTIVITY_WEIGHTS = (0.08, 0.01, 0.20, 0.04, 0.05, 0.01, 0.14, 0.05, 0.10, 0.25, 0.07)
_PLANTED = ("R", "S", "W", "X")  # not in touch (residence not known), homeless, bed and breakfast, custody


def care_leavers_table(ctx: Context) -> pa.Table:
    """`ssd_care_leavers`."""
    rng = ctx.rng("care leavers")
    j, a, rates = ctx.journeys, ctx.clock.as_at, ctx.rates
    refs = np.flatnonzero(is_care_leaver(ctx.clock, j.cla, j.cla_exit, j.c0, j.c1, j.dob[j.person]))
    refs = refs[np.r_[j.person[refs][1:] != j.person[refs][:-1], True]]  # each person's latest period
    age = age_on(ctx.dob[j.person[refs]], a)
    refs = refs[(age >= 16) & ((age <= 21) | (rng.random(refs.size) < 0.4))]
    person, left = j.person[refs], j.c1[refs]
    age = age_on(ctx.dob[person], a)
    n = person.size
    kpi = (age >= 17) & (age <= 21)
    planted = np.full(n, -1)
    rate_of = (
        rates.care_leaver_not_in_touch,
        rates.care_leaver_homeless,
        rates.care_leaver_bed_and_breakfast,
        rates.care_leaver_custody,
    )
    for group in (kpi, ~kpi):
        total = group.sum()
        for k, rate in enumerate(rate_of):
            free = group & (planted < 0)
            planted[quota(rng, free, rate * total / max(free.sum(), 1))] = k
    young = age < 18
    settled = np.where(
        young,
        rng.choice(len(SETTLED), size=n, p=_SETTLED_YOUNG),
        rng.choice(len(SETTLED), size=n, p=_SETTLED_ADULT),
    )
    letter = np.where(
        planted >= 0,
        len(SETTLED) + planted,
        settled,
    )
    in_touch = planted != 0
    activity = np.where(in_touch, rng.choice(len(ACTIVITIES), size=n, p=_ACTIVITY_WEIGHTS), len(ACTIVITIES))
    contact = np.where(
        in_touch, a - rng.integers(0, 56, n), np.where(rng.random(n) < 0.5, a - rng.integers(70, 300, n), FAR)
    )
    contact = np.where(contact < FAR, np.maximum(contact, left), FAR)
    advisers = ctx.workforce.members(LEAVING_CARE)
    adviser = advisers[rng.integers(0, advisers.size, n)]
    adviser_ids = col.take(ctx.workforce.staff_ids, adviser)
    return col.table(
        "ssd_care_leavers",
        {
            "clea_table_id": col.ids("CL", n),
            "clea_person_id": col.take(ctx.person_ids, person),
            "clea_care_leaver_eligibility": col.pick(("Former Relevant", "Relevant"), young.astype(np.int64)),
            "clea_care_leaver_in_touch": col.pick(("NO", "YES"), in_touch.astype(np.int64)),
            "clea_care_leaver_latest_contact": col.dates(contact),
            "clea_care_leaver_accommodation": col.pick((*SETTLED, *_PLANTED), letter),
            "clea_care_leaver_accom_suitable": col.pick(("2", "1"), (planted < 0).astype(np.int64)),
            "clea_care_leaver_activity": col.pick((*ACTIVITIES, None), activity),
            "clea_pathway_plan_review_date": col.dates(np.maximum(a - rng.integers(0, 170, n), left)),
            "clea_care_leaver_personal_advisor": adviser_ids,
            "clea_care_leaver_allocated_team": col.take(
                ctx.workforce.team_ids, ctx.workforce.team_of(adviser)
            ),
            "clea_care_leaver_worker_id": adviser_ids,
        },
    )
