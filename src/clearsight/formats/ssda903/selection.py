"""Which canonical rows a year's 903 return holds, as 903 columns with stored values (formats.md §7).

The reverse of the reader's mapping, for the collection year from `$start` (1 April) to `$end`
(31 March):

- Episodes: every episode open at any time in the year, with the legal status in force when it
  started, its placement's type, provider, postcode and URN, and the placement's change reason on
  the placement's last episode. `HOME_POST` has no canonical home and is blank.
- Header: every child in any other table of the return. `UPN` is the UPN, else its unknown code.
- Reviews held in the year (not cancelled); missing episodes that overlap the year; UASC for looked
  after children with a UASC immigration status (`DUC` its latest end).
- OC2: children looked after on 31 March who entered care on or before 1 April: the latest SDQ of
  the year (or an undated one) and 1/0 for a completed health assessment, dental check and health
  surveillance check that year (or undated). OC2 items with no canonical home are blank.
- OC3: care leavers whose age on 31 March is 17 to 21, one row each (the latest contact).
- AD1: children whose episode ended `E11`/`E12` in the year, with their latest adoption decision.
- PlacedAdoption: adoption decisions of looked after children made by the year end and not reversed
  before it began. PrevPerm: children who started to be looked after in the year.
- SWEpisodes (from 2023/24): the social worker or allocated worker involvements of looked after
  children that overlap the year; `SW_ID` is the registration number, else the worker's id, starting `XX`.
- DoLo (from 2026/27): legal statuses with the local code `DOLO` that overlap the year.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.ssda903.build import canonical
from clearsight.model import TABLES

_LOOKED_AFTER = """
create temp table episodes as
with placed as (
    select e.*, p.clap_cla_placement_id as placement_id, p.clap_cla_placement_type as PLACE,
        p.clap_cla_placement_provider as PLACE_PROVIDER, p.clap_cla_placement_postcode as PL_POST,
        p.clap_cla_placement_urn as URN, p.clap_cla_placement_change_reason as change_reason
    from ssd_cla_episodes e left join ssd_cla_placement p
        on p.clap_cla_placement_id = e.clae_cla_placement_id
        or (e.clae_cla_placement_id is null and p.clap_person_id = e.clae_person_id
            and e.clae_cla_episode_start_date >= p.clap_cla_placement_start_date
            and e.clae_cla_episode_start_date < coalesce(p.clap_cla_placement_end_date, date '9999-12-31'))
    qualify row_number() over (partition by e.clae_cla_episode_id
                               order by p.clap_cla_placement_start_date desc) = 1
), legal as (
    select placed.*, l.lega_legal_status as LS,
        lead(placement_id) over (partition by clae_person_id order by clae_cla_episode_start_date)
            is distinct from placement_id as ends_placement
    from placed left join ssd_legal_status l
        on l.lega_person_id = clae_person_id and l.lega_legal_status <> 'DOLO'
        and clae_cla_episode_start_date >= l.lega_legal_status_start_date
        and clae_cla_episode_start_date < coalesce(l.lega_legal_status_end_date, date '9999-12-31')
    qualify row_number() over (partition by clae_cla_episode_id
                               order by l.lega_legal_status_start_date desc) = 1
)
select clae_person_id as CHILD, clae_cla_episode_start_date as DECOM, clae_cla_episode_start_reason as RNE,
    LS, clae_cla_primary_need_code as CIN, PLACE, PLACE_PROVIDER, clae_cla_episode_ceased_date as DEC,
    clae_cla_episode_ceased_reason as REC,
    case when ends_placement and clae_cla_episode_ceased_date is not null then change_reason end
        as REASON_PLACE_CHANGE,
    null::varchar as HOME_POST, PL_POST, URN, clae_entered_care_date
from legal
where clae_cla_episode_start_date <= $end
    and coalesce(clae_cla_episode_ceased_date, date '9999-12-31') >= $start
