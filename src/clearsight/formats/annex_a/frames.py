"""The Annex A lists computed from canonical tables, in stored form, for the writer (formats.md §7).

`frames(tables, as_at)` returns one Arrow table per list, its columns named by the list's keys in
spec/lists.yml and holding stored-form values (codes, Y/N, dates, names); `write.py` turns them into
template values. The mappings of §3 run in reverse, in SQL over the canonical tables in an in-process
DuckDB. Each list covers its window ending at `as_at` (§3.0): 6 months, 12 for Lists 10 and 11.

- Lists 1 and 3: the events dated in the window. Lists 2, 4, 5, 6, 7: the episodes open at any time in
  it (started by `as_at`, not ended before the window), as SSD-AA-SQL selects them; List 6 leaves out
  referrals closed with no further action, List 7 plans held for another authority.
- List 8: each period of care (`clae_cla_id`) open in the window, described by its latest episode,
  placement and legal status up to `as_at`; periods whose legal status is a short break (V3, V4) are
  left out, as SSD-AA-SQL does. List 9: each care leaver's latest row (by latest contact; successive
  extracts leave one row each). List 10: permanence rows with an
  adoption decision that were adopted or reversed in the window, or are still waiting.
- "Date of last …" columns take the latest event on or before `as_at` (a CIN visit at which the child
  was seen; a completed health check). Counts cover the 12 months to `as_at`. Team and worker names
  come from `ssd_department` and `ssd_professionals`; Lists 3-5 and 9 use the event's own, Lists 6-8
  the allocation open at `as_at` (any role but IRO, team manager or personal adviser).

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import duckdb
import pyarrow as pa
from dateutil.relativedelta import relativedelta

from clearsight.formats.annex_a.profiles import lists
from clearsight.model import TABLES

NOT_ALLOCATIONS = ("IRO", "TEAM_MANAGER", "PERSONAL_ADVISER")
SHORT_BREAKS = ("V3", "V4")

_VIEWS = f"""
CREATE TEMP VIEW teams AS
    SELECT dept_team_id AS id, first(dept_team_name) AS name FROM ssd_department GROUP BY 1;
CREATE TEMP VIEW workers AS
    SELECT prof_professional_id AS id, first(prof_professional_name) AS name
    FROM ssd_professionals GROUP BY 1;
CREATE TEMP VIEW people AS
SELECT p.pers_person_id AS child_id, p.pers_gender AS gender, p.pers_ethnicity AS ethnicity,
    p.pers_dob AS dob,
    CASE WHEN p.pers_dob <= $as_at THEN date_part('year', age($as_at, p.pers_dob)) END AS age,
    CASE WHEN d.disabled THEN 'Y' WHEN d.answered THEN 'N' END AS disability,
    CASE WHEN u.ever THEN 'Y' ELSE 'N' END AS uasc_ever, CASE WHEN u.recent THEN 'Y' ELSE 'N' END AS uasc_12m
FROM (SELECT * FROM ssd_person QUALIFY row_number() OVER (PARTITION BY pers_person_id) = 1) p
LEFT JOIN (SELECT disa_person_id, bool_or(disa_disability_code <> 'NONE') AS disabled,
                  bool_or(disa_disability_code IS NOT NULL) AS answered
           FROM ssd_disability GROUP BY 1) d ON d.disa_person_id = p.pers_person_id
LEFT JOIN (SELECT immi_person_id, true AS ever,
                  bool_or(coalesce(immi_immigration_status_start_date <= $as_at, true)
                          AND coalesce(immi_immigration_status_end_date >= $w12, true)) AS recent
           FROM ssd_immigration_status WHERE immi_immigration_status = 'UASC' GROUP BY 1) u
    ON u.immi_person_id = p.pers_person_id;
CREATE TEMP VIEW allocation AS
SELECT i.invo_person_id AS child_id, t.name AS team, w.name AS worker
FROM ssd_involvements i LEFT JOIN teams t ON t.id = i.invo_professional_team
LEFT JOIN workers w ON w.id = i.invo_professional_id
WHERE coalesce(i.invo_involvement_start_date <= $as_at, true)
  AND coalesce(i.invo_involvement_end_date > $as_at, true)
  AND coalesce(i.invo_professional_role_id NOT IN ({", ".join(f"'{r}'" for r in NOT_ALLOCATIONS)}), true)
