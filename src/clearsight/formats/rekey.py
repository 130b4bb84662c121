"""One id for one record, whichever statutory source it came from (formats.md §2.1, §2.3).

No statutory format carries record ids, and each reader derives its own. Before sources are merged,
every row of a statutory source gets its primary key again from the natural key of §2.3, declared
here once for every table, and every foreign key that pointed at the old id follows it. So a
referral in Annex A List 3 and in the CIN census become one row, whatever the readers called them.

Periods of care are the exception: a 903 return sees only the episodes of its own year, so two
sources may date the same period differently. Periods are linked instead by child and overlap: a
period takes the id of the best-ranked source's period of the same child whose dates overlap it.

An SSD extract's own ids are kept (formats.md §6). Rows whose natural key has a blank part keep the
reader's id. Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.common.keys import derive_ids
from clearsight.formats.common.result import FormatResult
from clearsight.model import TABLES

# formats.md §2.3: the columns that identify a record, person first.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "ssd_contacts": ("cont_person_id", "cont_contact_date", "cont_contact_source_code"),
    "ssd_early_help_episodes": ("earl_person_id", "earl_episode_start_date"),
    "ssd_cin_episodes": ("cine_person_id", "cine_referral_date"),
    "ssd_cin_assessments": ("cina_person_id", "cina_assessment_start_date"),
    "ssd_cin_plans": ("cinp_person_id", "cinp_cin_plan_start_date"),
    "ssd_cin_visits": ("cinv_person_id", "cinv_cin_visit_date"),
    "ssd_s47_enquiry": ("s47e_person_id", "s47e_s47_start_date"),
    "ssd_initial_cp_conference": ("icpc_person_id", "icpc_icpc_date"),
    "ssd_cp_plans": ("cppl_person_id", "cppl_cp_plan_start_date"),
    "ssd_cp_visits": ("cppv_person_id", "cppv_cp_visit_date"),
    "ssd_cp_reviews": ("cppr_person_id", "cppr_cp_review_date"),
    "ssd_cla_episodes": ("clae_person_id", "clae_cla_episode_start_date"),
    "ssd_cla_placement": ("clap_person_id", "clap_cla_placement_start_date"),
    "ssd_legal_status": ("lega_person_id", "lega_legal_status", "lega_legal_status_start_date"),
    "ssd_cla_reviews": ("clar_cla_person_id", "clar_cla_review_date"),
    "ssd_cla_visits": ("clav_person_id", "clav_cla_visit_date"),
    "ssd_cla_health": ("clah_person_id", "clah_health_check_type", "clah_health_check_date"),
    "ssd_missing": ("miss_person_id", "miss_missing_episode_start_date", "miss_missing_episode_type"),
    "ssd_permanence": ("perm_person_id", "perm_adm_decision_date"),
    "ssd_care_leavers": ("clea_person_id",),  # one row per child per extract (§2.3)
    "ssd_disability": ("disa_person_id", "disa_disability_code"),
    "ssd_immigration_status": (
        "immi_person_id",
        "immi_immigration_status",
        "immi_immigration_status_start_date",
    ),
    "ssd_sdq_scores": ("csdq_person_id", "csdq_sdq_completed_date"),
    "ssd_cla_previous_permanence": ("lapp_person_id",),
    "ssd_cla_care_plan": ("lacp_person_id", "lacp_cla_care_plan_start_date"),
    "ssd_pre_proceedings": ("prep_person_id", "prep_pre_pro_decision_date"),
}

PERIOD = "clae_cla_id"
PERIOD_REFERENCE = "ssd_cla_episodes.clae_cla_id"


def _remap(values: pa.Array | pa.ChunkedArray, old: pa.Array, new: pa.Array) -> pa.Array:
    """`values` with each value found in `old` replaced by its partner in `new`."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    position = pc.index_in(values, old)
    return pc.if_else(pc.is_valid(position), pc.take(new, position), values)


def _replace(table: pa.Table, column: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(column), column, values)


def _follow(result: FormatResult, reference: str, old: pa.Array, new: pa.Array) -> None:
    """Point every column of `result` that refers to `reference` at the new ids."""
    for name, table in list(result.tables.items()):
        for column in TABLES[name].columns:
            if column.references == reference or (reference == PERIOD_REFERENCE and column.name == PERIOD):
                result.tables[name] = table = _replace(
                    table, column.name, _remap(table[column.name], old, new)
                )


def rekey(result: FormatResult, la_code: str) -> None:
    """Give every row of a statutory source its natural-key id, and make its references follow."""
    for name, key_columns in NATURAL_KEYS.items():
        if name not in result.tables:
            continue
        table = result.tables[name]
        pk = TABLES[name].primary_key
        complete = reduce(pc.and_, [pc.is_valid(table[c]) for c in key_columns])
        old = table[pk].combine_chunks()
        derived = pc.if_else(complete, derive_ids(la_code, name, *[table[c] for c in key_columns]), old)
        result.tables[name] = _replace(table, pk, derived)
        _follow(result, f"{name}.{pk}", old, derived)


def link_periods(ranked: Sequence[FormatResult]) -> None:
    """Give overlapping periods of care of one child, across sources, the best-ranked source's id."""
    spans = []
    for rank, result in enumerate(ranked):
        episodes = result.tables.get("ssd_cla_episodes")
        if episodes is not None and episodes.num_rows:
            spans.append(
                episodes.select(
                    ["clae_person_id", PERIOD, "clae_cla_episode_start_date", "clae_cla_episode_ceased_date"]
                ).append_column("_rank", pa.repeat(pa.scalar(rank, pa.int32()), episodes.num_rows))
            )
    if len(spans) < 2:
        return
    with duckdb.connect() as con:
        con.register("episodes", pa.concat_tables(spans))
        links = con.sql(
            f"""
            WITH periods AS (
                SELECT _rank, clae_person_id AS person, {PERIOD} AS period,
                       min(clae_cla_episode_start_date) AS start_date,
                       coalesce(max(clae_cla_episode_ceased_date), DATE '9999-12-31') AS end_date
                FROM episodes WHERE {PERIOD} IS NOT NULL GROUP BY ALL
            )
            SELECT p._rank, p.period AS old, arg_min(q.period, q._rank) AS new
            FROM periods p JOIN periods q
              ON q.person = p.person AND q._rank < p._rank
             AND q.start_date <= p.end_date AND p.start_date <= q.end_date
            GROUP BY ALL
            """
        ).to_arrow_table()
    for rank, result in enumerate(ranked):
        mine = links.filter(pc.equal(links["_rank"], rank))
        if mine.num_rows:
            _follow(result, PERIOD_REFERENCE, mine["old"].combine_chunks(), mine["new"].combine_chunks())