"""

QUERIES = {
    "Episodes": "select * exclude (clae_entered_care_date) from episodes order by CHILD, DECOM",
    "Reviews": """
        select clar_cla_person_id as CHILD, clar_cla_review_date as REVIEW,
            clar_cla_review_participation as REVIEW_CODE
        from ssd_cla_reviews
        where clar_cla_review_date between $start and $end and clar_cla_review_cancelled is distinct from 'Y'
            and clar_cla_person_id in (select CHILD from episodes)
        order by CHILD, REVIEW""",
    "UASC": """
        select immi_person_id as CHILD, arg_max_null(immi_immigration_status_end_date,
            coalesce(immi_immigration_status_start_date, date '0001-01-01')) as DUC
        from ssd_immigration_status
        where immi_immigration_status = 'UASC' and immi_person_id in (select CHILD from episodes)
        group by CHILD order by CHILD""",
    "OC2": """
        with children as (
            select distinct CHILD from episodes
            where coalesce(DEC, date '9999-12-31') > $end and clae_entered_care_date <= $start
        ), sdq as (
            select csdq_person_id as CHILD,
                arg_max_null(csdq_sdq_score, coalesce(csdq_sdq_completed_date, $start)) as SDQ_SCORE,
                arg_max_null(csdq_sdq_reason, coalesce(csdq_sdq_completed_date, $start)) as SDQ_REASON
            from ssd_sdq_scores
            where coalesce(csdq_sdq_completed_date, $start) between $start and $end
            group by csdq_person_id
        ), checks as (
            select clah_person_id as CHILD, list(distinct clah_health_check_type) as done from ssd_cla_health
            where clah_health_check_status = 'Completed'
                and coalesce(clah_health_check_date, $start) between $start and $end
            group by clah_person_id
        )
        select c.CHILD, SDQ_SCORE, SDQ_REASON, null::varchar as CONVICTED,
            case when list_contains(done, 'SURVEILLANCE') then 'Y' else 'N' end as HEALTH_CHECK,
            null::varchar as IMMUNISATIONS,
            case when list_contains(done, 'DENTAL') then 'Y' else 'N' end as TEETH_CHECK,
            case when list_contains(done, 'HEALTH') then 'Y' else 'N' end as HEALTH_ASSESSMENT,
            null::varchar as SUBSTANCE_MISUSE, null::varchar as INTERVENTION_RECEIVED,
            null::varchar as INTERVENTION_OFFERED
        from children c left join sdq using (CHILD) left join checks using (CHILD)
        order by c.CHILD""",
    "OC3": """
        select clea_person_id as CHILD, clea_care_leaver_in_touch as IN_TOUCH,
            clea_care_leaver_activity as ACTIV, clea_care_leaver_accommodation as ACCOM,
            clea_care_leaver_accom_suitable as ACCOM_SUITABLE
        from ssd_care_leavers join ssd_person on pers_person_id = clea_person_id
        where date_sub('year', pers_dob, $end) between 17 and 21
        qualify row_number() over (partition by clea_person_id
                                   order by clea_care_leaver_latest_contact desc nulls last) = 1
        order by CHILD""",
    "AD1": """
        select perm_person_id as CHILD, perm_adm_decision_date as DATE_INT, perm_matched_date as DATE_MATCH,
            perm_adopted_by_carer_flag as FOSTER_CARE, perm_number_of_adopters as NB_ADOPTR,
            perm_adopter_sex as SEX_ADOPTR, perm_adopter_legal_status as LS_ADOPTR
        from ssd_permanence
        where perm_person_id in (
            select CHILD from episodes where REC in ('E11', 'E12') and DEC between $start and $end)
        qualify row_number() over (partition by perm_person_id
            order by perm_permanence_order_type = 'Adoption' desc, perm_adm_decision_date desc nulls last) = 1
        order by CHILD""",
    "PlacedAdoption": """
        select perm_person_id as CHILD, perm_adm_decision_date as DATE_PLACED,
            perm_decision_reversed_date as DATE_PLACED_CEASED,
            perm_decision_reversed_reason as REASON_PLACED_CEASED
        from ssd_permanence
        where perm_adm_decision_date <= $end and coalesce(perm_decision_reversed_date, $start) >= $start
            and perm_person_id in (select CHILD from episodes)
        order by CHILD, DATE_PLACED""",
    "PrevPerm": """
        select lapp_person_id as CHILD, arg_min(lapp_previous_permanence_option, lapp_table_id) as PREV_PERM,
            arg_min(lapp_previous_permanence_la, lapp_table_id) as LA_PERM,
            arg_min(lapp_previous_permanence_order_date, lapp_table_id) as DATE_PERM
        from ssd_cla_previous_permanence
        where lapp_person_id in (select CHILD from episodes where RNE = 'S' and DECOM between $start and $end)
        group by lapp_person_id order by CHILD""",
    "Missing": """
        select miss_person_id as CHILD, miss_missing_episode_type as MISSING,
            miss_missing_episode_start_date as MIS_START, miss_missing_episode_end_date as MIS_END
        from ssd_missing
        where miss_missing_episode_start_date <= $end
            and coalesce(miss_missing_episode_end_date, date '9999-12-31') >= $start
            and miss_person_id in (select CHILD from episodes)
        order by CHILD, MIS_START""",
    "SWEpisodes": """
        select invo_person_id as CHILD,
            case when upper(prof_social_worker_registration_no) like 'SW%'
                     then prof_social_worker_registration_no
                 when upper(invo_professional_id) like 'XX%' then invo_professional_id
                 else 'XX' || invo_professional_id end as SW_ID,
            invo_involvement_start_date as SW_DECOM, invo_involvement_end_date as SW_DEC,
            invo_worker_change_reason as SW_REASON
        from ssd_involvements left join ssd_professionals on prof_professional_id = invo_professional_id
        where invo_professional_role_id in ('SOCIAL_WORKER', 'ALLOCATED_WORKER')
            and invo_involvement_start_date <= $end
            and coalesce(invo_involvement_end_date, date '9999-12-31') >= $start
            and invo_person_id in (select CHILD from episodes)
        order by CHILD, SW_DECOM, SW_ID""",
    "DoLo": """
        select lega_person_id as CHILD, lega_legal_status_start_date as DOLO_START,
            lega_legal_status_end_date as DOLO_END
        from ssd_legal_status
        where lega_legal_status = 'DOLO' and lega_legal_status_start_date <= $end
            and coalesce(lega_legal_status_end_date, date '9999-12-31') >= $start
        order by CHILD, DOLO_START""",
}

_HEADER = """
select pers_person_id as CHILD, pers_sex as SEX, pers_dob as DOB, pers_ethnicity as ETHNIC,
    coalesce(pers_upn, pers_upn_unknown) as UPN, pers_is_mother as MOTHER, null::date as MC_DOB