QUALIFY row_number() OVER (PARTITION BY i.invo_person_id
    ORDER BY i.invo_involvement_start_date DESC NULLS LAST, i.invo_involvements_id DESC) = 1;
"""

_PERSON = "p.gender, p.ethnicity, p.dob, p.age"

SQL: dict[int, str] = {
    1: f"""
SELECT c.cont_person_id AS child_id, {_PERSON}, c.cont_contact_date AS contact_date,
    c.cont_contact_source_code AS contact_source
FROM ssd_contacts c LEFT JOIN people p ON p.child_id = c.cont_person_id
WHERE c.cont_contact_date BETWEEN $start AND $as_at ORDER BY contact_date, child_id""",
    2: f"""
SELECT e.earl_person_id AS child_id, {_PERSON}, e.earl_episode_start_date AS eh_start,
    e.earl_episode_end_date AS eh_end, e.earl_episode_organisation AS eh_organisation
FROM ssd_early_help_episodes e LEFT JOIN people p ON p.child_id = e.earl_person_id
WHERE e.earl_episode_start_date <= $as_at AND coalesce(e.earl_episode_end_date >= $start, true)
ORDER BY eh_start, child_id""",
    3: f"""
SELECT r.cine_person_id AS child_id, {_PERSON}, r.cine_referral_date AS referral_date,
    r.cine_referral_source_code AS referral_source, r.cine_referral_nfa AS referral_nfa,
    (SELECT count(*) FROM ssd_cin_episodes o WHERE o.cine_person_id = r.cine_person_id
        AND o.cine_referral_date BETWEEN $w12 AND $as_at) AS referrals_12m,
    t.name AS team, w.name AS worker
FROM ssd_cin_episodes r LEFT JOIN people p ON p.child_id = r.cine_person_id
LEFT JOIN teams t ON t.id = r.cine_referral_team LEFT JOIN workers w ON w.id = r.cine_referral_worker_id
WHERE r.cine_referral_date BETWEEN $start AND $as_at ORDER BY referral_date, child_id""",
    4: f"""
SELECT a.cina_person_id AS child_id, {_PERSON}, p.disability,
    a.cina_assessment_start_date AS assessment_start,
    a.cina_assessment_child_seen AS assessment_seen, a.cina_assessment_auth_date AS assessment_authorised,
    CASE a.cina_assessment_outcome_nfa WHEN 'N' THEN 'Y' WHEN 'Y' THEN 'N' END AS needs_support,
    t.name AS team, w.name AS worker
FROM ssd_cin_assessments a LEFT JOIN people p ON p.child_id = a.cina_person_id
LEFT JOIN teams t ON t.id = a.cina_assessment_team LEFT JOIN workers w ON w.id = a.cina_assessment_worker_id
WHERE a.cina_assessment_start_date <= $as_at AND coalesce(a.cina_assessment_auth_date >= $start, true)
ORDER BY assessment_start, child_id""",
    5: f"""
SELECT s.s47e_person_id AS child_id, {_PERSON}, p.disability, s.s47e_s47_start_date AS s47_start,
    CASE json_extract_string(s.s47e_s47_outcome_json, '$.CP_CONFERENCE_FLAG')
        WHEN 'Y' THEN 'N' WHEN 'N' THEN 'Y' END AS icpc_unnecessary,
    c.icpc_icpc_date AS icpc_date, c.icpc_icpc_outcome_cp_flag AS icpc_plan,
    (SELECT count(*) FROM ssd_s47_enquiry o WHERE o.s47e_person_id = s.s47e_person_id
        AND o.s47e_s47_start_date BETWEEN $w12 AND $as_at) AS s47s_12m,
    (SELECT count(*) FROM ssd_initial_cp_conference o WHERE o.icpc_person_id = s.s47e_person_id
        AND o.icpc_icpc_date BETWEEN $w12 AND $as_at) AS icpcs_12m,
    t.name AS team, w.name AS worker
