"""Children's journeys through social care, simulated forward one referral at a time, as arrays.

A referral (one `ssd_cin_episodes` row) may lead, in this order, to an assessment, a s47 enquiry, an
initial child protection conference (ICPC) and a CP plan, a CIN plan (or a step-down CIN plan after the
CP plan) and a period in care; the referral closes when the last of them ends. Closed referrals are
sometimes followed by a re-referral of the same child.

Referrals arrive at a steady rate over the 26 years before as_at, so that the children open at as_at
(some in care since infancy) and the care leavers are in steady state. Only journeys that reach the
three-year history window, or that ended in a young person leaving care who is a care leaver at as_at,
are kept. Every date after as_at is cut: a stage not yet started is dropped, one still running is open
(`FAR`). No stage starts on or after the child's 18th birthday; plans and care end on it at the latest.

The planted lateness of assessments and ICPCs, and the share of open CP plans that have drifted, are
set here (see `rates.PlantedRates`).

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clearsight.synth.rates import PlantedRates
from clearsight.synth.timing import FAR, YEAR, Clock, add_months, birthday

# Volumes at county scale (scale 1.0), tuned so that the county meets the targets.
FIRST_REFERRALS_PER_YEAR = 6900
P_REREFERRAL = 0.25
P_NFA = 0.11  # referrals closed with no further action before any assessment
P_S47 = 0.31  # of assessed referrals
P_PHYSICAL = 0.20  # of s47 enquiries: a physical-abuse concern
P_CONFERENCE = 0.38  # of s47 enquiries
P_CP = 0.85  # of ICPCs
P_CLA_DIRECT, P_CIN = 0.022, 0.35  # of assessed referrals with no CP plan
UASC_PER_YEAR = 125  # unaccompanied asylum-seeking children, accommodated on referral at 15-17
P_CLA_AFTER_CP, P_CIN_AFTER_CP = 0.10, 0.47
P_CLA_AFTER_CIN = 0.02
CP_NORMAL_DAYS, CP_DRIFT_DAYS = (75, 360), (366, 900)  # CP plan lengths below and at 12+ months

# Referral ages in years (bands under 1, 1-4, 5-9, 10-15, 16-17) and their weights; the last band stops
# a few days short of 18 so that no day count lands on the 18th birthday.
AGE_BANDS = ((0, 1), (1, 5), (5, 10), (10, 16), (16, 17.99))
AGE_WEIGHTS = (0.12, 0.20, 0.25, 0.33, 0.10)

# Ways of leaving care, with their chances by age at entry (0-4, 5-9, 10-13, 14-15, 16-17).
HOME, ADOPTED, SGO, CAO, AGE18, INDEPENDENT = range(6)
_EXIT_AGES = (5, 10, 14, 16)
_EXIT_CHANCES = np.array(
    [
        [0.44, 0.29, 0.17, 0.05, 0.05, 0.00],
        [0.63, 0.00, 0.20, 0.05, 0.12, 0.00],
        [0.57, 0.00, 0.05, 0.00, 0.38, 0.00],
        [0.25, 0.00, 0.00, 0.00, 0.65, 0.10],
        [0.10, 0.00, 0.00, 0.00, 0.80, 0.10],
    ]
)

# CIN closure reasons (formats.md A.3), indexed by the close_reason codes below.
CLOSE_REASONS = ("RC1", "RC3", "RC4", "RC6", "RC7", "RC8", "RC9")
RC1, RC3, RC4, RC6, RC7, RC8, RC9 = range(7)

_STAGES = [
    "person",
    "referral",
    "close",
    "close_reason",
    "nfa",
    "asmt",
    "a0",
    "a1",
    "asmt_late",
    "s47",
    "s0",
    "s1",
    "physical",
    "conference",
    "icpc",
    "icpc_date",
    "cp",
    "cp0",
    "cp1",
    "cin",
    "ci0",
    "ci1",
    "cla",
    "c0",
    "c1",
    "cla_exit",
    "cla_emergency",
    "cla_from_cp",
    "uasc",
]


@dataclass
class Journeys:
    """One entry per referral (arrays of equal length), plus each person's date of birth.

    Dates are day numbers; an end that has not happened by as_at is `FAR`. A stage's dates mean nothing
    where its flag (`asmt`, `s47`, `icpc`, `cp`, `cin`, `cla`) is False. `conference` marks s47
    enquiries that led to an ICPC, held (`icpc`) or still to come.
    """

    dob: np.ndarray
    person: np.ndarray
    referral: np.ndarray
    close: np.ndarray
    close_reason: np.ndarray
    nfa: np.ndarray
    asmt: np.ndarray
    a0: np.ndarray
    a1: np.ndarray
    asmt_late: np.ndarray
    s47: np.ndarray
    s0: np.ndarray
    s1: np.ndarray
    physical: np.ndarray
    conference: np.ndarray
    icpc: np.ndarray
    icpc_date: np.ndarray
    cp: np.ndarray
    cp0: np.ndarray
    cp1: np.ndarray
    cin: np.ndarray
    ci0: np.ndarray
    ci1: np.ndarray
    cla: np.ndarray
    c0: np.ndarray
    c1: np.ndarray
    cla_exit: np.ndarray
    cla_emergency: np.ndarray
    cla_from_cp: np.ndarray
    uasc: np.ndarray

    def __len__(self) -> int:
        return self.referral.size


def _drift_lengths(rng, clock: Clock, cp: np.ndarray, cp0: np.ndarray, b18: np.ndarray, target: float):
    """CP plan lengths in days: normal (under 12 months) or drifting (12 months or more).

    Each plan draws both lengths and a uniform v, and drifts when v < π. π is found by bisection so that,
    in this batch, `target` of the plans open at as_at have been open 12 months or more (A14): planting
    the rate on the sample itself, whatever the 18th-birthday cut-offs do to the lengths.
    """
    n = cp0.size
    v = rng.random(n)
    normal = rng.integers(*CP_NORMAL_DAYS, n)
    drifting = rng.integers(*CP_DRIFT_DAYS, n, endpoint=True)
    old = add_months(cp0, 12) <= clock.as_at

    def share(pi: float) -> tuple[np.ndarray, float]:
        end = np.minimum(cp0 + np.where(v < pi, drifting, normal), b18)
        open_ = cp & (cp0 <= clock.as_at) & (end > clock.as_at)
        return end, (open_ & old).sum() / max(open_.sum(), 1)

    low, high = 0.0, 1.0
    for _ in range(30):
        middle = (low + high) / 2
        low, high = (middle, high) if share(middle)[1] < target else (low, middle)
    return share(high)[0]


def simulate(rng: np.random.Generator, clock: Clock, scale: float, rates: PlantedRates) -> Journeys:
    """Every kept referral of a council of the given scale, ordered by person and referral date."""
    years = (clock.as_at - clock.horizon) / YEAR
    count = rng.poisson(FIRST_REFERRALS_PER_YEAR * scale * years)
    uasc_count = rng.poisson(UASC_PER_YEAR * scale * years)
    referral = rng.integers(clock.horizon, clock.as_at + 1, count + uasc_count)
    band = rng.choice(len(AGE_BANDS), size=count, p=AGE_WEIGHTS)
    low, high = np.array(AGE_BANDS)[band].T
    age = np.concatenate([rng.uniform(low, high), rng.uniform(15.0, 17.6, uasc_count)])
    dob = referral - (age * YEAR).astype(np.int64)
    uasc = np.arange(count + uasc_count) >= count
    person = np.arange(count + uasc_count)
    batches = []
    while person.size:
        batch = _settle(_journey(rng, clock, person, referral, dob[person], uasc[person], rates), clock)
        batches.append(batch)
        person, referral = _re_referrals(rng, clock, batch, dob)
    merged = {key: np.concatenate([b[key] for b in batches]) for key in _STAGES}
    return _keep(clock, merged, dob)


def _journey(rng, clock: Clock, person, referral, dob, uasc, rates: PlantedRates) -> dict[str, np.ndarray]:
    """Plan every stage of a batch of referrals, ignoring as_at (see `_settle`).

    Unaccompanied asylum-seeking children (`uasc`) are assessed and accommodated within days.
    """
    n = referral.size
    b18 = birthday(dob, 18)
    rolled = clock.working_on_or_after(referral)
    referral = np.where((rng.random(n) < 0.85) & (rolled < b18) & (rolled <= clock.as_at), rolled, referral)
    nfa = (rng.random(n) < P_NFA) & ~uasc
    a0 = clock.wd_add(referral, rng.choice(5, size=n, p=(0.55, 0.40, 0.03, 0.01, 0.01)))
    asmt = ~nfa & (a0 < b18)
    asmt_late = rng.random(n) < rates.late_assessment
    a1 = clock.wd_add(a0, np.where(asmt_late, rng.integers(46, 91, n), rng.integers(10, 46, n)))
    s0 = clock.wd_add(a0, rng.integers(0, 3, n))
    s47 = asmt & (rng.random(n) < P_S47) & (s0 < b18) & ~uasc
    physical = s47 & (rng.random(n) < P_PHYSICAL)
    icpc_late = rng.random(n) < rates.late_icpc
    icpc_wd = np.where(icpc_late, rng.integers(16, 36, n), rng.integers(5, 16, n))
    icpc_date = clock.wd_add(s0, icpc_wd)
    conference = s47 & (rng.random(n) < P_CONFERENCE) & (icpc_date < b18)
    s1 = clock.wd_add(s0, np.where(conference, rng.integers(1, icpc_wd), rng.integers(3, 26, n)))
    cp = conference & (rng.random(n) < P_CP)
    cp1 = _drift_lengths(rng, clock, cp, icpc_date, b18, rates.cp_drift)
    u = rng.random(n)
    cla_from_cp = cp & (u < P_CLA_AFTER_CP)
    direct = asmt & ~cp & ((u < P_CLA_DIRECT) | uasc)
    cin = np.where(
        cp,
        (u >= P_CLA_AFTER_CP) & (u < P_CLA_AFTER_CP + P_CIN_AFTER_CP),
        asmt & (u >= P_CLA_DIRECT) & (u < P_CLA_DIRECT + P_CIN) & ~uasc,
    )
    ci0 = np.where(cp, cp1, clock.working_on_or_after(a1 + rng.integers(0, 11, n)))
    cin &= ci0 < b18 - 30
    ci1 = np.minimum(ci0 + rng.integers(90, 721, n), b18)
    from_cin = cin & (rng.random(n) < P_CLA_AFTER_CIN)
    c0 = np.select(
        [cla_from_cp, from_cin, uasc],
        [cp1, ci1, a0 + rng.integers(0, 4, n)],
        np.where(s47, s0 + rng.integers(0, 11, n), a1),
    )
    cla = (cla_from_cp | direct | from_cin) & (c0 < b18 - 14)
    cla_exit, c1 = _care_exit(rng, c0, dob, b18, uasc)
    plan_end = np.select([cla, cin, cp], [c1, ci1, cp1], -FAR)
    work_end = np.maximum.reduce(
        [np.where(asmt, a1, referral), np.where(s47, s1, -FAR), np.where(conference, icpc_date, -FAR)]
    )
    close = np.where(nfa, referral, np.maximum(plan_end, work_end + rng.integers(0, 6, n)))
    return {
        "person": person,
        "referral": referral,
        "close": close,
        "close_reason": _close_reason(rng, nfa, cla, cin, cp, cla_exit),
        "nfa": nfa,
        "asmt": asmt,
        "a0": a0,
        "a1": a1,
        "asmt_late": asmt_late,
        "s47": s47,
        "s0": s0,
        "s1": s1,
        "physical": physical,
        "conference": conference,
        "icpc": conference.copy(),
        "icpc_date": icpc_date,
        "cp": cp,
        "cp0": icpc_date.copy(),
        "cp1": cp1,
        "cin": cin,
        "ci0": ci0,
        "ci1": ci1,
        "cla": cla,
        "c0": c0,
        "c1": c1,
        "cla_exit": cla_exit,
        "cla_emergency": cla & direct & s47,
        "cla_from_cp": cla & cla_from_cp,
        "uasc": uasc,
    }


def _care_exit(rng, c0, dob, b18, uasc) -> tuple[np.ndarray, np.ndarray]:
    """How and when each period in care would end, by the child's age on entering care."""
    n = c0.size
    age = (c0 - dob) / YEAR
    chances = _EXIT_CHANCES[np.searchsorted(_EXIT_AGES, age, side="right")]
    exit_kind = (rng.random(n)[:, None] > np.cumsum(chances, axis=1)).sum(axis=1)
    exit_kind = np.where(uasc, np.where(rng.random(n) < 0.9, AGE18, INDEPENDENT), exit_kind)
    earliest = np.minimum(np.maximum(age + 0.25, 16.5), 17.9)
    independent_at = dob + ((earliest + rng.random(n) * (17.9 - earliest)) * YEAR).astype(np.int64)
    exit_kind = np.where((exit_kind == INDEPENDENT) & (age > 17.6), AGE18, exit_kind)
    length = np.select(
        [exit_kind == HOME, exit_kind == ADOPTED, exit_kind == SGO, exit_kind == CAO],
        [
            30 + np.minimum(rng.exponential(200, n), 1070).astype(np.int64),
            rng.integers(540, 1100, n),
            rng.integers(270, 900, n),
            rng.integers(180, 720, n),
        ],
        FAR,
    )
    end = np.where(exit_kind == INDEPENDENT, independent_at, c0 + length)
    return exit_kind, np.minimum(end, b18)


