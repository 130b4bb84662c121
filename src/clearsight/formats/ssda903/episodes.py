"""903 Episodes → periods of care, episodes, placements and legal statuses (formats.md §4.2, §4.13).

Per child, episodes in `DECOM` order:

1. a period of care starts at the first episode, at any `RNE` `S`, and after an episode whose `REC`
   is set and is not `X1`; `clae_entered_care_date` is the period's first `DECOM`;
2. a placement starts with the period and at every episode whose `RNE` is not `L`; it ends at the
   `DEC` of its last episode, whose `REASON_PLACE_CHANGE` is the placement's change reason;
3. a legal status starts with the period and wherever `LS` changes; it ends at the next change, or
   at the end of the period.

Broken chains are reported, never repaired (liiatools' fixes are only flagged): a first episode that
is not `S` (the period began before these data; its start is provisional), an `S` after an `X1`, a
new period without `S`, an open episode followed by another, a gap or overlap after `X1`, and an
episode that ends before it starts. An episode without a readable `DECOM` is kept, outside any period.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.common.keys import derive_ids
from clearsight.formats.common.result import FormatResult
from clearsight.formats.ssda903.build import add, connection
from clearsight.formats.ssda903.cells import report
from clearsight.model import TABLES
from clearsight.model.issues import INFO, WARNING, Issue

EPISODES = "Episodes"
PERIOD = "ssd_cla_episodes.clae_cla_id"  # the namespace of derived period-of-care ids

_NUMBERED = """
create view numbered as
with ordered as (
    select *, row_number() over w as _n, lag(REC) over w as prev_rec, lag(DEC) over w as prev_dec,
           lag(LS) over w as prev_ls
    from episodes where DECOM is not null
    window w as (partition by CHILD order by DECOM)
), starts as (
    select *, (_n = 1 or RNE = 'S' or coalesce(prev_rec <> 'X1', false)) as new_period from ordered
), counted as (
    select *,
        sum(new_period::int) over w as period_no,
        sum((new_period or RNE is distinct from 'L')::int) over w as placement_no,
        sum((new_period or LS is distinct from prev_ls)::int) over w as legal_no
    from starts
    window w as (partition by CHILD order by DECOM rows between unbounded preceding and current row)
)
select *,
    first_value(DECOM) over (partition by CHILD, period_no order by DECOM) as period_start,
    last_value(DEC) over (partition by CHILD, period_no order by DECOM
                          rows between unbounded preceding and unbounded following) as period_end,
    first_value(DECOM) over (partition by CHILD, placement_no order by DECOM) as placement_start,
    first_value(DECOM) over (partition by CHILD, legal_no order by DECOM) as legal_start
from counted
"""

_PLACEMENTS = """
select CHILD, placement_start, any_value(period_start) as period_start,
    arg_min_null(PLACE, DECOM) as PLACE, arg_min_null(raw_PLACE, DECOM) as raw_PLACE,
    arg_min_null(PLACE_PROVIDER, DECOM) as PLACE_PROVIDER,
    arg_min_null(raw_PLACE_PROVIDER, DECOM) as raw_PLACE_PROVIDER,
    arg_min_null(PL_POST, DECOM) as PL_POST, arg_min_null(raw_PL_POST, DECOM) as raw_PL_POST,
    arg_min_null(URN, DECOM) as URN, arg_min_null(raw_URN, DECOM) as raw_URN,
    arg_max_null(DEC, DECOM) as placement_end,
    arg_max_null(REASON_PLACE_CHANGE, DECOM) as REASON_PLACE_CHANGE,
    arg_max_null(raw_REASON_PLACE_CHANGE, DECOM) as raw_REASON_PLACE_CHANGE,
    arg_min_null(_file, DECOM) as _file, arg_min_null(_location, DECOM) as _location,
    arg_min_null(_row, DECOM) as _row