from ssd_person where pers_person_id in (select CHILD from children)
union all by name
select CHILD from children where CHILD not in (select pers_person_id from ssd_person)
order by CHILD
"""


def _canonical(name: str, table: pa.Table | None) -> pa.Table:
    """A canonical table with every declared column (NULL where the given table lacks one)."""
    if table is None:
        return TABLES[name].empty()
    return canonical(name, {c: table[c] for c in table.column_names}, table.num_rows)


def _with_person(selected: pa.Table, person: pa.Table, columns: list[str]) -> pa.Table:
    """`selected` with DOB and SEX (those of `columns` it lacks) taken from ssd_person by CHILD."""
    at = pc.index_in(selected["CHILD"], person["pers_person_id"])
    for column, source in (("DOB", "pers_dob"), ("SEX", "pers_sex")):
        if column in columns and column not in selected.column_names:
            selected = selected.append_column(column, pc.take(person[source], at))
    return selected


def select_return(
    tables: Mapping[str, pa.Table], wanted: Mapping[str, list[str]], start: dt.date, end: dt.date
) -> dict[str, pa.Table]:
    """The rows of each wanted 903 table (name → its columns) for the year from `start` to `end`.

    Values are in stored form. Every table but Header carries DOB (and UASC SEX) from ssd_person,
    as the return repeats them.
    """
    params = {"start": start, "end": end}
    selected: dict[str, pa.Table] = {}
    with duckdb.connect() as con:
        for name in TABLES:
            con.register(name, _canonical(name, tables.get(name)))
        con.execute(_LOOKED_AFTER, params)
        for name in wanted:
            if name in QUERIES:
                used = {key: value for key, value in params.items() if f"${key}" in QUERIES[name]}
                selected[name] = con.sql(QUERIES[name], params=used).to_arrow_table()
        children = [t["CHILD"].combine_chunks().cast(pa.string()) for t in selected.values()]
        con.register(
            "children", pa.table({"CHILD": pa.concat_arrays([pa.array([], pa.string()), *children])})
        )
        selected["Header"] = con.sql(_HEADER).to_arrow_table()
        person = con.sql("select pers_person_id, pers_dob, pers_sex from ssd_person").to_arrow_table()
    return {name: _with_person(table, person, wanted.get(name, [])) for name, table in selected.items()}