def _close_reason(rng, nfa, cla, cin, cp, cla_exit) -> np.ndarray:
    """The CIN closure reason each referral will have (an index into CLOSE_REASONS)."""
    n = nfa.size
    after_assessment = np.where(rng.random(n) < 0.7, RC8, RC9)
    by_exit = np.array([RC7, RC1, RC4, RC3, RC7, RC7])[cla_exit]
    by_exit = np.where((cla_exit == AGE18) & (rng.random(n) < 0.1), RC6, by_exit)
    return np.select([nfa, cla, cin | cp], [RC8, by_exit, RC7], after_assessment)


def _settle(batch: dict[str, np.ndarray], clock: Clock) -> dict[str, np.ndarray]:
    """Cut a batch at as_at: drop stages that start later, leave open those still running."""
    a = clock.as_at
    for flag, start, end in (
        ("asmt", "a0", "a1"),
        ("s47", "s0", "s1"),
        ("icpc", "icpc_date", None),
        ("cp", "cp0", "cp1"),
        ("cin", "ci0", "ci1"),
        ("cla", "c0", "c1"),
    ):
        batch[flag] &= batch[start] <= a
        if end:
            batch[end] = np.where(batch[end] > a, FAR, batch[end])
    batch["close"] = np.where(batch["close"] > a, FAR, batch["close"])
    return batch


