"""Each Annex A list mapped into canonical rows (formats.md §3.1-§3.11), one function per list.

A function takes one sheet's cells in stored form (`cells.py`) and hands rows to the `Builder`
(`assemble.py`); ids come from natural keys (§2.3). Team and worker names become `ssd_department` and
`ssd_professionals` rows with ids derived from the name (per team and name for workers, §3.0). Lists
3-5 give each event its own team and worker; Lists 6-8 give the current allocation, an
`ssd_involvements` row starting on the extract's as-at date when the reader is told it (§3.6). "Date
of last …" columns become one event row each (§2.5); counts and derived flags make no rows.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.annex_a.assemble import Builder
from clearsight.formats.annex_a.cells import TEXT, Cells
from clearsight.formats.common.issues import cell_issues
from clearsight.model.issues import WARNING

DATE = pa.date32()
ALLOCATED_WORKER = "ALLOCATED_WORKER"  # formats.md §3.6 [D]
CP_CONFERENCE_FLAG = "CP_CONFERENCE_FLAG"  # §3.5: "ICPC deemed unnecessary?" inverted
AGE_DIFFERS = "the age differs by more than a year from the date of birth at the as-at date"


def constant(cells: Cells, value: object, type_: pa.DataType = TEXT) -> pa.Array:
    """The same value on every row of the sheet."""
    return pa.repeat(pa.scalar(value, type_), len(cells))


def _invert(flags: pa.Array) -> pa.Array:
    """Y ↔ N, NULL stays NULL."""
    return pc.if_else(
        pc.equal(flags, "Y"), "N", pc.if_else(pc.equal(flags, "N"), "Y", pa.scalar(None, pa.string()))
    )


def _distinct_ids(b: Builder, table: str, cells: Cells, *parts: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Derived ids for rows named by `parts` (NULL where the last part is blank), hashing each name once.

    Returns (the id of every row, a mask of the first row of each distinct name).
    """
    key = pc.binary_join_element_wise(*(pc.fill_null(p, "") for p in parts), "\x1f")
    key = pc.if_else(pc.is_valid(parts[-1]), key, pa.scalar(None, pa.string()))
    distinct = pc.unique(key).drop_null()
    first = pc.index_in(distinct, key)
    ids = b.ids(table, *(pc.take(p, first) for p in parts))
    mask = np.zeros(len(cells), bool)
    mask[first.to_numpy()] = True
    return pc.take(ids, pc.index_in(key, distinct)), pa.array(mask)


def team(b: Builder, cells: Cells, key: str = "team") -> pa.Array:
    """Derived team ids (NULL for a blank name); each team named becomes an ssd_department row."""
    names = cells.get(key)
    ids, first = _distinct_ids(b, "ssd_department", cells, names)
    b.add("ssd_department", cells, {"dept_team_id": ids, "dept_team_name": names}, where=first)
    return ids


def worker(b: Builder, cells: Cells, key: str = "worker", team_key: str = "team") -> pa.Array:
    """Derived worker ids, per team and name (§3.0); each worker named becomes an ssd_professionals row."""
    names, teams = cells.get(key), cells.get(team_key)
    ids, first = _distinct_ids(b, "ssd_professionals", cells, teams, names)
    b.add(
        "ssd_professionals",
        cells,
        {"prof_professional_id": ids, "prof_professional_name": names, "prof_professional_department": teams},
        raw={"prof_professional_name": cells.raw.get(key, names)},
        where=first,
    )
    return ids


def raw_names(cells: Cells, **columns: str) -> dict[str, pa.Array]:
    """Raw cells behind canonical columns whose values a mapping reduced (codes, flags, names), by column."""
    return {column: cells.raw[key] for column, key in columns.items() if key in cells.raw}


def person_facts(b: Builder, cells: Cells, **extra: str) -> None:
    """The child's gender, ethnicity, date of birth and the `extra` answers, for ssd_person (§2.2).

    The age column is derived: when the as-at date is known it checks the date of birth (§3.0).
    """
    dob = cells.get("dob", DATE)
    b.person(
        cells,
        pers_gender=cells.get("gender"),
        pers_ethnicity=cells.get("ethnicity"),
        pers_dob=dob,
        **{name: cells.get(key) for name, key in extra.items()},
    )
    if b.as_at is None or "age" not in cells.values:
        return
    age = cells.values["age"]
    years = pc.divide(pc.cast(pc.days_between(dob, pa.scalar(b.as_at, DATE)), pa.float64()), 365.25)
    b.issues += cell_issues(
        pc.greater(pc.abs(pc.subtract(age, years)), 1.0).fill_null(False),
        problem=AGE_DIFFERS,
        severity=WARNING,
        table="ssd_person",
        column=cells.recognised.spec.columns["age"].name,
        file=cells.path,
        rows=cells.rows,
        keys=cells.get("child_id"),
        values=age,
        sheet=cells.location,
    )


