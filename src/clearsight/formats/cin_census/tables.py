"""The CIN census mapping (formats.md §5.2–§5.8): which element fills which canonical column.

Each function builds one canonical table from one kind of block and returns its row ids, which the
blocks inside it take as their parent key: an assessment's `cina_referral_id` is the id of its
enclosing CINdetails. Ids come from the natural keys of formats.md §2.3.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.cin_census.build import DATE, NUMBER, UPN, Builder, json_flag, json_list, take
from clearsight.formats.cin_census.collect import PERSON_FIELDS, Block, Collected
from clearsight.formats.cin_census.profile import Profile
from clearsight.formats.common.keys import derive_ids
from clearsight.model.issues import ERROR, WARNING, Issue


def _people(block: Block) -> pa.Array:
    return pa.array(block.person, pa.string())


def person(b: Builder) -> None:
    """ssd_person from ChildIdentifiers and ChildCharacteristics (§5.2)."""
    block = b.blocks.person
    spec = {
        "UPN": ("pers_upn", UPN),
        "UPNunknown": ("pers_upn_unknown", "upn_unknown"),
        "PersonBirthDate": ("pers_dob", DATE),
        "ExpectedPersonBirthDate": ("pers_expected_dob", DATE),
        "Sex": ("pers_sex", "sex"),
        "GenderCurrent": ("pers_gender", "gender"),
        "PersonDeathDate": ("pers_death_date", DATE),
        "Ethnicity": ("pers_ethnicity", "ethnicity"),
    }
    stored, raw = b.fields(block, "ssd_person", spec)
    stored["pers_person_id"] = _people(block)
    b.table("ssd_person", block, stored, raw)
    _repeated_children(b)


def _repeated_children(b: Builder) -> None:
    """A child found twice keeps its first record's identifiers; every difference is an error."""
    first, again = b.blocks.person, b.blocks.repeats
    for row, kept in enumerate(again.parent):
        child = again.person[row]
        b.issues.append(
            Issue(
                f"the child appears more than once in the file; identifiers and characteristics are taken "
                f"from its first record (line {first.row[kept]}), and every record's CINdetails are read",
                WARNING,
                table="ssd_person",
                key=child,
                file=b.file,
                sheet=again.path,
                row=again.row[row],
            )
        )
        for name in PERSON_FIELDS:
            found, kept_value = (
                (v or "").strip() for v in (again.values[name][row], first.values[name][kept])
            )
            if found != kept_value:
                b.issues.append(
                    Issue(
                        f"the child appears again with a different {name}; the first record's value "
                        f"({kept_value or 'none'}, line {first.lines[name][kept]}) is kept",
                        ERROR,
                        table="ssd_person",
                        key=child,
                        value=found or None,
                        file=b.file,
                        sheet=again.field_path(again.path, name),
                        row=again.lines[name][row],
                    )
                )


def disabilities(b: Builder) -> None:
    """ssd_disability: one row per Disability element, NONE included (§5.2)."""
    block, name = b.blocks.disabilities, "ssd_disability"
    codes, raw = b.value(block, "Disability", "disability", name, "disa_disability_code")
    ids = b.ids(block, name, pc.coalesce(codes, pc.utf8_trim_whitespace(raw)))
    stored = {"disa_person_id": _people(block), "disa_table_id": ids, "disa_disability_code": codes}
    b.table(name, block, stored, {"disa_disability_code": raw})


def episodes(b: Builder) -> pa.Array:
    """ssd_cin_episodes from CINdetails (§5.3); returns the referral ids."""
    block, name = b.blocks.details, "ssd_cin_episodes"
    spec = {
        "CINreferralDate": ("cine_referral_date", DATE),
        "ReferralSource": ("cine_referral_source_code", "referral_source"),
        "PrimaryNeedCode": ("cine_cin_primary_need_code", "primary_need"),
        "CINclosureDate": ("cine_close_date", DATE),
        "ReasonForClosure": ("cine_close_reason", "cin_closure_reason"),
        "ReferralNFA": ("cine_referral_nfa", "yes_no"),
    }
    stored, raw = b.fields(block, name, spec)
    ids = b.ids(block, name, stored["cine_referral_date"])
    stored |= {"cine_referral_id": ids, "cine_person_id": _people(block)}
    b.table(name, block, stored, raw)
    return ids


