"""The planted practice problems of a synthetic council, one configurable rate each.

Each rate is a fraction of a population defined in its field's comment, chosen so that a test can count
the problem in the generated tables and find the rate again; everything outside the planted fraction is
on time. The defaults are plausible for a council that needs to improve, not national figures.

Must not import anything else from clearsight.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml


@dataclass(frozen=True)
class PlantedRates:
    """Rates of the planted practice problems (each between 0 and 1)."""

    # Of assessments: authorised more than 45 working days after they started (A04, A05). Each is late
    # by chance, so the rate holds within sampling error; late ones are a little more often still open.
    late_assessment: float = 0.12
    # Of ICPCs held: more than 15 working days after the s47 start (the strategy discussion) (A07),
    # each late by chance.
    late_icpc: float = 0.15
    # Of children on a CP plan open at as_at that started more than 10 working days before it:
    # no seen visit in the last 10 working days (A09). Earlier gaps between visits are late at this rate too.
    cp_visit_overdue: float = 0.08
    # Of children whose only open plan at as_at is a CIN plan started more than 20 working days before it:
    # no seen visit in the last 20 working days (A16). Earlier gaps are late at this rate too.
    cin_visit_overdue: float = 0.15
    # Of children looked after at as_at, not placed for adoption, in a placement that started more than
    # 7 days before it: statutory visit overdue (B01: 7 days after a move, then 6 weeks, or 3 months after
    # the placement's first year if it is to last until 18, i.e. a long-term foster type or LTFOST18 on the
    # care plan). Earlier gaps are late at this rate too.
    cla_visit_overdue: float = 0.06
    # Of CP plans open at as_at: open 12 months or more (A14). Reached through the mix of plan lengths,
    # calibrated on each batch of referrals, so it holds to within a point or so rather than exactly.
    cp_drift: float = 0.15
    # Of CP review occasions that fell due (by as_at, while the plan was open): not held by the due date,
    # i.e. held late or not held at all (A08).
    late_cp_review: float = 0.08
    # Of CLA review occasions that fell due (by as_at, while the child was looked after): not held by the
    # due date (B03).
    late_cla_review: float = 0.08
    # Of children with a referral open at as_at: no allocated worker at as_at (A11, D10).
    unallocated: float = 0.03
    # Of children on a CP plan, a CIN plan or in care at as_at whose referral started more than 28 days
    # before it: no case supervision in the last 28 days (D01). Children of a worker who is overdue (below)
    # count towards this rate, which is therefore at least that share.
    case_supervision_overdue: float = 0.15
    # Of case-holding social workers at as_at: no supervision in the last 28 days (D02).
    worker_supervision_overdue: float = 0.10
    # Of moderated case audits: the moderator gave a worse grade than the auditor (D06).
    audit_over_optimism: float = 0.20
    # Of care leavers aged 17-21 at as_at (relevant or former relevant), mutually exclusive:
    # not in touch (in touch NO, residence not known R) (C01, C07);
    care_leaver_not_in_touch: float = 0.06
    # homeless, no fixed abode (S) (C02, C07);
    care_leaver_homeless: float = 0.03
    # in bed and breakfast (W) (C02, C07);
    care_leaver_bed_and_breakfast: float = 0.02
    # in custody (X) (C02, C07).
    care_leaver_custody: float = 0.02
    # Of children placed with parents (P1) whose placement started more than 20 working days before as_at:
    # no approval of the placement decision (no ext_pwp_assessment row, or one with no approval) (B11).
    pwp_unapproved: float = 0.25
    # Of missing episodes (type M) that have ended: no return interview offer recorded (B09).
    missing_no_rhi_offer: float = 0.10
    # Of s47 enquiries with a physical-abuse concern: no CP medical and no recorded decision (A17).
    cp_medical_missing: float = 0.15

    def __post_init__(self) -> None:
        for field in fields(self):
            value = getattr(self, field.name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"planted rate {field.name} must be between 0 and 1, not {value}")
        leavers = (
            self.care_leaver_not_in_touch
            + self.care_leaver_homeless
            + self.care_leaver_bed_and_breakfast
            + self.care_leaver_custody
        )
        if leavers > 1.0:
            raise ValueError(f"the care-leaver rates are exclusive and add up to {leavers}, more than 1")


def load_rates(path: Path) -> PlantedRates:
    """Planted rates from a YAML mapping of rate name → fraction; names left out keep their defaults.

    Raises ValueError naming the file and the problem: an unknown name, a value that is not a number,
    a rate outside 0–1.
    """
    try:
        given = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"{path}: cannot be read as YAML ({error})") from error
    if not isinstance(given, dict):
        raise ValueError(f"{path}: expected a mapping of rate name to a fraction between 0 and 1")
    known = {field.name for field in fields(PlantedRates)}
    unknown = sorted(set(map(str, given)) - known)
    if unknown:
        raise ValueError(
            f"{path}: unknown planted rate {unknown[0]!r}; the rates are {', '.join(sorted(known))}"
        )
    for name, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{path}: {name} must be a number between 0 and 1, not {value!r}")
    try:
        return replace(PlantedRates(), **given)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from error