def _re_referrals(rng, clock: Clock, batch: dict[str, np.ndarray], dob: np.ndarray):
    """The people referred again after a closed referral, and the dates of their new referrals."""
    person, close = batch["person"], batch["close"]
    again = (
        (close < FAR)
        & np.isin(batch["close_reason"], (RC7, RC8, RC9))
        & ~(batch["cla"] & np.isin(batch["cla_exit"], (AGE18, INDEPENDENT)))
        & (rng.random(close.size) < P_REREFERRAL)
    )
    when = close + 14 + rng.exponential(200, close.size).astype(np.int64)
    again &= (when <= clock.as_at) & (when < birthday(dob[person], 18) - 60)
    return person[again], when[again]


def is_care_leaver(clock: Clock, cla, cla_exit, c0, c1, born) -> np.ndarray:
    """Periods in care that ended with a young person leaving care who is a care leaver at as_at.

    They left at 16 or over after at least 13 weeks in care, and are under 25 at as_at.
    """
    return (
        cla
        & np.isin(cla_exit, (AGE18, INDEPENDENT))
        & (c1 <= clock.as_at)
        & (c1 - c0 >= 91)
        & (birthday(born, 25) > clock.as_at)
    )


def _keep(clock: Clock, j: dict[str, np.ndarray], dob: np.ndarray) -> Journeys:
    """Keep the referrals that matter at as_at; renumber their people in order of date of birth."""
    leaving = is_care_leaver(clock, j["cla"], j["cla_exit"], j["c0"], j["c1"], dob[j["person"]])
    keep = (j["close"] >= clock.window_start) | leaving
    j = {k: v[keep] for k, v in j.items()}
    people, j["person"] = np.unique(j["person"], return_inverse=True)
    by_birth = np.argsort(dob[people], kind="stable")
    rank = np.empty_like(by_birth)
    rank[by_birth] = np.arange(by_birth.size)
    j["person"] = rank[j["person"]]
    order = np.lexsort((j["referral"], j["person"]))
    return Journeys(dob=dob[people][by_birth], **{k: v[order] for k, v in j.items()})