def assessments(b: Builder, referrals: pa.Array) -> pa.Array:
    """ssd_cin_assessments (§5.4); returns the assessment ids."""
    block, name = b.blocks.assessments, "ssd_cin_assessments"
    spec = {
        "AssessmentActualStartDate": ("cina_assessment_start_date", DATE),
        "AssessmentAuthorisationDate": ("cina_assessment_auth_date", DATE),
    }
    stored, raw = b.fields(block, name, spec)
    ids = b.ids(block, name, stored["cina_assessment_start_date"])
    stored |= {"cina_assessment_id": ids, "cina_person_id": _people(block)}
    stored["cina_referral_id"] = take(referrals, block.parent)
    b.table(name, block, stored, raw)
    return ids


def factors(b: Builder, assessment_ids: pa.Array) -> None:
    """ssd_assessment_factors: per assessment with a known factor, a JSON array of codes (§5.4).

    An empty FactorsIdentifiedAtAssessment gives no row; unknown codes are left out of the array,
    each with its own issue, and the array of the codes as found stays in provenance.
    """
    block, name = b.blocks.factors, "ssd_assessment_factors"
    codes, raw = b.value(
        block, "AssessmentFactors", "assessment_factor", name, "cinf_assessment_factors_json"
    )
    known: dict[int, list[str]] = {}
    found: dict[int, list[str]] = {}
    line: dict[int, int] = {}
    for parent, code, text, row in zip(
        block.parent, codes.to_pylist(), raw.to_pylist(), block.row, strict=True
    ):
        found.setdefault(parent, []).append((text or "").strip())
        line.setdefault(parent, row)
        if code is not None:
            known.setdefault(parent, []).append(code)
    grouped = Block(block.path, ())
    for parent in sorted(known):
        grouped.row.append(line[parent])
        grouped.location.append(block.path)
        grouped.person.append(b.blocks.assessments.person[parent])
        grouped.parent.append(parent)
    assessment = take(assessment_ids, grouped.parent)
    stored = {
        "cinf_table_id": b.ids(grouped, name, assessment),
        "cinf_assessment_id": assessment,
        "cinf_assessment_factors_json": pa.array([json_list(known[p]) for p in grouped.parent], pa.string()),
    }
    raw_json = pa.array([json_list(found[p]) for p in grouped.parent], pa.string())
    b.table(name, grouped, stored, {"cinf_assessment_factors_json": raw_json})


def cin_plans(b: Builder, referrals: pa.Array) -> None:
    """ssd_cin_plans from CINPlanDates (§5.5)."""
    block, name = b.blocks.plans, "ssd_cin_plans"
    spec = {
        "CINPlanStartDate": ("cinp_cin_plan_start_date", DATE),
        "CINPlanEndDate": ("cinp_cin_plan_end_date", DATE),
    }
    stored, raw = b.fields(block, name, spec)
    stored["cinp_cin_plan_id"] = b.ids(block, name, stored["cinp_cin_plan_start_date"])
    stored |= {"cinp_person_id": _people(block), "cinp_referral_id": take(referrals, block.parent)}
    b.table(name, block, stored, raw)


def section47(b: Builder, referrals: pa.Array) -> pa.Array:
    """ssd_s47_enquiry from Section47 (§5.6); ICPCnotRequired becomes CP_CONFERENCE_FLAG, inverted."""
    block, name = b.blocks.s47, "ssd_s47_enquiry"
    spec = {
        "S47ActualStartDate": ("s47e_s47_start_date", DATE),
        "ICPCnotRequired": ("s47e_s47_outcome_json", "yes_no"),
    }
    stored, raw = b.fields(block, name, spec)
    stored["s47e_s47_outcome_json"] = json_flag(
        stored["s47e_s47_outcome_json"], "CP_CONFERENCE_FLAG", invert=True
    )
    ids = b.ids(block, name, stored["s47e_s47_start_date"])
    stored |= {"s47e_s47_enquiry_id": ids, "s47e_person_id": _people(block)}
    stored["s47e_referral_id"] = take(referrals, block.parent)
    b.table(name, block, stored, raw)
    return ids


def _plan_for_icpc(b: Builder, plan_ids: pa.Array, n_icpc: int) -> pa.Array:
    """Each ICPC's CP plan: the first plan of the episode that starts on the ICPC's date (§5.7)."""
    first = [-1] * n_icpc
    for plan, icpc in enumerate(b.blocks.cpp.link):
        if icpc >= 0 and first[icpc] < 0:
            first[icpc] = plan
    return take(plan_ids, first)