FROM ssd_s47_enquiry s LEFT JOIN people p ON p.child_id = s.s47e_person_id
LEFT JOIN (SELECT * FROM ssd_initial_cp_conference QUALIFY row_number() OVER (
    PARTITION BY icpc_s47_enquiry_id ORDER BY icpc_icpc_date NULLS LAST, icpc_icpc_id) = 1) c
    ON c.icpc_s47_enquiry_id = s.s47e_s47_enquiry_id
LEFT JOIN teams t ON t.id = s.s47e_s47_completed_by_team
LEFT JOIN workers w ON w.id = s.s47e_s47_completed_by_worker_id
WHERE s.s47e_s47_start_date <= $as_at AND coalesce(s.s47e_s47_end_date >= $start, true)
ORDER BY s47_start, child_id""",
    6: f"""
SELECT e.cine_person_id AS child_id, {_PERSON}, p.disability, e.cine_referral_date AS cin_start,
    e.cine_cin_primary_need_code AS primary_need,
    (SELECT max(v.cinv_cin_visit_date) FROM ssd_cin_visits v WHERE v.cinv_person_id = e.cine_person_id
        AND v.cinv_cin_visit_seen = 'Y' AND v.cinv_cin_visit_date <= $as_at
        AND v.cinv_cin_visit_date BETWEEN e.cine_referral_date AND coalesce(e.cine_close_date, $as_at))
        AS last_seen,
    e.cine_close_date AS cin_closed, e.cine_close_reason AS closure_reason,
    CASE WHEN e.cine_close_date <= $as_at THEN 'e) Closed episode'
         WHEN EXISTS (SELECT 1 FROM ssd_cla_episodes x WHERE x.clae_person_id = e.cine_person_id
             AND x.clae_cla_episode_start_date <= $as_at
             AND coalesce(x.clae_cla_episode_ceased_date > $as_at, true))
             THEN 'a) Looked after child'
         WHEN EXISTS (SELECT 1 FROM ssd_cp_plans x WHERE x.cppl_person_id = e.cine_person_id
             AND x.cppl_cp_plan_start_date <= $as_at AND coalesce(x.cppl_cp_plan_end_date > $as_at, true))
             THEN 'b) Child Protection plan'
         WHEN EXISTS (SELECT 1 FROM ssd_cin_plans x WHERE x.cinp_person_id = e.cine_person_id
             AND x.cinp_cin_plan_start_date <= $as_at AND coalesce(x.cinp_cin_plan_end_date > $as_at, true))
             THEN 'c) Child in need plan'
         WHEN EXISTS (SELECT 1 FROM ssd_cin_assessments x WHERE x.cina_person_id = e.cine_person_id
             AND x.cina_assessment_start_date <= $as_at
             AND coalesce(x.cina_assessment_auth_date > $as_at, true))
             THEN 'd) Open assessment'
         ELSE 'c) Child in need plan' END AS case_status,
    a.team, a.worker
FROM ssd_cin_episodes e LEFT JOIN people p ON p.child_id = e.cine_person_id
LEFT JOIN allocation a ON a.child_id = e.cine_person_id
WHERE e.cine_referral_date <= $as_at AND coalesce(e.cine_close_date >= $start, true)
  AND e.cine_referral_nfa IS DISTINCT FROM 'Y'
ORDER BY cin_start, child_id""",
    7: f"""
SELECT c.cppl_person_id AS child_id, {_PERSON}, p.disability, c.cppl_cp_plan_start_date AS cp_start,
    c.cppl_cp_plan_initial_category AS initial_category, c.cppl_cp_plan_latest_category AS latest_category,
    v.cppv_cp_visit_date AS cp_visit, v.cppv_cp_visit_seen_alone AS cp_visit_alone,
    (SELECT max(r.cppr_cp_review_date) FROM ssd_cp_reviews r WHERE r.cppr_cp_plan_id = c.cppl_cp_plan_id
        AND r.cppr_cp_review_date <= $as_at) AS cp_review,
    c.cppl_cp_plan_end_date AS cp_end,
    CASE WHEN EXISTS (SELECT 1 FROM ssd_legal_status l WHERE l.lega_person_id = c.cppl_person_id
        AND l.lega_legal_status IN ('L1', 'L2') AND l.lega_legal_status_start_date BETWEEN $w6 AND $as_at)
        THEN 'Y' ELSE 'N' END AS protected_6m,
    (SELECT count(*) FROM ssd_cp_plans o WHERE o.cppl_person_id = c.cppl_person_id
        AND o.cppl_cp_plan_start_date < c.cppl_cp_plan_start_date) AS previous_plans,
    a.team, a.worker
