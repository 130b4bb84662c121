"""Permanence and the legal road to it: adoption and other orders, life-story work, placements with
parents and their approval, previous permanence, and pre-proceedings.

Children leaving care by adoption have an agency decision (ADM), a placement order, a match, an adoptive
placement and an adoption order (`ssd_permanence`), and life-story work started within 3 months of the
decision and finished within 10 working days of the order (`ext_life_story`). Every placement with
parents (P1) is assessed within 10 working days and approved within 20, except the planted share of the
current ones (B11). Care proceedings and some drifting CP plans have a pre-proceedings record.

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col
from clearsight.synth.care import CarePeriods
from clearsight.synth.context import Context, quota
from clearsight.synth.journeys import ADOPTED, CAO, SGO
from clearsight.synth.timing import FAR, add_months
from clearsight.synth.workforce import ADOPTION

_ADOPTERS = (("MF", "L11", "2"), ("MF", "L3", "2"), ("FF", "L12", "2"), ("MM", "L2", "2"), ("F1", "L0", "1"))
_ADOPTER_WEIGHTS = (0.6, 0.15, 0.1, 0.05, 0.1)


def permanence_tables(ctx: Context, care: CarePeriods) -> dict[str, pa.Table]:
    """`ssd_permanence`, `ext_life_story`, `ext_pwp_assessment`, `ssd_cla_previous_permanence` and
    `ssd_pre_proceedings`."""
    rng = ctx.rng("permanence")
    return {
        **_adoption(ctx, rng, care),
        "ext_pwp_assessment": _placed_with_parents(ctx, rng, care),
        "ssd_cla_previous_permanence": _previous(ctx, rng, care),
        "ssd_pre_proceedings": _pre_proceedings(ctx, rng, care),
    }


def _adoption(ctx: Context, rng, care: CarePeriods) -> dict[str, pa.Table]:
    a, clock = ctx.clock.as_at, ctx.clock
    adopting = (care.exit == ADOPTED) & (care.placement_order < FAR)
    other_order = np.isin(care.exit, (SGO, CAO)) & (care.end <= a)
    rows = np.flatnonzero(adopting | other_order)
    adopt = adopting[rows]
    n = rows.size
    decision = np.maximum(care.placement_order[rows] - rng.integers(30, 121, n), care.start[rows] + 60)
    decision = np.where(adopt & (decision <= a), decision, FAR)
    order_date = np.where(adopt & (care.placement_order[rows] <= a), care.placement_order[rows], FAR)
    placed = np.where(adopt, care.placed_for_adoption[rows], FAR)
    matched = np.where(placed < FAR, placed - rng.integers(7, 46, n), FAR)
    made = care.end[rows] <= a
    adopted = adopt & made
    kind = np.where(adopt, 0, np.where(care.exit[rows] == SGO, 1, 2))
    # adopted by their foster carer: an A5 placement; the foster placement before it began the care
    places = np.searchsorted(care.place_period, rows, side="right") - 1  # each period's last placement
    by_carer = adopt & (placed < FAR) & (care.place_type[places] == "A5")
    foster_start = np.where(by_carer, care.place_start[np.maximum(places - 1, 0)], FAR)
    adopter = rng.choice(len(_ADOPTERS), size=n, p=_ADOPTER_WEIGHTS)
    sex, status, number = (np.array(x)[adopter] for x in zip(*_ADOPTERS, strict=True))
    siblings = rng.random(n) < 0.3
    workers = ctx.workforce.members(ADOPTION)
    permanence = col.table(
        "ssd_permanence",
        {
            "perm_table_id": col.ids("PM", n),
            "perm_person_id": col.take(ctx.person_ids, care.person[rows]),
            "perm_cla_id": col.take(care.ids, rows),
            "perm_adm_decision_date": col.dates(decision),
            "perm_placement_order_date": col.dates(order_date),
            "perm_placed_for_adoption_date": col.dates(placed),
            "perm_matched_date": col.dates(matched),
            "perm_adopted_by_carer_flag": col.flags(by_carer, null=placed >= FAR),
            "perm_placed_foster_carer_date": col.dates(foster_start),
            "perm_part_of_sibling_group": col.flags(siblings, null=~adopt),
            "perm_siblings_placed_together": pa.array(
                np.where(siblings, rng.integers(1, 3, n), 0), mask=~adopt
            ),
            "perm_siblings_placed_apart": pa.array(np.where(siblings, rng.integers(0, 2, n), 0), mask=~adopt),
            "perm_permanence_order_date": col.dates(np.where(made, care.end[rows], FAR)),
            "perm_permanence_order_type": col.pick(
                ("Adoption", "Special Guardianship", "Child Arrangements Order/ Residence Order", None),
                np.where(made, kind, 3),
            ),
            "perm_adoption_worker_id": col.take(
                ctx.workforce.staff_ids, np.where(adopt, workers[rng.integers(0, workers.size, n)], -1)
            ),
            "perm_adopter_sex": [s if d else None for s, d in zip(sex.tolist(), adopted, strict=True)],
            "perm_adopter_legal_status": [
                s if d else None for s, d in zip(status.tolist(), adopted, strict=True)
            ],
            "perm_number_of_adopters": [
                s if d else None for s, d in zip(number.tolist(), adopted, strict=True)
            ],
        },
    )
    stories = np.flatnonzero(decision < FAR)
    started = decision[stories] + rng.integers(14, 86, stories.size)
    done = clock.wd_add(
        np.where(made[stories] & adopt[stories], care.end[rows][stories], a),
        rng.integers(3, 11, stories.size),
    )
    done = np.where(made[stories] & adopt[stories] & (done <= a), done, FAR)
    begun = started <= a
    life_story = col.table(
        "ext_life_story",
        {
            "lifs_id": col.ids("LF", int(begun.sum())),
            "lifs_person_id": col.take(ctx.person_ids, care.person[rows][stories][begun]),
            "lifs_started_date": col.dates(started[begun]),
            "lifs_completed_date": col.dates(done[begun]),
        },
    )
    return {"ssd_permanence": permanence, "ext_life_story": life_story}


def _placed_with_parents(ctx: Context, rng, care: CarePeriods) -> pa.Table:
    """Assessment and approval of every placement with parents, bar the planted share of current ones."""
    clock = ctx.clock
    a = clock.as_at
    places = np.flatnonzero(care.place_type == "P1")
    start = care.place_start[places]
    current = care.place_end[places] >= FAR
    due = current & (clock.wd_between(start, np.full(start.size, a)) > 20)
    unapproved = quota(rng, due, ctx.rates.pwp_unapproved)
    no_row = unapproved & (rng.random(places.size) < 0.5)
    assessed = clock.wd_add(start, rng.integers(2, 11, places.size))
    approved = clock.wd_add(start, rng.integers(12, 21, places.size))
    assessed = np.where(assessed <= a, assessed, FAR)
    approved = np.where(unapproved | (approved > a) | (assessed >= FAR), FAR, approved)
    keep = ~no_row
    places, assessed, approved = places[keep], assessed[keep], approved[keep]
    return col.table(
        "ext_pwp_assessment",
        {
            "pwpa_id": col.ids("PW", places.size),
            "pwpa_person_id": col.take(ctx.person_ids, care.person[care.place_period[places]]),
            "pwpa_placement_id": col.take(care.place_ids, places),
            "pwpa_assessment_completed_date": col.dates(assessed),
            "pwpa_approval_date": col.dates(approved),
        },
    )


def _previous(ctx: Context, rng, care: CarePeriods) -> pa.Table:
    """Previous permanence (903 PrevPerm), for the children who started to be looked after in the window."""
    rows = np.flatnonzero(care.start >= ctx.clock.window_start)
    option = rng.choice(5, size=rows.size, p=(0.85, 0.03, 0.06, 0.06, 0.0))
    had = np.isin(option, (2, 3))
    when = (care.start[rows] - rng.integers(400, 3000, rows.size)).astype("datetime64[D]").astype(object)
    return col.table(
        "ssd_cla_previous_permanence",
        {
            "lapp_table_id": col.ids("PV", rows.size),
            "lapp_person_id": col.take(ctx.person_ids, care.person[rows]),
            "lapp_previous_permanence_order_date": [
                d.strftime("%d/%m/%Y") if h else None for d, h in zip(when, had, strict=True)
            ],
            "lapp_previous_permanence_option": col.pick(("Z1", "P4", "P2", "P3", "P1"), option),
            "lapp_previous_permanence_la": [ctx.la_code if h else None for h in had],
        },
    )


def _pre_proceedings(ctx: Context, rng, care: CarePeriods) -> pa.Table:
    """Pre-proceedings before care proceedings were issued, and for half the drifting CP plans (A15)."""
    j, a, w = ctx.journeys, ctx.clock.as_at, ctx.clock.window_start
    first_legal = np.searchsorted(care.legal_period, np.arange(care.start.size))
    issued = np.flatnonzero((care.legal_code[first_legal] == "C1") & (care.start >= w - 365))
    drifting = np.flatnonzero(
        j.cp & (j.cp1 >= FAR) & (add_months(j.cp0, 12) <= a) & (rng.random(len(j)) < 0.5)
    )
    k = issued.size
    person = np.concatenate([care.person[issued], j.person[drifting]])
    is_issue = np.arange(person.size) < k
    decision = np.minimum(
        np.concatenate(
            [
                care.start[issued] - rng.integers(60, 151, k),
                j.cp0[drifting] + rng.integers(270, 366, drifting.size),
            ]
        ),
        a,
    )
    issue = np.concatenate([care.start[issued], np.full(drifting.size, FAR)])
    plans = np.concatenate([j.cp[care.ref[issued]], np.ones(drifting.size, bool)]).astype(np.int64)
    order = np.lexsort((decision, person))
    person, is_issue, decision, issue, plans = (x[order] for x in (person, is_issue, decision, issue, plans))
    n = person.size
    meeting = np.where(decision + 21 <= a, decision + rng.integers(7, 22, n), FAR)
    letter = np.minimum(decision + rng.integers(3, 11, n), a)
    return col.table(
        "ssd_pre_proceedings",
        {
            "prep_table_id": col.ids("PP", n),
            "prep_person_id": col.take(ctx.person_ids, person),
            "prep_plo_family_id": col.ids("F", n),
            "prep_pre_pro_decision_date": col.dates(decision),
            "prep_initial_pre_pro_meeting_date": col.dates(meeting),
            "prep_pre_pro_outcome": col.pick(("C", None), (~is_issue).astype(np.int64)),
            "prep_agree_stepdown_issue_date": col.dates(issue),
            "prep_cp_plans_referral_period": plans,
            "prep_legal_gateway_outcome": col.pick(
                ("Issue care proceedings", "Enter pre-proceedings"), (~is_issue).astype(np.int64)
            ),
            "prep_prev_pre_proc_child": np.zeros(n, np.int64),
            "prep_prev_care_proc_child": np.zeros(n, np.int64),
            "prep_pre_pro_letter_date": col.dates(letter),
            "prep_care_pro_letter_date": col.dates(issue),
            "prep_pre_pro_meetings_num": rng.integers(1, 4, n),
            "prep_pre_pro_parents_legal_rep": col.flags(np.ones(n, bool)),
            "prep_parents_legal_rep_point_of_issue": col.flags(np.ones(n, bool), null=~is_issue),
            "prep_court_reference": [f"ZZ{26000 + i}" if s else None for i, s in enumerate(is_issue)],
            "prep_care_proc_short_notice": col.flags(np.zeros(n, bool), null=~is_issue),
        },
    )