def conferences(b: Builder, referrals: pa.Array, enquiries: pa.Array, plan_ids: pa.Array) -> pa.Array:
    """ssd_initial_cp_conference from Section47 and episode-level DateOfInitialCPC (§5.3, §5.6)."""
    block, name = b.blocks.icpc, "ssd_initial_cp_conference"
    spec = {"InitialCPCtarget": ("icpc_icpc_target_date", DATE), "DateOfInitialCPC": ("icpc_icpc_date", DATE)}
    stored, raw = b.fields(block, name, spec)
    enquiry = take(enquiries, block.link)
    # §2.3: the ICPC date, or the enquiry's key while no conference has been held.
    key = pc.coalesce(
        pc.cast(stored["icpc_icpc_date"], pa.string()), pc.binary_join_element_wise("S47", enquiry, " ")
    )
    ids = b.ids(block, name, key)
    stored |= {"icpc_icpc_id": ids, "icpc_person_id": _people(block), "icpc_s47_enquiry_id": enquiry}
    stored["icpc_referral_id"] = take(referrals, block.parent)
    stored["icpc_cp_plan_id"] = _plan_for_icpc(b, plan_ids, len(block))
    b.table(name, block, stored, raw)
    return ids


def cp_plans(b: Builder, referrals: pa.Array) -> tuple[pa.Array, dict, dict]:
    """ssd_cp_plans ids and columns (§5.7); stored once the ICPCs they point to have ids."""
    block, name = b.blocks.cpp, "ssd_cp_plans"
    spec = {
        "CPPstartDate": ("cppl_cp_plan_start_date", DATE),
        "CPPendDate": ("cppl_cp_plan_end_date", DATE),
        "InitialCategoryOfAbuse": ("cppl_cp_plan_initial_category", "abuse_category"),
        "LatestCategoryOfAbuse": ("cppl_cp_plan_latest_category", "abuse_category"),
    }
    stored, raw = b.fields(block, name, spec)
    ids = b.ids(block, name, stored["cppl_cp_plan_start_date"])
    stored |= {"cppl_cp_plan_id": ids, "cppl_person_id": _people(block)}
    stored["cppl_referral_id"] = take(referrals, block.parent)
    return ids, stored, raw


def reviews(b: Builder, plan_ids: pa.Array) -> None:
    """ssd_cp_reviews: one row per CPPreviewDate (§5.7)."""
    block, name = b.blocks.reviews, "ssd_cp_reviews"
    stored, raw = b.fields(block, name, {"CPPreviewDate": ("cppr_cp_review_date", DATE)})
    plan = take(plan_ids, block.parent)
    stored["cppr_cp_review_id"] = b.ids(block, name, plan, stored["cppr_cp_review_date"])
    stored |= {"cppr_person_id": _people(block), "cppr_cp_plan_id": plan}
    b.table(name, block, stored, raw)


def pre_proceedings(b: Builder) -> None:
    """ssd_pre_proceedings from the draft 2026/27 PreProceedingsandFGDM block (§5.8)."""
    block, name = b.blocks.pre_proceedings, "ssd_pre_proceedings"
    spec = {
        "PPStartDate": ("prep_pre_pro_decision_date", DATE),
        "LBPSentDate": ("prep_pre_pro_letter_date", DATE),
        "InitialPPMeetingDate": ("prep_initial_pre_pro_meeting_date", DATE),
        "ReviewMeetingsCount": ("prep_pre_pro_meetings_num", NUMBER),
        "StepDecisionDate": ("prep_agree_stepdown_issue_date", DATE),
        "PPOutcome": ("prep_pre_pro_outcome", "pre_proceedings_outcome"),
        "LetterInitCPDate": ("prep_care_pro_letter_date", DATE),
    }
    stored, raw = b.fields(block, name, spec)
    people = _people(block)
    stored["prep_table_id"] = b.ids(block, name, stored["prep_pre_pro_decision_date"])
    stored["prep_person_id"] = people
    # §5.8 [D]: no source gives a family id; one per child.
    stored["prep_plo_family_id"] = derive_ids(b.la_code, "prep_plo_family_id", people)
    b.table(name, block, stored, raw)


def build(collected: Collected, la_code: str, profile: Profile, source_name: str) -> Builder:
    """Every canonical table one file carries, in its Builder with the issues found.

    `source_name` is the file's name as its SourceFile records it, for the rows' origins.
    """
    b = Builder(collected, la_code, profile, source_name)
    person(b)
    disabilities(b)
    referrals = episodes(b)
    factors(b, assessments(b, referrals))
    cin_plans(b, referrals)
    enquiries = section47(b, referrals)
    plan_ids, plans, plans_raw = cp_plans(b, referrals)
    icpc_ids = conferences(b, referrals, enquiries, plan_ids)
    plans["cppl_icpc_id"] = take(icpc_ids, b.blocks.cpp.link)
    b.table("ssd_cp_plans", b.blocks.cpp, plans, plans_raw)
    reviews(b, plan_ids)
    if len(b.blocks.pre_proceedings):
        pre_proceedings(b)
    b.report_no_home()
    return b
