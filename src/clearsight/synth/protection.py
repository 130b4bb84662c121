"""Child protection: s47 enquiries, ICPCs, CP plans and their visits and reviews, CP medicals, voice.

ICPC timeliness and the drift of plans are planted in `journeys`; visits (A09) in `visits`; review
conferences (A08: first within 3 months of the ICPC, then every 6 months) through `series.review_chain`.
A plan ends at a review conference unless the child entered care or turned 18. Every s47 enquiry with a
physical-abuse concern has a CP medical or a recorded decision, except the planted share (A17).

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col
from clearsight.synth.allocation import Allocations
from clearsight.synth.context import Context, quota
from clearsight.synth.series import participation, review_chain
from clearsight.synth.timing import FAR, YEAR, add_months, birthday
from clearsight.synth.visits import working_day_visits

CATEGORIES = ("NEG", "PHY", "SAB", "EMO", "MUL")
_OTHER_CATEGORY_WEIGHTS = np.array([0.48, 0.0, 0.07, 0.38, 0.07])
_PHYSICAL_CATEGORY_WEIGHTS = np.array([0.25, 0.35, 0.0, 0.25, 0.15])
_S47_KEYS = (
    "NFA_FLAG",
    "LEGAL_ACTION_FLAG",
    "PROV_OF_SERVICES_FLAG",
    "PROV_OF_SB_CARE_FLAG",
    "CP_CONFERENCE_FLAG",
    "NFA_CONTINUE_SINGLE_FLAG",
    "MONITOR_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
_S47_OUTCOMES = (
    ("CP_CONFERENCE_FLAG",),
    ("PROV_OF_SERVICES_FLAG",),
    ("LEGAL_ACTION_FLAG",),
    ("NFA_CONTINUE_SINGLE_FLAG",),
)
_ICPC_KEYS = (
    "NFA_FLAG",
    "REFERRAL_TO_OTHER_AGENCY_FLAG",
    "SINGLE_ASSESSMENT_FLAG",
    "PROV_OF_SERVICES_FLAG",
    "CP_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
_ICPC_OUTCOMES = (("CP_FLAG",), ("PROV_OF_SERVICES_FLAG",), ("NFA_FLAG",))
_NO_MEDICAL_REASONS = (
    "Strategy discussion: no injury seen, medical not indicated",
    "Injury explained and consistent with account; medical not required",
    "Historic disclosure; no physical findings expected",
)


def protection_tables(ctx: Context, alloc: Allocations) -> dict[str, pa.Table]:
    """`ssd_s47_enquiry`, `ssd_initial_cp_conference`, `ssd_cp_plans`, `ssd_cp_visits`, `ssd_cp_reviews`,
    `ext_cp_medical` and `ssd_voice_of_child`."""
    rng = ctx.rng("protection")
    j, staff, clock = ctx.journeys, ctx.workforce, ctx.clock
    s47_rows, icpc_rows, cp_rows = np.flatnonzero(j.s47), np.flatnonzero(j.icpc), np.flatnonzero(j.cp)
    s47_ids, icpc_ids, cp_ids = (
        col.ids("S", s47_rows.size),
        col.ids("IC", icpc_rows.size),
        col.ids("CP", cp_rows.size),
    )
    s47_of, cp_of = _numbering(len(j), s47_rows), _numbering(len(j), cp_rows)
    icpc_of = _numbering(len(j), icpc_rows)
    s47_worker = alloc.worker_at(j.person[s47_rows], np.minimum(j.s1[s47_rows], clock.as_at))
    ended = j.s1[s47_rows] < FAR
    s47_outcome = np.select([j.conference[s47_rows], j.cin[s47_rows], j.cla[s47_rows]], [0, 1, 2], 3)
    tables = {
        "ssd_s47_enquiry": col.table(
            "ssd_s47_enquiry",
            {
                "s47e_s47_enquiry_id": s47_ids,
                "s47e_referral_id": col.take(ctx.referral_ids, s47_rows),
                "s47e_person_id": col.take(ctx.person_ids, j.person[s47_rows]),
                "s47e_s47_start_date": col.dates(j.s0[s47_rows]),
                "s47e_s47_end_date": col.dates(j.s1[s47_rows]),
                "s47e_s47_nfa": col.flags(s47_outcome == 3, null=~ended),
                "s47e_s47_outcome_json": col.flag_json(_S47_KEYS, _S47_OUTCOMES, s47_outcome, null=~ended),
                "s47e_s47_completed_by_worker_id": col.take(staff.staff_ids, s47_worker),
                "s47e_s47_completed_by_team": col.take(staff.team_ids, staff.team_of(s47_worker)),
            },
        ),
    }
    icpc_worker = alloc.worker_at(j.person[icpc_rows], j.icpc_date[icpc_rows])
    has_plan = j.cp[icpc_rows]
    tables["ssd_initial_cp_conference"] = col.table(
        "ssd_initial_cp_conference",
        {
            "icpc_icpc_id": icpc_ids,
            "icpc_icpc_meeting_id": col.ids("MT", icpc_rows.size),
            "icpc_s47_enquiry_id": col.take(s47_ids, s47_of[icpc_rows]),
            "icpc_person_id": col.take(ctx.person_ids, j.person[icpc_rows]),
            "icpc_cp_plan_id": col.take(cp_ids, cp_of[icpc_rows]),
            "icpc_referral_id": col.take(ctx.referral_ids, icpc_rows),
            "icpc_icpc_transfer_in": col.flags(np.zeros(icpc_rows.size, bool)),
            "icpc_icpc_target_date": col.dates(clock.wd_add(j.s0[icpc_rows], 15)),
            "icpc_icpc_date": col.dates(j.icpc_date[icpc_rows]),
            "icpc_icpc_outcome_cp_flag": col.flags(has_plan),
            "icpc_icpc_outcome_json": col.flag_json(
                _ICPC_KEYS, _ICPC_OUTCOMES, np.select([has_plan, j.cin[icpc_rows]], [0, 1], 2)
            ),
            "icpc_icpc_team": col.take(staff.team_ids, staff.team_of(icpc_worker)),
            "icpc_icpc_worker_id": col.take(staff.staff_ids, icpc_worker),
        },
    )
    tables.update(_plans(ctx, rng, cp_rows, cp_ids, icpc_ids, icpc_of))
    tables["ext_cp_medical"] = _medicals(ctx, rng, s47_rows, s47_ids)
    tables["ssd_voice_of_child"] = _voice(ctx, rng, cp_rows)
    return tables


def _numbering(n: int, rows: np.ndarray) -> np.ndarray:
    """For each referral, the row number of its record in a table of `rows` (-1 if none)."""
    number = np.full(n, -1, dtype=np.int64)
    number[rows] = np.arange(rows.size)
    return number


def _plans(ctx: Context, rng, cp_rows, cp_ids, icpc_ids, icpc_of) -> dict[str, pa.Table]:
    """CP plans with their categories, visits and review conferences."""
    j, clock, rates = ctx.journeys, ctx.clock, ctx.rates
    n = cp_rows.size
    person, start, end = j.person[cp_rows], j.cp0[cp_rows], j.cp1[cp_rows]
    physical = j.physical[cp_rows]
    other = rng.choice(len(CATEGORIES), size=n, p=_OTHER_CATEGORY_WEIGHTS)
    # a physical-abuse concern is not always the plan's category: its factors still show it (D10 (b))
    initial = np.where(physical, rng.choice(len(CATEGORIES), size=n, p=_PHYSICAL_CATEGORY_WEIGHTS), other)
    changed = ~physical & (rng.random(n) < 0.1)
    latest = np.where(changed, rng.choice([0, 3, 4], size=n), initial)
    plans = col.table(
        "ssd_cp_plans",
        {
            "cppl_cp_plan_id": cp_ids,
            "cppl_referral_id": col.take(ctx.referral_ids, cp_rows),
            "cppl_icpc_id": col.take(icpc_ids, icpc_of[cp_rows]),
            "cppl_person_id": col.take(ctx.person_ids, person),
            "cppl_cp_plan_start_date": col.dates(start),
            "cppl_cp_plan_end_date": col.dates(end),
            "cppl_cp_plan_initial_category": col.pick(CATEGORIES, initial),
            "cppl_cp_plan_ola": col.flags(np.zeros(n, bool)),
            "cppl_cp_plan_latest_category": col.pick(CATEGORIES, latest),
        },
    )
    visits = working_day_visits(
        ctx, rng, person, start, end, standard=10, gap_lo=3, rate=rates.cp_visit_overdue
    )
    b18 = birthday(ctx.dob[person], 18)
    reviews = review_chain(
        rng,
        clock,
        add_months(start, 3),
        end,
        second_months=6,
        later_months=6,
        late_rate=rates.late_cp_review,
        ends_with_review=(end < FAR) & ~j.cla_from_cp[cp_rows] & (end < b18),
    )
    keep = reviews.held >= clock.window_start
    owner, due, held, ending = (
        reviews.owner[keep],
        reviews.due[keep],
        reviews.held[keep],
        reviews.ending[keep],
    )
    return {
        "ssd_cp_plans": plans,
        "ssd_cp_visits": col.table(
            "ssd_cp_visits",
            {
                "cppv_cp_visit_id": col.ids("CPV", visits.owner.size),
                "cppv_person_id": col.take(ctx.person_ids, person[visits.owner]),
                "cppv_cp_plan_id": col.take(cp_ids, visits.owner),
                "cppv_cp_visit_date": col.dates(visits.day),
                "cppv_cp_visit_seen": col.flags(visits.seen),
                "cppv_cp_visit_seen_alone": col.flags(visits.alone),
                "cppv_cp_visit_bedroom": col.flags(visits.bedroom),
            },
        ),
        "ssd_cp_reviews": col.table(
            "ssd_cp_reviews",
            {
                "cppr_cp_review_id": col.ids("CPR", owner.size),
                "cppr_person_id": col.take(ctx.person_ids, person[owner]),
                "cppr_cp_plan_id": col.take(cp_ids, owner),
                "cppr_cp_review_due": col.dates(due),
                "cppr_cp_review_date": col.dates(held),
                "cppr_cp_review_meeting_id": col.ids("MR", owner.size),
                "cppr_cp_review_outcome_continue_cp": col.flags(~ending),
                "cppr_cp_review_quorate": col.flags(rng.random(owner.size) < 0.95),
                "cppr_cp_review_participation": participation(rng, ctx.dob[person[owner]], held),
            },
        ),
    }


def _medicals(ctx: Context, rng, s47_rows, s47_ids) -> pa.Table:
    """`ext_cp_medical`: a medical or a recorded decision for physical-abuse s47s, bar the planted share."""
    j, a = ctx.journeys, ctx.clock.as_at
    physical = j.physical[s47_rows]
    missing = quota(rng, physical, ctx.rates.cp_medical_missing)
    empty_row = missing & (rng.random(physical.size) < 0.3)
    rows = np.flatnonzero(physical & (~missing | empty_row))
    refs = s47_rows[rows]
    concern = np.maximum(j.referral[refs], j.s0[refs] - rng.integers(0, 4, rows.size))
    examined = ~empty_row[rows] & (rng.random(rows.size) < 0.7)
    decided = ~empty_row[rows] & ~examined
    medical = np.where(examined, np.minimum(concern + rng.integers(0, 2, rows.size), a), FAR)
    reason = np.where(decided, rng.integers(0, len(_NO_MEDICAL_REASONS), rows.size), len(_NO_MEDICAL_REASONS))
    return col.table(
        "ext_cp_medical",
        {
            "cpme_id": col.ids("MD", rows.size),
            "cpme_person_id": col.take(ctx.person_ids, j.person[refs]),
            "cpme_s47_enquiry_id": col.take(s47_ids, rows),
            "cpme_concern_type": col.pick(
                ("injury", "disclosure"), (rng.random(rows.size) < 0.35).astype(np.int64)
            ),
            "cpme_concern_date": col.dates(concern),
            "cpme_medical_date": col.dates(medical),
            "cpme_not_required_reason": col.pick((*_NO_MEDICAL_REASONS, None), reason),
        },
    )


def _voice(ctx: Context, rng, cp_rows) -> pa.Table:
    """`ssd_voice_of_child`: answers from some children aged 7 or over on a CP plan at as_at."""
    j, a = ctx.journeys, ctx.clock.as_at
    person = j.person[cp_rows]
    asked = (j.cp1[cp_rows] >= FAR) & ((a - ctx.dob[person]) / YEAR >= 7) & (rng.random(cp_rows.size) < 0.4)
    person = person[asked]
    n = person.size
    answers = {
        name: col.flags(rng.random(n) < 0.8)
        for name in (
            "voch_explained_worries",
            "voch_story_help_understand",
            "voch_agree_worker",
            "voch_plan_safe",
            "voch_tablet_help_explain",
        )
    }
    return col.table(
        "ssd_voice_of_child",
        {"voch_table_id": col.ids("VC", n), "voch_person_id": col.take(ctx.person_ids, person), **answers},
    )