from numbered group by CHILD, placement_no, placement_start order by CHILD, placement_start
"""

_LEGAL = """
with spans as (
    select CHILD, legal_start, any_value(period_no) as period_no, any_value(period_end) as period_end,
        arg_min_null(LS, DECOM) as LS, arg_min_null(raw_LS, DECOM) as raw_LS,
        arg_min_null(_file, DECOM) as _file, arg_min_null(_location, DECOM) as _location,
        arg_min_null(_row, DECOM) as _row
    from numbered group by CHILD, legal_no, legal_start
)
select *, coalesce(lead(legal_start) over (partition by CHILD, period_no order by legal_start), period_end)
    as legal_end
from spans order by CHILD, legal_start
"""

_EPISODES = """
select * from numbered
union all by name
select * from episodes where DECOM is null
order by _file, _row
"""

_PERIODS = """
select CHILD, period_start, any_value(period_end) as period_end
from numbered group by CHILD, period_start order by CHILD, period_start
"""

# (condition on `numbered`, column, severity, problem). In a one-year return most children's first
# episode began before the year, so that case is information, not a warning.
_CHAIN_PROBLEMS = (
    (
        "_n = 1 and RNE is distinct from 'S'",
        "RNE",
        INFO,
        "the child's first episode here is not RNE S: the period of care began before these data, "
        "so its start date is provisional",
    ),
    (
        "_n > 1 and RNE = 'S' and prev_rec = 'X1'",
        "RNE",
        WARNING,
        "starts a new period of care (RNE S), but the previous episode ended with X1 (care continuing)",
    ),
    (
        "_n > 1 and RNE is distinct from 'S' and prev_rec <> 'X1'",
        "RNE",
        WARNING,
        "follows an episode that ended the period of care, but is not RNE S; a new period is started",
    ),
    (
        "_n > 1 and prev_dec is null",
        "DECOM",
        WARNING,
        "follows an episode that has no DEC (it was never closed)",
    ),
    (
        "_n > 1 and prev_rec = 'X1' and prev_dec <> DECOM",
        "DECOM",
        WARNING,
        "does not start on the day the previous episode ended, though that episode ended with X1",
    ),
    ("DEC < DECOM", "DEC", WARNING, "ends before it starts"),
)


@dataclass(frozen=True)
class CareHistory:
    """What the other 903 tables are placed against: periods of care, placements and legal statuses."""

    periods: pa.Table  # CHILD, period_id, period_start, period_end
    placements: pa.Table  # canonical ssd_cla_placement
    legal: pa.Table  # LEGAL_COLUMNS: legal statuses from Episodes, added with DoLo's by the reader

    @staticmethod
    def empty() -> CareHistory:
        """The history of a return with no Episodes table."""
        periods = pa.schema(
            [
                ("CHILD", pa.string()),
                ("period_start", pa.date32()),
                ("period_end", pa.date32()),
                ("period_id", pa.string()),
            ]
        )
        legal = pa.schema(
            [
                ("CHILD", pa.string()),
                ("LS", pa.string()),
                ("raw_LS", pa.string()),
                ("legal_start", pa.date32()),
                ("legal_end", pa.date32()),
                ("_file", pa.string()),
                ("_location", pa.string()),
                ("_row", pa.int64()),
            ]
        )
        return CareHistory(periods.empty_table(), TABLES["ssd_cla_placement"].empty(), legal.empty_table())


def _ids(la_code: str, table: str, *parts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Derived ids, NULL where the key's date is NULL (an episode outside any period)."""
    derived = derive_ids(la_code, table, *parts)
    return pc.if_else(pc.is_null(parts[-1]), pa.scalar(None, pa.string()), derived)


def _chain_issues(con: duckdb.DuckDBPyConnection) -> list[Issue]:
    checks = ", ".join(f"coalesce({check[0]}, false) as c{i}" for i, check in enumerate(_CHAIN_PROBLEMS))
    flagged = con.sql(
        f"select CHILD, _path, _sheet, _row, raw_DECOM, {checks} from numbered"
    ).to_arrow_table()
    issues: list[Issue] = []
    for i, (_, column, severity, problem) in enumerate(_CHAIN_PROBLEMS):
        issues += report(
            flagged,
            flagged[f"c{i}"].combine_chunks(),
            problem=problem,
            severity=severity,
            table=EPISODES,
            column=column,
            values=flagged["raw_DECOM"].combine_chunks(),
        )
    return issues


