"""Children in need plans (`ssd_cin_plans`) and the visits to children on them (`ssd_cin_visits`).

A CIN plan follows an assessment, or steps down from a CP plan. Visits keep to the 20 working-day local
standard (A16) except for the planted share of children overdue at as_at (see `visits`).

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col
from clearsight.synth.allocation import Allocations
from clearsight.synth.context import Context
from clearsight.synth.visits import working_day_visits


def cin_tables(ctx: Context, alloc: Allocations) -> dict[str, pa.Table]:
    """`ssd_cin_plans` and `ssd_cin_visits`."""
    rng = ctx.rng("children in need")
    j, staff = ctx.journeys, ctx.workforce
    rows = np.flatnonzero(j.cin)
    person, start, end = j.person[rows], j.ci0[rows], j.ci1[rows]
    worker = alloc.worker_at(person, start)
    visits = working_day_visits(
        ctx, rng, person, start, end, standard=20, gap_lo=8, rate=ctx.rates.cin_visit_overdue
    )
    return {
        "ssd_cin_plans": col.table(
            "ssd_cin_plans",
            {
                "cinp_cin_plan_id": col.ids("CN", rows.size),
                "cinp_referral_id": col.take(ctx.referral_ids, rows),
                "cinp_person_id": col.take(ctx.person_ids, person),
                "cinp_cin_plan_start_date": col.dates(start),
                "cinp_cin_plan_end_date": col.dates(end),
                "cinp_cin_plan_team": col.take(staff.team_ids, staff.team_of(worker)),
                "cinp_cin_plan_worker_id": col.take(staff.staff_ids, worker),
            },
        ),
        "ssd_cin_visits": col.table(
            "ssd_cin_visits",
            {
                "cinv_cin_visit_id": col.ids("CNV", visits.owner.size),
                "cinv_person_id": col.take(ctx.person_ids, person[visits.owner]),
                "cinv_cin_visit_date": col.dates(visits.day),
                "cinv_cin_visit_seen": col.flags(visits.seen),
                "cinv_cin_visit_seen_alone": col.flags(visits.alone),
                "cinv_cin_visit_bedroom": col.flags(visits.bedroom),
            },
        ),
    }
