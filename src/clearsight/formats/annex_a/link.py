"""Links between Annex A lists that no single row carries (formats.md §3.4, §3.5, §3.7, §3.10, §3.11).

- An assessment (List 4) and an S47 enquiry (List 5) belong to the child's latest referral (Lists 3, 6)
  on or before their start date; a conference belongs to its enquiry's referral.
- A CP plan (List 7) starts at the conference (List 5) held on its start date whose outcome was a plan.
- A List 10 period of care becomes an episode only when List 8 does not already hold that period.
- List 11 (adopters) fills the matching, placement, sibling and order facts of the List 10 child its
  `Family identifier` links it to, where that identifier names exactly one child and the fact is empty.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.annex_a.assemble import Builder, Rows, first_per_key
from clearsight.formats.annex_a.care import ADOPTERS, FAMILIES, PERIODS


def add_periods(builder: Builder) -> None:
    """List 10's periods of care join ssd_cla_episodes where List 8 lacks them."""
    periods = builder.parts.pop(PERIODS, [])
    known = {
        v for p in builder.parts.get("ssd_cla_episodes", []) for v in p.stored["clae_cla_id"].to_pylist()
    }
    for part in periods:
        keep = pc.invert(pc.is_in(part.stored["clae_cla_id"], pa.array(sorted(known - {None}), pa.string())))
        part.stored, part.origin = part.stored.filter(keep), part.origin.filter(keep)
        part.raw = {name: values.filter(keep) for name, values in part.raw.items()}
        builder.parts.setdefault("ssd_cla_episodes", []).append(part)


def _set(rows: Rows, column: str, values: pa.Array) -> None:
    index = rows.stored.schema.get_field_index(column)
    rows.stored = rows.stored.set_column(index, column, values.cast(rows.stored.schema.field(column).type))


_NEVER = pa.scalar(0, pa.int32()).cast(pa.date32())


def _days(dates: pa.Array) -> np.ndarray:
    return pc.cast(dates, pa.int32()).to_numpy(zero_copy_only=False)


def latest_before(
    keys: pa.Array, dates: pa.Array, ids: pa.Array, at_keys: pa.Array, at_dates: pa.Array
) -> pa.Array:
    """For each (at_key, at_date), the id of the row with the same key and the latest date on or before it.

    An as-of join done with one sort and a binary search; NULL where no such row exists.
    """
    known = pc.and_(pc.is_valid(keys), pc.is_valid(dates)).fill_null(False)
    keys, dates, ids = keys.filter(known), dates.filter(known), ids.filter(known)
    if len(ids) == 0:
        return pa.nulls(len(at_keys), pa.string())
    both = pa.concat_arrays([keys.cast(pa.string()), at_keys.cast(pa.string())]).dictionary_encode()
    codes = both.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    code, at_code = codes[: len(keys)], codes[len(keys) :]
    days = _days(dates).astype(np.int64) + (1 << 31)  # unsigned 32 bits, below the key's code
    order = np.lexsort((days, code))
    at_days = _days(pc.fill_null(at_dates, _NEVER)).astype(np.int64) + (1 << 31)
    position = np.searchsorted((code[order] << 32) | days[order], (at_code << 32) | at_days, side="right") - 1
    position = np.maximum(position, 0)
    found = (code[order][position] == at_code) & (days[order][position] <= at_days)
    found &= pc.is_valid(at_dates).to_numpy(zero_copy_only=False)
    picked = pc.take(ids, pa.array(order[position]))
    return pc.if_else(pa.array(found), picked, pa.scalar(None, pa.string()))


def link_referrals(tables: dict[str, Rows]) -> None:
    """Assessments, S47 enquiries and conferences to the child's latest referral on or before them."""
    if "ssd_cin_episodes" not in tables:
        return
    referrals = tables["ssd_cin_episodes"].stored
    for table, person, date, column in (
        ("ssd_cin_assessments", "cina_person_id", "cina_assessment_start_date", "cina_referral_id"),
        ("ssd_s47_enquiry", "s47e_person_id", "s47e_s47_start_date", "s47e_referral_id"),
    ):
        if table in tables:
            events = tables[table].stored
            found = latest_before(
                referrals["cine_person_id"].combine_chunks(),
                referrals["cine_referral_date"].combine_chunks(),
                referrals["cine_referral_id"].combine_chunks(),
                events[person].combine_chunks(),
                events[date].combine_chunks(),
            )
            _set(tables[table], column, found)
    if "ssd_initial_cp_conference" in tables and "ssd_s47_enquiry" in tables:
        s47 = tables["ssd_s47_enquiry"].stored
        conferences = tables["ssd_initial_cp_conference"]
        position = pc.index_in(conferences.stored["icpc_s47_enquiry_id"], s47["s47e_s47_enquiry_id"])
        _set(conferences, "icpc_referral_id", pc.take(s47["s47e_referral_id"], position))


def link_conferences(tables: dict[str, Rows]) -> None:
    """A CP plan and the conference that started it: same child, conference date = plan start, outcome Y."""
    if "ssd_cp_plans" not in tables or "ssd_initial_cp_conference" not in tables:
        return
    plans, conferences = tables["ssd_cp_plans"], tables["ssd_initial_cp_conference"]
    icpc = conferences.stored.filter(
        pc.equal(conferences.stored["icpc_icpc_outcome_cp_flag"], "Y").fill_null(False)
    )
    icpc_key = pc.binary_join_element_wise(
        icpc["icpc_person_id"], pc.cast(icpc["icpc_icpc_date"], pa.string()), "|"
    )
    plan_key = pc.binary_join_element_wise(
        plans.stored["cppl_person_id"], pc.cast(plans.stored["cppl_cp_plan_start_date"], pa.string()), "|"
    )
    _set(plans, "cppl_icpc_id", pc.take(icpc["icpc_icpc_id"], pc.index_in(plan_key, icpc_key)))
    all_keys = pc.binary_join_element_wise(
        conferences.stored["icpc_person_id"], pc.cast(conferences.stored["icpc_icpc_date"], pa.string()), "|"
    )
    outcome_y = pc.equal(conferences.stored["icpc_icpc_outcome_cp_flag"], "Y").fill_null(False)
    plan_ids = pc.take(plans.stored["cppl_cp_plan_id"], pc.index_in(all_keys, plan_key))
    _set(conferences, "icpc_cp_plan_id", pc.if_else(outcome_y, plan_ids, pa.scalar(None, pa.string())))


def link_adopters(builder: Builder, tables: dict[str, Rows]) -> None:
    """List 11's child-side facts onto the one List 10 child each family identifier names (§3.11)."""
    families, adopters = builder.stash.get(FAMILIES), builder.stash.get(ADOPTERS)
    if not families or not adopters or "ssd_permanence" not in tables:
        return
    links = pa.concat_tables(families)
    counts = links.group_by("family", use_threads=False).aggregate(
        [("child", "count_distinct"), ("perm_table_id", "first")]
    )
    single = counts.filter(pc.equal(counts["child_count_distinct"], 1))
    facts = pa.concat_tables(adopters)
    facts = first_per_key(facts.filter(pc.is_valid(facts["family"])), "family")
    position = pc.index_in(single["family"], facts["family"])
    permanence = tables["ssd_permanence"]
    row_of = pc.index_in(permanence.stored["perm_table_id"], single["perm_table_id_first"])
    for column in facts.column_names[1:]:
        given = pc.take(pc.take(facts[column], position), row_of)
        current = permanence.stored[column].combine_chunks()
        _set(permanence, column, pc.coalesce(current, given.cast(current.type)))
