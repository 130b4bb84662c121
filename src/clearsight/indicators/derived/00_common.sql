-- Shared macros and derived concepts (indicators.md §1.3, §1.4, §2.4), run once per session after the
-- tables, the run parameters (as_at(), period_start(), period_end(), cfg(key)) and the calendar
-- (wd_between, wd_add) are in place. Area-specific shared SQL goes in further files of this folder.

-- D1: open at the end of day d.
CREATE MACRO open_at(s, e, d) AS s <= d AND (e IS NULL OR e > d);

-- §2.4: completed years; a 29 February birthday falls on 1 March in other years.
CREATE MACRO age_on(dob, d) AS
    year(d) - year(dob)
    - CASE WHEN month(d) < month(dob) OR (month(d) = month(dob) AND day(d) < day(dob)) THEN 1 ELSE 0 END;

-- §2.2: n months later, the day clipped to the month's end (31 Aug 2024 + 3 months = 30 Nov 2024).
CREATE MACRO add_months(d, n) AS CAST(d + to_months(CAST(n AS INTEGER)) AS DATE);

-- §1.3 rule 1: Y, N, NA or UNKNOWN.
CREATE MACRO yn(x) AS CASE
    WHEN upper(trim(CAST(x AS VARCHAR))) IN ('Y', 'YES', 'TRUE', '1', 'A) YES') THEN 'Y'
    WHEN upper(trim(CAST(x AS VARCHAR))) IN ('N', 'NO', 'FALSE', '0', 'B) NO') THEN 'N'
    WHEN upper(trim(CAST(x AS VARCHAR))) IN ('NA', 'N/A') THEN 'NA'
    ELSE 'UNKNOWN'
END;

-- §2.4 child age bands at d, from the date of birth (or the expected date for an unborn child).
CREATE MACRO child_age_band(dob, expected_dob, d) AS CASE
    WHEN dob IS NULL AND expected_dob IS NOT NULL AND expected_dob > d THEN 'unborn'
    WHEN dob IS NULL THEN 'Unknown'
    WHEN dob > d THEN 'unborn'
    WHEN age_on(dob, d) < 1 THEN 'under 1'
    WHEN age_on(dob, d) <= 4 THEN '1-4'
    WHEN age_on(dob, d) <= 9 THEN '5-9'
    WHEN age_on(dob, d) <= 15 THEN '10-15'
    WHEN age_on(dob, d) <= 17 THEN '16-17'
    ELSE '18+'
END;

-- §2.4 care leaver age bands.
CREATE MACRO care_leaver_age_band(dob, d) AS CASE
    WHEN dob IS NULL THEN 'Unknown'
    WHEN age_on(dob, d) = 16 THEN '16'
    WHEN age_on(dob, d) BETWEEN 17 AND 18 THEN '17-18'
    WHEN age_on(dob, d) BETWEEN 19 AND 21 THEN '19-21'
    WHEN age_on(dob, d) BETWEEN 22 AND 25 THEN '22-25'
    ELSE 'Unknown'
END;

-- §6: ethnicity main groups (CHNE in Other until confirmed, §15).
CREATE MACRO ethnicity_group(code) AS CASE
    WHEN upper(trim(code)) IN ('WBRI', 'WIRI', 'WIRT', 'WOTH', 'WROM') THEN 'White'
    WHEN upper(trim(code)) IN ('MWBC', 'MWBA', 'MWAS', 'MOTH') THEN 'Mixed'
    WHEN upper(trim(code)) IN ('AIND', 'APKN', 'ABAN', 'AOTH') THEN 'Asian'
    WHEN upper(trim(code)) IN ('BCRB', 'BAFR', 'BOTH') THEN 'Black'
    WHEN upper(trim(code)) IN ('CHNE', 'OOTH') THEN 'Other'
    WHEN upper(trim(code)) = 'REFU' THEN 'Refused'
    WHEN upper(trim(code)) = 'NOBT' THEN 'Not obtained'
    ELSE 'Unknown'
END;