def allocation(b: Builder, cells: Cells, referral: pa.Array | None = None) -> None:
    """The child's current allocation (Lists 6-8) as an ssd_involvements row (§3.6)."""
    teams, workers = team(b, cells), worker(b, cells)
    child = cells.get("child_id")
    role = constant(cells, ALLOCATED_WORKER)
    start = constant(cells, b.as_at, DATE)
    b.add(
        "ssd_involvements",
        cells,
        {
            "invo_involvements_id": b.ids("ssd_involvements", child, role, workers, teams, start),
            "invo_professional_id": workers,
            "invo_professional_role_id": role,
            "invo_professional_team": teams,
            "invo_involvement_start_date": start,
            "invo_person_id": child,
            "invo_referral_id": referral,
        },
        raw=raw_names(cells, invo_professional_team="team", invo_professional_id="worker"),
        where=pc.or_(pc.is_valid(teams), pc.is_valid(workers)),
    )


def contacts(b: Builder, cells: Cells) -> None:
    """List 1 → ssd_contacts (§3.1)."""
    person_facts(b, cells)
    child, date, source = cells.get("child_id"), cells.get("contact_date", DATE), cells.get("contact_source")
    label = cells.raw.get("contact_source", source)
    b.add(
        "ssd_contacts",
        cells,
        {
            "cont_contact_id": b.ids("ssd_contacts", child, date, pc.coalesce(source, label)),
            "cont_person_id": child,
            "cont_contact_date": date,
            "cont_contact_source_code": source,
            "cont_contact_source_desc": label,
        },
        raw={"cont_contact_source_code": label},
    )


def early_help(b: Builder, cells: Cells) -> None:
    """List 2 → ssd_early_help_episodes (§3.2)."""
    person_facts(b, cells)
    child, start = cells.get("child_id"), cells.get("eh_start", DATE)
    b.add(
        "ssd_early_help_episodes",
        cells,
        {
            "earl_episode_id": b.ids("ssd_early_help_episodes", child, start),
            "earl_person_id": child,
            "earl_episode_start_date": start,
            "earl_episode_end_date": cells.get("eh_end", DATE),
            "earl_episode_organisation": cells.get("eh_organisation"),
        },
    )


def referral_ids(b: Builder, cells: Cells, key: str) -> pa.Array:
    """A referral's id from its child and referral date (§2.3), shared by Lists 3 and 6."""
    return b.ids("ssd_cin_episodes", cells.get("child_id"), cells.get(key, DATE))


def referrals(b: Builder, cells: Cells) -> None:
    """List 3 → ssd_cin_episodes (§3.3)."""
    person_facts(b, cells)
    source = cells.get("referral_source")
    label = cells.raw.get("referral_source", source)
    b.add(
        "ssd_cin_episodes",
        cells,
        {
            "cine_referral_id": referral_ids(b, cells, "referral_date"),
            "cine_person_id": cells.get("child_id"),
            "cine_referral_date": cells.get("referral_date", DATE),
            "cine_referral_source_code": source,
            "cine_referral_source_desc": label,
            "cine_referral_nfa": cells.get("referral_nfa"),
            "cine_referral_team": team(b, cells),
            "cine_referral_worker_id": worker(b, cells),
        },
        raw={
            "cine_referral_source_code": label,
            **raw_names(cells, cine_referral_nfa="referral_nfa", cine_referral_team="team"),
            **raw_names(cells, cine_referral_worker_id="worker"),
        },
    )


def assessments(b: Builder, cells: Cells) -> None:
    """List 4 → ssd_cin_assessments (§3.4); the referral is linked later (`link.py`)."""
    person_facts(b, cells, disability="disability")
    child, start = cells.get("child_id"), cells.get("assessment_start", DATE)
    b.add(
        "ssd_cin_assessments",
        cells,
        {
            "cina_assessment_id": b.ids("ssd_cin_assessments", child, start),
            "cina_person_id": child,
            "cina_assessment_start_date": start,
            "cina_assessment_child_seen": cells.get("assessment_seen"),
            "cina_assessment_auth_date": cells.get("assessment_authorised", DATE),
            # "Was the child assessed as requiring … support?" Yes means not NFA (§3.4).
            "cina_assessment_outcome_nfa": _invert(cells.get("needs_support")),
            "cina_assessment_team": team(b, cells),
            "cina_assessment_worker_id": worker(b, cells),
        },
        raw=raw_names(
            cells,
            cina_assessment_child_seen="assessment_seen",
            cina_assessment_outcome_nfa="needs_support",
            cina_assessment_team="team",
            cina_assessment_worker_id="worker",
        ),
    )


def _outcome_json(flags: pa.Array) -> pa.Array:
    """`{"CP_CONFERENCE_FLAG": "Y"}` from the inverted "ICPC deemed unnecessary?" answer (§3.5)."""
    texts = {flag: json.dumps({CP_CONFERENCE_FLAG: flag}, separators=(",", ":")) for flag in ("Y", "N")}
    return pc.if_else(
        pc.equal(flags, "Y"),
        texts["Y"],
        pc.if_else(pc.equal(flags, "N"), texts["N"], pa.scalar(None, pa.string())),
    )