FROM ssd_cp_plans c LEFT JOIN people p ON p.child_id = c.cppl_person_id
LEFT JOIN (SELECT * FROM ssd_cp_visits WHERE cppv_cp_visit_date <= $as_at QUALIFY row_number() OVER (
    PARTITION BY cppv_cp_plan_id ORDER BY cppv_cp_visit_date DESC, cppv_cp_visit_id DESC) = 1) v
    ON v.cppv_cp_plan_id = c.cppl_cp_plan_id
LEFT JOIN allocation a ON a.child_id = c.cppl_person_id
WHERE c.cppl_cp_plan_start_date <= $as_at AND coalesce(c.cppl_cp_plan_end_date >= $start, true)
  AND c.cppl_cp_plan_ola IS DISTINCT FROM 'Y'
ORDER BY cp_start, child_id""",
}

_CARE = f"""
WITH keyed AS (
    SELECT *, coalesce(clae_cla_id, clae_person_id || '|' || coalesce(clae_entered_care_date::VARCHAR, ''))
        AS period
    FROM ssd_cla_episodes WHERE clae_cla_episode_start_date <= $as_at
), episodes AS (
    SELECT *, min(coalesce(clae_entered_care_date, clae_cla_episode_start_date)) OVER (PARTITION BY period)
        AS care_start
    FROM keyed
), periods AS (
    SELECT *,
        CASE WHEN clae_cla_episode_ceased_date <= $as_at THEN clae_cla_episode_ceased_date END AS care_end
    FROM episodes
    QUALIFY row_number() OVER (
        PARTITION BY period ORDER BY clae_cla_episode_start_date DESC, clae_cla_episode_id DESC) = 1
), current AS (SELECT * FROM periods WHERE coalesce(clae_cla_episode_ceased_date >= $start, true)
), legal AS (
    SELECT c.period, l.lega_legal_status AS legal_status, l.lega_legal_status_start_date AS legal_start
    FROM current c JOIN ssd_legal_status l ON l.lega_person_id = c.clae_person_id
        AND l.lega_legal_status_start_date BETWEEN c.care_start AND coalesce(c.care_end, $as_at)
    QUALIFY row_number() OVER (PARTITION BY c.period
        ORDER BY l.lega_legal_status_start_date DESC, l.lega_legal_status_id DESC) = 1
), placement AS (
    SELECT c.period, l.*
    FROM current c JOIN ssd_cla_placement l ON l.clap_person_id = c.clae_person_id
        AND l.clap_cla_placement_start_date BETWEEN c.care_start AND coalesce(c.care_end, $as_at)
    QUALIFY row_number() OVER (PARTITION BY c.period
        ORDER BY l.clap_cla_placement_start_date DESC, l.clap_cla_placement_id DESC) = 1
), dated AS (
    SELECT c.period, 'review' AS kind, r.clar_cla_review_date AS day FROM current c JOIN ssd_cla_reviews r
        ON r.clar_cla_person_id = c.clae_person_id AND r.clar_cla_review_cancelled IS DISTINCT FROM 'Y'
        AND r.clar_cla_review_date BETWEEN c.care_start AND coalesce(c.care_end, $as_at)
    UNION ALL
    SELECT c.period, 'visit', v.clav_cla_visit_date FROM current c JOIN ssd_cla_visits v
        ON v.clav_person_id = c.clae_person_id
        AND v.clav_cla_visit_date BETWEEN c.care_start AND coalesce(c.care_end, $as_at)
    UNION ALL
    SELECT c.period, h.clah_health_check_type, h.clah_health_check_date FROM current c JOIN ssd_cla_health h
        ON h.clah_person_id = c.clae_person_id AND coalesce(h.clah_health_check_status = 'Completed', true)
        AND h.clah_health_check_date BETWEEN c.care_start AND coalesce(c.care_end, $as_at)
), events AS (
    SELECT period, max(day) FILTER (kind = 'review') AS cla_review,
        max(day) FILTER (kind = 'visit') AS cla_visit,
        max(day) FILTER (kind = 'HEALTH') AS health_check, max(day) FILTER (kind = 'DENTAL') AS dental_check
    FROM dated GROUP BY period
), counts AS (
    SELECT person, sum(placements)::BIGINT AS placements_12m, sum(missing)::BIGINT AS missing_12m,
        sum(absent)::BIGINT AS absent_12m
    FROM (
        SELECT clap_person_id AS person, 1 AS placements, 0 AS missing, 0 AS absent FROM ssd_cla_placement
        WHERE clap_cla_placement_start_date <= $as_at AND coalesce(clap_cla_placement_end_date >= $w12, true)
        UNION ALL
        SELECT miss_person_id, 0, (miss_missing_episode_type = 'M')::INT,
            (miss_missing_episode_type = 'A')::INT
        FROM ssd_missing WHERE miss_missing_episode_start_date BETWEEN $w12 AND $as_at
    ) GROUP BY person
)
SELECT c.clae_person_id AS child_id, {_PERSON}, p.uasc_12m, p.disability, c.care_start,
    c.clae_cla_primary_need_code AS need,
    CASE WHEN EXISTS (SELECT 1 FROM periods o WHERE o.clae_person_id = c.clae_person_id
        AND o.care_start < c.care_start
        AND o.clae_cla_episode_ceased_date >= $w12) THEN 'Y' ELSE 'N' END AS second_period,
    l.legal_start, l.legal_status,
    ev.cla_review, ev.cla_visit, c.clae_cla_last_iro_contact_date AS iro_contact, ev.health_check,
    ev.dental_check, coalesce(n.placements_12m, 0) AS placements_12m,
    c.care_end, CASE WHEN c.care_end IS NOT NULL THEN c.clae_cla_episode_ceased_reason END AS care_end_reason,
    pl.clap_cla_placement_start_date AS placement_start, pl.clap_cla_placement_type AS placement_type,
    pl.clap_cla_placement_provider AS placement_provider,
    pl.clap_cla_placement_postcode AS placement_postcode,
    pl.clap_cla_placement_urn AS placement_urn,
    coalesce(n.missing_12m, 0) AS missing_12m, coalesce(n.absent_12m, 0) AS absent_12m,
    nullif(r.miss_missing_rhi_offered, 'NA') AS rhi_offered,
    nullif(r.miss_missing_rhi_accepted, 'NA') AS rhi_accepted,
    a.team, a.worker