-- One row per person with what the breakdowns and exception lists need (§6, §7).
CREATE TABLE people AS
SELECT
    p.pers_person_id AS person_id,
    max(p.pers_dob) AS dob,
    max(p.pers_expected_dob) AS expected_dob,
    any_value(p.pers_sex) AS sex,
    ethnicity_group(any_value(p.pers_ethnicity)) AS ethnicity,
    CASE
        WHEN bool_or(d.disabled) THEN 'Disabled'
        WHEN count(d.disabled) > 0 THEN 'Not disabled'
        ELSE 'Unknown'
    END AS disability
FROM ssd_person p
LEFT JOIN (
    SELECT disa_person_id, upper(trim(disa_disability_code)) <> 'NONE' AS disabled
    FROM ssd_disability WHERE disa_disability_code IS NOT NULL
) d ON d.disa_person_id = p.pers_person_id
GROUP BY p.pers_person_id;

-- D7 without the date: every involvement that allocates a case-holding worker (role in
-- allocation.worker_roles, a worker recorded), with whether the worker resolves in ssd_professionals.
-- A period indicator joins allocated_involvements open at its own event date (open_at) and keeps the
-- latest start, then the highest involvement id (§6).
CREATE TABLE worker_involvements AS
SELECT
    i.invo_person_id AS person_id,
    i.invo_professional_id AS worker_id,
    i.invo_professional_team AS team_id,
    i.invo_involvements_id AS involvement_id,
    i.invo_involvement_start_date AS start_date,
    i.invo_involvement_end_date AS end_date,
    i.invo_professional_id IN (SELECT prof_professional_id FROM ssd_professionals) AS resolves
FROM ssd_involvements i
WHERE i.invo_professional_id IS NOT NULL
  AND list_contains(
      list_transform(cfg('allocation.worker_roles'), lambda r: lower(trim(r))),
      lower(trim(i.invo_professional_role_id))
  );
CREATE VIEW allocated_involvements AS SELECT * EXCLUDE (resolves) FROM worker_involvements WHERE resolves;

-- D7: the allocated worker and team of each child at d (latest start, then the highest involvement id).
-- A team-only row, a worker who is not in ssd_professionals, or a role not in allocation.worker_roles
-- does not allocate.
CREATE MACRO allocations(d) AS TABLE
SELECT person_id, worker_id, team_id, involvement_id, start_date FROM allocated_involvements
WHERE open_at(start_date, end_date, d)
QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY start_date DESC, involvement_id DESC) = 1;

-- D7 at the as-at date, computed once: who must act now (§7 team and worker).
CREATE TABLE allocation_now AS SELECT * FROM allocations(as_at());

-- Names for the team and worker breakdowns and exception lists.
CREATE TABLE team_names AS
SELECT dept_team_id AS team_id, any_value(dept_team_name) AS team_name FROM ssd_department GROUP BY ALL;
CREATE TABLE worker_names AS
SELECT prof_professional_id AS worker_id, any_value(prof_professional_name) AS worker_name
FROM ssd_professionals GROUP BY ALL;

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

-- D4: each child's primary cohort at d (CLA, CP, CIN_PLAN, ASSESSMENT, CIN_OTHER), the first that applies.
CREATE MACRO cohorts(d) AS TABLE
WITH candidates AS (
    SELECT person_id, 1 AS rank, 'CLA' AS cohort FROM looked_after(d)
    UNION ALL
    SELECT person_id, 2, 'CP' FROM cp_plans_open(d)
    UNION ALL
    SELECT cinp_person_id, 3, 'CIN_PLAN' FROM ssd_cin_plans
    WHERE open_at(cinp_cin_plan_start_date, cinp_cin_plan_end_date, d)
    UNION ALL
    SELECT cina_person_id, 4, 'ASSESSMENT' FROM ssd_cin_assessments
    WHERE coalesce(cina_assessment_start_date, d) <= d
      AND (cina_assessment_auth_date IS NULL OR cina_assessment_auth_date > d)
    UNION ALL
    SELECT cine_person_id, 5, 'CIN_OTHER' FROM ssd_cin_episodes
    WHERE open_at(cine_referral_date, cine_close_date, d)
)
SELECT person_id, arg_min(cohort, rank) AS cohort FROM candidates WHERE person_id IS NOT NULL GROUP BY ALL;