def enquiries(b: Builder, cells: Cells) -> None:
    """List 5 → ssd_s47_enquiry, and an ssd_initial_cp_conference row where a conference is given (§3.5)."""
    person_facts(b, cells, disability="disability")
    child, start = cells.get("child_id"), cells.get("s47_start", DATE)
    s47 = b.ids("ssd_s47_enquiry", child, start)
    b.add(
        "ssd_s47_enquiry",
        cells,
        {
            "s47e_s47_enquiry_id": s47,
            "s47e_person_id": child,
            "s47e_s47_start_date": start,
            "s47e_s47_outcome_json": _outcome_json(_invert(cells.get("icpc_unnecessary"))),
            "s47e_s47_completed_by_team": team(b, cells),
            "s47e_s47_completed_by_worker_id": worker(b, cells),
        },
        raw=raw_names(
            cells,
            s47e_s47_outcome_json="icpc_unnecessary",
            s47e_s47_completed_by_team="team",
            s47e_s47_completed_by_worker_id="worker",
        ),
    )
    date, outcome = cells.get("icpc_date", DATE), cells.get("icpc_plan")
    # The conference's key is its date, or the enquiry's when no date is given yet (§2.3).
    key = pc.coalesce(
        pc.cast(date, pa.string()), pc.binary_join_element_wise("s47", pc.cast(start, pa.string()), ":")
    )
    b.add(
        "ssd_initial_cp_conference",
        cells,
        {
            "icpc_icpc_id": b.ids("ssd_initial_cp_conference", child, key),
            "icpc_s47_enquiry_id": s47,
            "icpc_person_id": child,
            "icpc_icpc_date": date,
            "icpc_icpc_outcome_cp_flag": outcome,
        },
        raw=raw_names(cells, icpc_icpc_outcome_cp_flag="icpc_plan"),
        where=pc.or_(pc.is_valid(date), pc.is_valid(outcome)),
    )


def children_in_need(b: Builder, cells: Cells) -> None:
    """List 6 → ssd_cin_episodes, the last-seen ssd_cin_visits row, the current allocation (§3.6)."""
    person_facts(b, cells, disability="disability")
    child, referral = cells.get("child_id"), referral_ids(b, cells, "cin_start")
    b.add(
        "ssd_cin_episodes",
        cells,
        {
            "cine_referral_id": referral,
            "cine_person_id": child,
            "cine_referral_date": cells.get("cin_start", DATE),
            "cine_cin_primary_need_code": cells.get("primary_need"),
            "cine_close_reason": cells.get("closure_reason"),
            "cine_close_date": cells.get("cin_closed", DATE),
        },
        raw=raw_names(cells, cine_cin_primary_need_code="primary_need", cine_close_reason="closure_reason"),
    )
    seen = cells.get("last_seen", DATE)
    b.add(
        "ssd_cin_visits",
        cells,
        {
            "cinv_cin_visit_id": b.ids("ssd_cin_visits", child, seen),
            "cinv_person_id": child,
            "cinv_cin_visit_date": seen,
            "cinv_cin_visit_seen": constant(cells, "Y"),  # "last seen": the child was seen (§3.6)
        },
        where=pc.is_valid(seen),
    )
    allocation(b, cells, referral)


def protection(b: Builder, cells: Cells) -> None:
    """List 7 → ssd_cp_plans, the last ssd_cp_visits and ssd_cp_reviews rows, the allocation (§3.7)."""
    person_facts(b, cells, disability="disability")
    child, start = cells.get("child_id"), cells.get("cp_start", DATE)
    plan = b.ids("ssd_cp_plans", child, start)
    b.add(
        "ssd_cp_plans",
        cells,
        {
            "cppl_cp_plan_id": plan,
            "cppl_person_id": child,
            "cppl_cp_plan_start_date": start,
            "cppl_cp_plan_end_date": cells.get("cp_end", DATE),
            "cppl_cp_plan_initial_category": cells.get("initial_category"),
            "cppl_cp_plan_latest_category": cells.get("latest_category"),
        },
        raw=raw_names(
            cells,
            cppl_cp_plan_initial_category="initial_category",
            cppl_cp_plan_latest_category="latest_category",
        ),
    )
    visit = cells.get("cp_visit", DATE)
    b.add(
        "ssd_cp_visits",
        cells,
        {
            "cppv_cp_visit_id": b.ids("ssd_cp_visits", child, plan, visit),
            "cppv_person_id": child,
            "cppv_cp_plan_id": plan,
            "cppv_cp_visit_date": visit,
            "cppv_cp_visit_seen_alone": cells.get("cp_visit_alone"),
        },
        raw=raw_names(cells, cppv_cp_visit_seen_alone="cp_visit_alone"),
        where=pc.is_valid(visit),
    )
    review = cells.get("cp_review", DATE)
    b.add(
        "ssd_cp_reviews",
        cells,
        {
            "cppr_cp_review_id": b.ids("ssd_cp_reviews", child, plan, review),
            "cppr_person_id": child,
            "cppr_cp_plan_id": plan,
            "cppr_cp_review_date": review,
        },
        where=pc.is_valid(review),
    )
    allocation(b, cells)