FROM current c LEFT JOIN people p ON p.child_id = c.clae_person_id
LEFT JOIN legal l ON l.period = c.period LEFT JOIN placement pl ON pl.period = c.period
LEFT JOIN events ev ON ev.period = c.period LEFT JOIN counts n ON n.person = c.clae_person_id
LEFT JOIN (
    SELECT * FROM ssd_missing
    WHERE miss_missing_episode_type = 'M' AND miss_missing_episode_start_date <= $as_at
    QUALIFY row_number() OVER (PARTITION BY miss_person_id
        ORDER BY miss_missing_episode_start_date DESC, miss_table_id DESC) = 1
) r ON r.miss_person_id = c.clae_person_id
LEFT JOIN allocation a ON a.child_id = c.clae_person_id
WHERE coalesce(l.legal_status NOT IN ({", ".join(f"'{s}'" for s in SHORT_BREAKS)}), true)
ORDER BY care_start, child_id"""

SQL[8] = _CARE
SQL[9] = f"""
SELECT c.clea_person_id AS child_id, {_PERSON}, p.uasc_ever, p.disability, t.name AS team, w.name AS worker,
    pa.name AS advisor, c.clea_care_leaver_eligibility AS eligibility,
    c.clea_pathway_plan_review_date AS pathway_review, c.clea_care_leaver_in_touch AS in_touch,
    c.clea_care_leaver_latest_contact AS latest_contact, c.clea_care_leaver_accommodation AS accommodation,
    c.clea_care_leaver_accom_suitable AS suitability, c.clea_care_leaver_activity AS activity