def build_care(episodes: pa.Table, la_code: str, result: FormatResult) -> CareHistory:
    """Add the episodes, placements and legal statuses of a typed, de-duplicated Episodes table."""
    con = connection()
    con.register("episodes", episodes)
    try:
        con.execute(_NUMBERED)
        result.issues.extend(_chain_issues(con))
        rows = con.sql(_EPISODES).to_arrow_table()
        placements = con.sql(_PLACEMENTS).to_arrow_table()
        legal = con.sql(_LEGAL).to_arrow_table()
        periods = con.sql(_PERIODS).to_arrow_table()
    finally:
        con.execute("drop view if exists numbered")
        con.unregister("episodes")
    child = rows["CHILD"]
    placement_ids = _ids(la_code, "ssd_cla_placement", child, rows["placement_start"])
    add(
        result,
        "ssd_cla_episodes",
        rows,
        {
            "clae_cla_episode_id": derive_ids(la_code, "ssd_cla_episodes", child, rows["DECOM"]),
            "clae_person_id": child,
            "clae_cla_episode_start_date": rows["DECOM"],
            "clae_cla_episode_start_reason": rows["RNE"],
            "clae_cla_primary_need_code": rows["CIN"],
            "clae_cla_episode_ceased_date": rows["DEC"],
            "clae_cla_episode_ceased_reason": rows["REC"],
            "clae_cla_id": _ids(la_code, PERIOD, child, rows["period_start"]),
            "clae_cla_placement_id": placement_ids,
            "clae_entered_care_date": rows["period_start"],
        },
        {
            "clae_cla_episode_start_date": "DECOM",
            "clae_cla_episode_start_reason": "RNE",
            "clae_cla_primary_need_code": "CIN",
            "clae_cla_episode_ceased_date": "DEC",
            "clae_cla_episode_ceased_reason": "REC",
        },
    )
    child = placements["CHILD"]
    placement_table = add(
        result,
        "ssd_cla_placement",
        placements,
        {
            "clap_cla_placement_id": _ids(la_code, "ssd_cla_placement", child, placements["placement_start"]),
            "clap_cla_placement_start_date": placements["placement_start"],
            "clap_cla_placement_type": placements["PLACE"],
            "clap_cla_placement_urn": placements["URN"],
            "clap_cla_id": _ids(la_code, PERIOD, child, placements["period_start"]),
            "clap_cla_placement_provider": placements["PLACE_PROVIDER"],
            "clap_cla_placement_postcode": placements["PL_POST"],
            "clap_cla_placement_end_date": placements["placement_end"],
            "clap_cla_placement_change_reason": placements["REASON_PLACE_CHANGE"],
            "clap_person_id": child,
        },
        {
            "clap_cla_placement_type": "PLACE",
            "clap_cla_placement_urn": "URN",
            "clap_cla_placement_provider": "PLACE_PROVIDER",
            "clap_cla_placement_postcode": "PL_POST",
            "clap_cla_placement_change_reason": "REASON_PLACE_CHANGE",
        },
    )
    periods = periods.append_column(
        "period_id", _ids(la_code, PERIOD, periods["CHILD"], periods["period_start"])
    )
    return CareHistory(periods, placement_table, legal.select(LEGAL_COLUMNS))


LEGAL_COLUMNS = ["CHILD", "LS", "raw_LS", "legal_start", "legal_end", "_file", "_location", "_row"]


def add_legal_statuses(result: FormatResult, legal: pa.Table, la_code: str) -> None:
    """Add legal statuses from rows with LEGAL_COLUMNS (from Episodes, and DoLo orders)."""
    child = legal["CHILD"]
    add(
        result,
        "ssd_legal_status",
        legal,
        {
            "lega_legal_status_id": _ids(
                la_code, "ssd_legal_status", child, legal["LS"], legal["legal_start"]
            ),
            "lega_person_id": child,
            "lega_legal_status": legal["LS"],
            "lega_legal_status_start_date": legal["legal_start"],
            "lega_legal_status_end_date": legal["legal_end"],
        },
        {"lega_legal_status": "LS"},
    )
