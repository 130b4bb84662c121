"""The front door: contacts, early help, referrals (`ssd_cin_episodes`), assessments and their factors.

Every referral in the history window follows a contact made the same day or a day or two before;
other contacts (about 16,000 a year at county scale) end in advice, no further action or early help,
some about children already known, most about children seen only once. Assessment factors are a JSON
array of CIN census codes; physical-abuse enquiries carry 18B or 18C (indicators.md D10 (b)), no other
assessment does.

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from clearsight.synth import columns as col
from clearsight.synth.allocation import Allocations
from clearsight.synth.context import Context
from clearsight.synth.journeys import AGE_BANDS, AGE_WEIGHTS, CLOSE_REASONS, RC8, RC9
from clearsight.synth.timing import FAR, YEAR, birthday
from clearsight.synth.workforce import EARLY_HELP as EARLY_HELP_TEAM

OTHER_CONTACTS_PER_YEAR = 14_500  # at county scale: contacts that do not become referrals
SOURCES = (
    "1A",
    "1B",
    "1C",
    "1D",
    "2A",
    "2B",
    "3A",
    "3B",
    "3C",
    "3D",
    "3E",
    "3F",
    "4",
    "5A",
    "5B",
    "5C",
    "5D",
    "6",
    "7",
    "8",
    "9",
    "10",
)
_SOURCE_WEIGHTS = np.array([3, 2, 1, 2, 18, 2, 4, 3, 1, 2, 3, 1, 2, 3, 3, 1, 3, 28, 3, 8, 3, 4], dtype=float)
_SOURCE_LABELS = (
    "Individual: family member, relative or carer",
    "Individual: acquaintance",
    "Individual: self",
    "Individual: other",
    "Schools",
    "Education services",
    "Health services: GP",
    "Health services: health visitor",
    "Health services: school nurse",
    "Health services: other primary health",
    "Health services: A&E",
    "Health services: other",
    "Housing",
    "LA services: social care",
    "LA services: other internal",
    "LA services: external",
    "LA services: early help",
    "Police",
    "Other legal agency",
    "Other",
    "Anonymous",
    "Unknown",
)
NEEDS = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9", "N0")
_NEED_WEIGHTS = np.array([25, 6, 5, 12, 20, 5, 1, 3, 20, 3], dtype=float)

_CONTACT_KEYS = (
    "NEW_REFERRAL_FLAG",
    "EXISTING_REFERRAL_FLAG",
    "CP_ENQUIRY_FLAG",
    "NFA_FLAG",
    "NON_AGENCY_ADOPTION_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "ADVICE_FLAG",
    "MISSING_FLAG",
    "OLA_CP_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
_CONTACT_OUTCOMES = (("NEW_REFERRAL_FLAG",), ("NFA_FLAG",), ("ADVICE_FLAG",), ("OTHER_OUTCOMES_EXIST_FLAG",))
REFERRAL, NFA, ADVICE, EARLY_HELP = range(4)
_REFERRAL_KEYS = (
    "SINGLE_ASSESSMENT_FLAG",
    "NFA_FLAG",
    "STRATEGY_DISCUSSION_FLAG",
    "CLA_REQUEST_FLAG",
    "NON_AGENCY_ADOPTION_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "CP_TRANSFER_IN_FLAG",
    "CP_CONFERENCE_FLAG",
    "CARE_LEAVER_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
_REFERRAL_OUTCOMES = (
    ("NFA_FLAG",),
    ("SINGLE_ASSESSMENT_FLAG",),
    ("SINGLE_ASSESSMENT_FLAG", "STRATEGY_DISCUSSION_FLAG"),
    ("SINGLE_ASSESSMENT_FLAG", "CLA_REQUEST_FLAG"),
)
_ASSESSMENT_KEYS = (
    "NFA_FLAG",
    "NFA_S47_END_FLAG",
    "STRATEGY_DISCUSSION_FLAG",
    "CLA_REQUEST_FLAG",
    "PRIVATE_FOSTERING_FLAG",
    "LEGAL_ACTION_FLAG",
    "PROV_OF_SERVICES_FLAG",
    "PROV_OF_SB_CARE_FLAG",
    "SPECIALIST_ASSESSMENT_FLAG",
    "REFERRAL_TO_OTHER_AGENCY_FLAG",
    "OTHER_ACTIONS_FLAG",
    "OTHER_OUTCOMES_EXIST_FLAG",
)
_ASSESSMENT_OUTCOMES = (
    ("NFA_FLAG",),
    ("NFA_FLAG", "REFERRAL_TO_OTHER_AGENCY_FLAG"),
    ("STRATEGY_DISCUSSION_FLAG",),
    ("PROV_OF_SERVICES_FLAG",),
    ("CLA_REQUEST_FLAG",),
)
_PHYSICAL_FACTORS = ("18C", "18B")
_HARM_FACTORS = ("16A", "17A", "3B", "4B", "2B", "1B", "19C", "11A", "24A")
_NEED_FACTORS = (
    "3B",
    "4B",
    "2B",
    "1B",
    "6B",
    "5B",
    "14A",
    "10A",
    "4A",
    "7A",
    "15A",
    "20",
    "16A",
    "17A",
    "3A",
)
_EARLY_HELP_REASONS = (
    "Parenting support",
    "School attendance",
    "Domestic abuse",
    "Emotional wellbeing",
    "Housing and money",
    "Behaviour",
    "Young carer",
)
_EARLY_HELP_ENDS = (
    "Outcomes achieved",
    "Stepped up to children's social care",
    "Family disengaged",
    "Moved away",
)


@dataclass
class ContactPlan:
    """Contacts decided before the people table exists: who (person number), when, source and outcome."""

    person: np.ndarray
    date: np.ndarray
    source: np.ndarray
    outcome: np.ndarray
    extra_dob: np.ndarray  # dates of birth of the people known only from contacts
    referral_source: np.ndarray  # the source of each referral (and of the contact before it)


def plan_contacts(ctx: Context) -> ContactPlan:
    """Every contact in the window, adding the children known only from contacts as new people."""
    rng = ctx.rng("contacts")
    j, clock = ctx.journeys, ctx.clock
    w, a = clock.window_start, clock.as_at
    refs = np.flatnonzero(j.referral >= w)
    lead = rng.choice(3, size=refs.size, p=(0.7, 0.2, 0.1))
    ref_date = np.maximum(j.referral[refs] - lead, j.dob[j.person[refs]])
    others = rng.poisson(OTHER_CONTACTS_PER_YEAR * ctx.scale * clock.HISTORY_YEARS)
    known = rng.random(others) < 0.35
    # about children already known: any day in the window while they are under 18
    who = rng.integers(0, j.dob.size, known.sum())
    low, high = np.maximum(w, j.dob[who]), np.minimum(a, birthday(j.dob[who], 18) - 1)
    fine = low <= high
    who, known_date = who[fine], (low + rng.random(fine.size) * (high - low + 1)).astype(np.int64)[fine]
    # about children seen only at the front door, one in five of them twice
    first = rng.integers(w, a + 1, others - known.sum())
    band = rng.choice(len(AGE_BANDS), size=first.size, p=AGE_WEIGHTS)
    age_low, age_high = np.array(AGE_BANDS)[band].T
    extra_dob = first - (rng.uniform(age_low, age_high) * YEAR).astype(np.int64)
    second = first + rng.integers(30, 400, first.size)
    again = (rng.random(first.size) < 0.2) & (second <= a) & (second < birthday(extra_dob, 18))
    new_person = j.dob.size + np.arange(first.size)
    person = np.concatenate([j.person[refs], who, new_person, new_person[again]])
    date = np.concatenate([ref_date, known_date, first, second[again]])
    weights = _SOURCE_WEIGHTS / _SOURCE_WEIGHTS.sum()
    referral_source = np.where(j.uasc, SOURCES.index("6"), rng.choice(len(SOURCES), size=len(j), p=weights))
    source = np.concatenate(
        [referral_source[refs], rng.choice(len(SOURCES), size=person.size - refs.size, p=weights)]
    )
    outcome = np.concatenate(
        [np.full(refs.size, REFERRAL), rng.choice(3, size=person.size - refs.size, p=(0.45, 0.35, 0.2)) + 1]
    )
    order = np.lexsort((date, person))
    return ContactPlan(person[order], date[order], source[order], outcome[order], extra_dob, referral_source)


def contacts_table(ctx: Context, plan: ContactPlan) -> pa.Table:
    """`ssd_contacts`."""
    return col.table(
        "ssd_contacts",
        {
            "cont_contact_id": col.ids("C", plan.person.size),
            "cont_person_id": col.take(ctx.person_ids, plan.person),
            "cont_contact_date": col.dates(plan.date),
            "cont_contact_source_code": col.pick(SOURCES, plan.source),
            "cont_contact_source_desc": col.pick(_SOURCE_LABELS, plan.source),
            "cont_contact_outcome_json": col.flag_json(_CONTACT_KEYS, _CONTACT_OUTCOMES, plan.outcome),
        },
    )


def early_help_table(ctx: Context, plan: ContactPlan) -> pa.Table:
    """`ssd_early_help_episodes`: after early-help contacts and assessments closed to early help (RC9)."""
    rng = ctx.rng("early help")
    j, staff, a = ctx.journeys, ctx.workforce, ctx.clock.as_at
    from_contact = plan.outcome == EARLY_HELP
    rc9 = (j.close_reason == RC9) & (j.close < FAR)
    person = np.concatenate([plan.person[from_contact], j.person[rc9]])
    start = np.concatenate(
        [
            plan.date[from_contact] + rng.integers(0, 15, from_contact.sum()),
            j.close[rc9] + rng.integers(0, 15, rc9.sum()),
        ]
    )
    keep = (start >= ctx.clock.window_start) & (start <= a) & (start < birthday(ctx.dob[person], 18))
    order = np.flatnonzero(keep)[np.lexsort((start[keep], person[keep]))]
    person, start = person[order], start[order]
    end = start + rng.integers(60, 300, person.size)
    ended = end <= a
    workers = staff.members(EARLY_HELP_TEAM)
    worker = workers[rng.integers(0, workers.size, person.size)]
    return col.table(
        "ssd_early_help_episodes",
        {
            "earl_episode_id": col.ids("EH", person.size),
            "earl_person_id": col.take(ctx.person_ids, person),
            "earl_episode_start_date": col.dates(start),
            "earl_episode_end_date": col.dates(np.where(ended, end, FAR)),
            "earl_episode_reason": col.pick(
                _EARLY_HELP_REASONS, rng.integers(0, len(_EARLY_HELP_REASONS), person.size)
            ),
            "earl_episode_end_reason": col.pick(
                (*_EARLY_HELP_ENDS, None),
                np.where(ended, rng.choice(4, size=person.size, p=(0.6, 0.15, 0.15, 0.1)), 4),
            ),
            "earl_episode_organisation": col.pick(("Early Help Service",), np.zeros(person.size, np.int64)),
            "earl_episode_worker_id": col.take(staff.staff_ids, worker),
        },
    )


def referrals_table(ctx: Context, alloc: Allocations, plan: ContactPlan) -> pa.Table:
    """`ssd_cin_episodes`: one row per referral, from the same source as its contact."""
    rng = ctx.rng("referrals")
    j, staff = ctx.journeys, ctx.workforce
    n = len(j)
    source = plan.referral_source
    need = rng.choice(len(NEEDS), size=n, p=_NEED_WEIGHTS / _NEED_WEIGHTS.sum())
    need = np.select([j.s47 | j.cla_from_cp, j.uasc, j.nfa & (rng.random(n) < 0.6)], [0, 7, 8], need)
    outcome = np.select([j.nfa, j.uasc, j.s47], [0, 3, 2], 1)
    worker = alloc.worker_at(j.person, j.referral)
    return col.table(
        "ssd_cin_episodes",
        {
            "cine_referral_id": ctx.referral_ids,
            "cine_person_id": col.take(ctx.person_ids, j.person),
            "cine_referral_date": col.dates(j.referral),
            "cine_cin_primary_need_code": col.pick(NEEDS, need),
            "cine_referral_source_code": col.pick(SOURCES, source),
            "cine_referral_source_desc": col.pick(_SOURCE_LABELS, source),
            "cine_referral_outcome_json": col.flag_json(_REFERRAL_KEYS, _REFERRAL_OUTCOMES, outcome),
            "cine_referral_nfa": col.flags(j.nfa),
            "cine_close_reason": col.pick(
                (*CLOSE_REASONS, None), np.where(j.close < FAR, j.close_reason, len(CLOSE_REASONS))
            ),
            "cine_close_date": col.dates(j.close),
            "cine_referral_team": col.take(staff.team_ids, staff.team_of(worker)),
            "cine_referral_worker_id": col.take(staff.staff_ids, worker),
        },
    )


def assessment_tables(ctx: Context, alloc: Allocations) -> tuple[pa.Table, pa.Table]:
    """`ssd_cin_assessments` and `ssd_assessment_factors` (one factors row per assessment)."""
    rng = ctx.rng("assessments")
    j, staff, a = ctx.journeys, ctx.workforce, ctx.clock.as_at
    rows = np.flatnonzero(j.asmt)
    n = rows.size
    done = j.a1[rows] < FAR
    followed = j.s47[rows] | j.cin[rows] | j.cla[rows] | j.cp[rows]
    outcome = np.select(
        [j.s47[rows], j.cla[rows] & ~j.cp[rows] & ~j.cin[rows], j.cin[rows], j.close_reason[rows] == RC9],
        [2, 4, 3, 1],
        0,
    )
    worker = alloc.worker_at(j.person[rows], np.minimum(j.a1[rows], a))
    ids = col.ids("A", n)
    assessments = col.table(
        "ssd_cin_assessments",
        {
            "cina_assessment_id": ids,
            "cina_person_id": col.take(ctx.person_ids, j.person[rows]),
            "cina_referral_id": col.take(ctx.referral_ids, rows),
            "cina_assessment_start_date": col.dates(j.a0[rows]),
            "cina_assessment_child_seen": col.flags(rng.random(n) < 0.95),
            "cina_assessment_auth_date": col.dates(j.a1[rows]),
            "cina_assessment_outcome_json": col.flag_json(
                _ASSESSMENT_KEYS, _ASSESSMENT_OUTCOMES, outcome, null=~done
            ),
            "cina_assessment_outcome_nfa": col.flags(~followed, null=~done),
            "cina_assessment_team": col.take(staff.team_ids, staff.team_of(worker)),
            "cina_assessment_worker_id": col.take(staff.staff_ids, worker),
        },
    )
    factors = col.table(
        "ssd_assessment_factors",
        {
            "cinf_table_id": col.ids("AF", n),
            "cinf_assessment_id": ids,
            "cinf_assessment_factors_json": _factors(rng, j, rows),
        },
    )
    return assessments, factors


def _factors(rng, j, rows: np.ndarray) -> list[str]:
    """A JSON array of assessment factor codes for each assessment."""
    n = rows.size
    count = rng.integers(1, 4, n)
    harm, need, also = (
        _distinct(rng, pool, n) for pool in (_HARM_FACTORS, _NEED_FACTORS, _HARM_FACTORS[2:6])
    )
    physical = np.where(rng.random(n) < 0.2, "18B", "18C")
    kind = np.select(
        [j.physical[rows], j.s47[rows], (j.close_reason[rows] >= RC8) & (rng.random(n) < 0.25)], [0, 1, 2], 3
    )
    texts = []
    for i, (k, how) in enumerate(zip(count, kind, strict=True)):
        codes = ([physical[i], *also[i, : k - 1]], harm[i, :k], ["21"], need[i, :k])[how]
        texts.append("[" + ",".join(f'"{c}"' for c in codes) + "]")
    return texts


def _distinct(rng, pool: tuple[str, ...], n: int) -> np.ndarray:
    """Three distinct codes from `pool` for each of n rows, in random order."""
    return np.asarray(pool)[np.argsort(rng.random((n, len(pool))), axis=1)[:, :3]]