FROM (SELECT * FROM ssd_care_leavers QUALIFY row_number() OVER (PARTITION BY clea_person_id
    ORDER BY clea_care_leaver_latest_contact DESC NULLS LAST, clea_pathway_plan_review_date DESC NULLS LAST,
    clea_table_id) = 1) c
LEFT JOIN people p ON p.child_id = c.clea_person_id
LEFT JOIN teams t ON t.id = c.clea_care_leaver_allocated_team
LEFT JOIN workers w ON w.id = c.clea_care_leaver_worker_id
LEFT JOIN workers pa ON pa.id = c.clea_care_leaver_personal_advisor
ORDER BY child_id"""
SQL[10] = f"""
SELECT m.perm_person_id AS child_id, {_PERSON}, p.disability,
    coalesce(
        (SELECT min(coalesce(e.clae_entered_care_date, e.clae_cla_episode_start_date)) FROM ssd_cla_episodes e
            WHERE e.clae_cla_id = m.perm_cla_id),
        (SELECT max(e.clae_entered_care_date) FROM ssd_cla_episodes e
            WHERE e.clae_person_id = m.perm_person_id
            AND e.clae_entered_care_date <= m.perm_adm_decision_date)
    ) AS entered_care,
    m.perm_adm_decision_date AS adm_decision, m.perm_placement_order_date AS placement_order,
    m.perm_matched_date AS matched, m.perm_placed_for_adoption_date AS placed,
    m.perm_permanence_order_date AS adoption_order, m.perm_decision_reversed_date AS reversed,
    m.perm_decision_reversed_reason AS reversed_reason, m.perm_placed_ffa_cp_date AS ffa_placed
FROM ssd_permanence m LEFT JOIN people p ON p.child_id = m.perm_person_id
WHERE m.perm_adm_decision_date <= $as_at AND coalesce(m.perm_permanence_order_type, 'Adoption') = 'Adoption'
  AND (m.perm_permanence_order_date BETWEEN $start AND $as_at
       OR m.perm_decision_reversed_date BETWEEN $start AND $as_at
       OR (coalesce(m.perm_permanence_order_date > $as_at, true)
           AND coalesce(m.perm_decision_reversed_date > $as_at, true)))
ORDER BY adm_decision, child_id"""


def _conform(name: str, table: pa.Table | None) -> pa.Table:
    """A table with exactly its model columns and types (absent columns NULL; absent table empty)."""
    model = TABLES[name]
    if table is None:
        return model.empty()
    arrays = [
        table[c.name].cast(c.arrow_type)
        if c.name in table.column_names
        else pa.nulls(table.num_rows, c.arrow_type)
        for c in model.columns
    ]
    return pa.Table.from_arrays(arrays, schema=model.arrow_schema)


def _dates(sql: str, as_at: dt.date, window_months: int = 0) -> str:
    """The dates written into the SQL as literals (views take no parameters): `$as_at`; `$start`, the
    list's window (spec/lists.yml `window_months`); `$w6` and `$w12`, the periods its headers name."""
    dates = {
        "$as_at": as_at,
        "$start": as_at - relativedelta(months=window_months),
        "$w12": as_at - relativedelta(months=12),
        "$w6": as_at - relativedelta(months=6),
    }
    for name, day in dates.items():
        sql = sql.replace(name, f"DATE '{day.isoformat()}'")
    return sql


def frames(tables: Mapping[str, pa.Table], as_at: dt.date) -> dict[int, pa.Table]:
    """Lists 1-10 in stored form, one row per template row, columns named by spec/lists.yml keys."""
    con = duckdb.connect()
    try:
        for name in TABLES:
            con.register(name, _conform(name, tables.get(name)))
        con.execute(_dates(_VIEWS, as_at))
        found = {
            number: con.sql(_dates(sql, as_at, lists()[number].window_months)).to_arrow_table()
            for number, sql in SQL.items()
        }
    finally:
        con.close()
    for number, table in found.items():
        unknown = set(table.column_names) - set(lists()[number].current.keys)
        if unknown:
            raise ValueError(f"List {number} query returns columns not in its template: {sorted(unknown)}")
    return found
