"""903 AD1 and PlacedAdoption → ssd_permanence, with the dates the Episodes give (formats.md §4.7, §4.8).

AD1 `DATE_INT` and PlacedAdoption `DATE_PLACED` are both the date of the decision that the child
should be placed for adoption (`perm_adm_decision_date`), so one row is built per child and decision
date from either table or both. The period of care is the one that holds the decision (the child's
latest, if none does), and from it:

- `perm_permanence_order_date`: the `DEC` of its episode ending `E11`/`E12`, type `Adoption`;
- `perm_placed_for_adoption_date`: the start of its first placement of type `A3`–`A6`;
- `perm_placement_order_date`: the start of its first legal status `E1` (or `D1`), as the SSD guidance says.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.common.keys import derive_ids
from clearsight.formats.common.result import FormatResult
from clearsight.formats.ssda903.build import add, query
from clearsight.formats.ssda903.episodes import CareHistory

ADOPTION = "Adoption"
_AD1 = ["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"]
_PLACED = ["DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"]

_MERGED = """
with merged as (
    select coalesce(a.CHILD, p.CHILD) as CHILD, coalesce(a.DATE_INT, p.DATE_PLACED) as decision,
        coalesce(a.raw_DATE_INT, p.raw_DATE_PLACED) as raw_decision,
        a.* exclude (CHILD, _file, _location, _row), p.* exclude (CHILD, _file, _location, _row),
        coalesce(a._file, p._file) as _file, coalesce(a._location, p._location) as _location,
        coalesce(a._row, p._row) as _row, row_number() over () as _m
    from a full outer join p on a.CHILD = p.CHILD and a.DATE_INT = p.DATE_PLACED
), chosen as (
    select m.*, c.period_id, c.period_start, c.period_end
    from merged m left join c on c.CHILD = m.CHILD
    qualify row_number() over (
        partition by m._m
        order by coalesce(m.decision between c.period_start and coalesce(c.period_end, date '9999-12-31'),
                          false) desc,
            c.period_start desc) = 1
)
select chosen.*,
    (select max(e.clae_cla_episode_ceased_date) from e
        where e.clae_cla_id = chosen.period_id and e.clae_cla_episode_ceased_reason in ('E11', 'E12'))
        as order_date,
    (select min(l.clap_cla_placement_start_date) from l
        where l.clap_cla_id = chosen.period_id and l.clap_cla_placement_type in ('A3', 'A4', 'A5', 'A6'))
        as placed_date,
    (select min(s.legal_start) from s
        where s.CHILD = chosen.CHILD and s.LS in ('E1', 'D1') and s.legal_start >= chosen.period_start
            and s.legal_start <= coalesce(chosen.period_end, date '9999-12-31'))
        as placement_order_date
from chosen order by _m
"""


def _part(data: pa.Table, columns: list[str]) -> pa.Table:
    return data.select(["CHILD", "_file", "_location", "_row", *columns, *(f"raw_{c}" for c in columns)])


def add_permanence(
    ad1: pa.Table, placed: pa.Table, care: CareHistory, episodes: pa.Table, la_code: str, result: FormatResult
) -> None:
    """Add ssd_permanence rows from AD1 and PlacedAdoption (either may be empty), merged on decision date.

    `episodes` is the canonical ssd_cla_episodes table built from the same files.
    """
    rows = query(
        _MERGED,
        a=_part(ad1, _AD1),
        p=_part(placed, _PLACED),
        c=care.periods,
        e=episodes,
        l=care.placements,
        s=care.legal,
    )
    order_date = rows["order_date"]
    add(
        result,
        "ssd_permanence",
        rows,
        {
            "perm_table_id": derive_ids(la_code, "ssd_permanence", rows["CHILD"], rows["decision"]),
            "perm_person_id": rows["CHILD"],
            "perm_cla_id": rows["period_id"],
            "perm_adm_decision_date": rows["decision"],
            "perm_placement_order_date": rows["placement_order_date"],
            "perm_placed_for_adoption_date": rows["placed_date"],
            "perm_matched_date": rows["DATE_MATCH"],
            "perm_adopted_by_carer_flag": rows["FOSTER_CARE"],
            "perm_decision_reversed_date": rows["DATE_PLACED_CEASED"],
            "perm_decision_reversed_reason": rows["REASON_PLACED_CEASED"],
            "perm_permanence_order_date": order_date,
            "perm_permanence_order_type": pc.if_else(pc.is_valid(order_date), ADOPTION, None),
            "perm_adopter_sex": rows["SEX_ADOPTR"],
            "perm_adopter_legal_status": rows["LS_ADOPTR"],
            "perm_number_of_adopters": rows["NB_ADOPTR"],
        },
        {
            "perm_adm_decision_date": "decision",
            "perm_matched_date": "DATE_MATCH",
            "perm_adopted_by_carer_flag": "FOSTER_CARE",
            "perm_decision_reversed_date": "DATE_PLACED_CEASED",
            "perm_decision_reversed_reason": "REASON_PLACED_CEASED",
            "perm_adopter_sex": "SEX_ADOPTR",
            "perm_adopter_legal_status": "LS_ADOPTR",
            "perm_number_of_adopters": "NB_ADOPTR",
        },
    )
