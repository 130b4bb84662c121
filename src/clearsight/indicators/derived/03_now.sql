-- Children looked after, on CP plans and in each cohort (indicators.md §1.4 D2-D4): the macros for any date,
-- and the tables at the as-at date, built once for the snapshot indicators.

-- D2: looked after at d, one row per child (the latest-starting open episode): an open episode, the
-- legal status at d (ignoring DOLO) not V3/V4 short breaks, and under 18 at d (D9).
CREATE MACRO looked_after(d) AS TABLE
WITH episodes AS (
    SELECT e.*,
        coalesce(
            e.clae_entered_care_date,
            min(e.clae_cla_episode_start_date) OVER (PARTITION BY e.clae_cla_id)
        ) AS entered_care
    FROM ssd_cla_episodes e
),
legal AS (
    SELECT lega_person_id AS person_id, arg_max(lega_legal_status, lega_legal_status_start_date) AS status
    FROM ssd_legal_status
    WHERE coalesce(upper(lega_legal_status), '') <> 'DOLO'
      AND open_at(lega_legal_status_start_date, lega_legal_status_end_date, d)
    GROUP BY ALL
)
SELECT
    e.clae_person_id AS person_id,
    arg_max(e.clae_cla_id, e.clae_cla_episode_start_date) AS cla_id,
    arg_max(e.clae_cla_episode_id, e.clae_cla_episode_start_date) AS episode_id,
    max(e.clae_cla_episode_start_date) AS episode_start,
    arg_max(e.entered_care, e.clae_cla_episode_start_date) AS entered_care
FROM episodes e
LEFT JOIN legal l ON l.person_id = e.clae_person_id
LEFT JOIN people p ON p.person_id = e.clae_person_id
WHERE open_at(e.clae_cla_episode_start_date, e.clae_cla_episode_ceased_date, d)
  AND coalesce(l.status, '') NOT IN ('V3', 'V4')
  AND (p.dob IS NULL OR age_on(p.dob, d) < 18)
GROUP BY e.clae_person_id;

-- D3: CP plans open at d, without another authority's plans (cp.include_ola_plans) and without plans
-- of a person 18 or over at d (D9: treated as ended on the 18th birthday).
CREATE MACRO cp_plans_open(d) AS TABLE
SELECT
    c.cppl_cp_plan_id AS plan_id,
    c.cppl_person_id AS person_id,
    c.cppl_cp_plan_start_date AS plan_start,
    c.cppl_cp_plan_end_date AS plan_end,
    coalesce(c.cppl_cp_plan_latest_category, c.cppl_cp_plan_initial_category) AS category
FROM ssd_cp_plans c
LEFT JOIN people p ON p.person_id = c.cppl_person_id
WHERE open_at(c.cppl_cp_plan_start_date, c.cppl_cp_plan_end_date, d)
  AND (cfg('cp.include_ola_plans') OR yn(c.cppl_cp_plan_ola) <> 'Y')
  AND (p.dob IS NULL OR age_on(p.dob, d) < 18);

-- D2 and D3 at the as-at date, computed once for the snapshot indicators.
CREATE TABLE looked_after_now AS SELECT * FROM looked_after(as_at());
CREATE TABLE cp_plans_open_now AS SELECT * FROM cp_plans_open(as_at());

-- D4: each child's primary cohort at as_at (CLA, CP, CIN_PLAN, ASSESSMENT, CIN_OTHER), the first that
-- applies.
CREATE TABLE cohorts_now AS
WITH candidates AS (
    SELECT person_id, 1 AS rank, 'CLA' AS cohort FROM looked_after_now
    UNION ALL
    SELECT person_id, 2, 'CP' FROM cp_plans_open_now
    UNION ALL
    SELECT cinp_person_id, 3, 'CIN_PLAN' FROM ssd_cin_plans
    WHERE open_at(cinp_cin_plan_start_date, cinp_cin_plan_end_date, as_at())
    UNION ALL
    SELECT cina_person_id, 4, 'ASSESSMENT' FROM ssd_cin_assessments
    WHERE coalesce(cina_assessment_start_date, as_at()) <= as_at()
      AND (cina_assessment_auth_date IS NULL OR cina_assessment_auth_date > as_at())
    UNION ALL
    SELECT cine_person_id, 5, 'CIN_OTHER' FROM ssd_cin_episodes
    WHERE open_at(cine_referral_date, cine_close_date, as_at())
)
SELECT person_id, arg_min(cohort, rank) AS cohort FROM candidates WHERE person_id IS NOT NULL GROUP BY ALL;
