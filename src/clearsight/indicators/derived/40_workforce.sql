-- Area D (supervision, workforce, allocation) shared derived tables, all at the as-at date
-- (indicators.md §6 worker team, §1.4 D7 and D8, §13 D01-D11). Names start with wf_.

-- One row per professional: FTE as recorded and capped at 1.0 (D07), the agency flag as Y, N or
-- UNKNOWN (§1.3 rule 1), and whether the job title is a social worker's (workforce.social_worker_titles;
-- null means every professional).
CREATE TABLE wf_professionals AS
SELECT
    prof_professional_id AS worker_id,
    any_value(prof_full_time_equivalency) AS fte_recorded,
    CASE WHEN any_value(prof_full_time_equivalency) > 0
         THEN least(any_value(prof_full_time_equivalency), 1.0) END AS fte,
    yn(any_value(prof_agency_worker_flag)) AS agency,
    any_value(prof_professional_job_title) AS job_title,
    any_value(prof_professional_department) AS department,
    cfg('workforce.social_worker_titles') IS NULL OR list_contains(
        list_transform(cfg('workforce.social_worker_titles'), lambda t: lower(trim(t))),
        lower(trim(any_value(prof_professional_job_title)))
    ) AS social_worker
FROM ssd_professionals
WHERE prof_professional_id IS NOT NULL
GROUP BY ALL;

-- Allocated-worker involvements open at as_at whose worker resolves in ssd_professionals (D7), every
-- one of them (co-workers included), not only the one D7 selects per child.
CREATE TABLE wf_open_involvements AS
SELECT
    i.invo_involvements_id AS involvement_id,
    i.invo_person_id AS person_id,
    i.invo_professional_id AS worker_id,
    i.invo_professional_team AS team_id,
    i.invo_involvement_start_date AS start_date
FROM ssd_involvements i
WHERE i.invo_professional_id IS NOT NULL
  AND worker_role(i.invo_professional_role_id)
  AND open_at(i.invo_involvement_start_date, i.invo_involvement_end_date, as_at())
  AND i.invo_professional_id IN (SELECT worker_id FROM wf_professionals);

-- §6 worker-level team: the most frequent team among the worker's open allocated-worker involvements
-- (ties to the lowest team id), else prof_professional_department.
CREATE TABLE wf_worker_team AS
WITH counted AS (
    SELECT worker_id, team_id, count(*) AS n
    FROM wf_open_involvements WHERE team_id IS NOT NULL GROUP BY ALL
),
ranked AS (
    SELECT worker_id, team_id,
        row_number() OVER (PARTITION BY worker_id ORDER BY n DESC, team_id) AS rank
    FROM counted
)
SELECT p.worker_id, coalesce(r.team_id, p.department) AS team_id
FROM wf_professionals p LEFT JOIN ranked r ON r.worker_id = p.worker_id AND r.rank = 1;

-- Each worker's caseload at as_at (D07): the distinct children whose D7 allocated worker they are, or,
-- with workforce.count_coworked, every child they hold an open allocated-worker involvement for; and
-- the same children by cohort (D08: CP, CLA, CIN = CIN plan, assessment or other CIN, other). The
-- UNION makes (worker, child) pairs distinct, so count(*) counts children.
CREATE TABLE wf_caseload AS
WITH held AS (
    SELECT worker_id, person_id FROM allocation_now
    WHERE NOT coalesce(CAST(cfg('workforce.count_coworked') AS BOOLEAN), false)
    UNION
    SELECT worker_id, person_id FROM wf_open_involvements
    WHERE coalesce(CAST(cfg('workforce.count_coworked') AS BOOLEAN), false)
)
SELECT
    h.worker_id,
    count(*) AS caseload,
    {
        'CP': count(*) FILTER (c.cohort = 'CP'),
        'CLA': count(*) FILTER (c.cohort = 'CLA'),
        'CIN': count(*) FILTER (c.cohort IN ('CIN_PLAN', 'ASSESSMENT', 'CIN_OTHER')),
        'other': count(*) FILTER (c.cohort IS NULL)
    } AS children_by_cohort
FROM held h LEFT JOIN cohorts_now c ON c.person_id = h.person_id
GROUP BY h.worker_id;

-- Case-holding workers at as_at (D07-D09 population before the FTE test): the workers with a caseload,
-- restricted to social worker titles when workforce.social_worker_titles is set.
CREATE TABLE wf_case_holders AS
SELECT p.*, c.caseload, c.children_by_cohort, t.team_id
FROM wf_caseload c
JOIN wf_professionals p ON p.worker_id = c.worker_id
LEFT JOIN wf_worker_team t ON t.worker_id = c.worker_id
WHERE p.social_worker;

-- Start of each child's earliest ssd_cin_episodes row open at as_at (D01 clock start, D10 open_since).
CREATE TABLE wf_open_episode AS
SELECT cine_person_id AS person_id, min(cine_referral_date) AS episode_start
FROM ssd_cin_episodes
WHERE cine_person_id IS NOT NULL AND open_at(cine_referral_date, cine_close_date, as_at())
GROUP BY ALL;

-- D8 active care-leaver cohort at as_at (cl_leavers.in_active), with whether an adviser or worker of
-- theirs resolves in ssd_professionals.
CREATE TABLE wf_care_leavers AS
SELECT
    l.person_id,
    l.pa_value AS adviser_id,
    l.worker_id,
    l.team_id,
    coalesce(
        l.pa_value IN (SELECT worker_id FROM wf_professionals)
        OR l.worker_id IN (SELECT worker_id FROM wf_professionals),
        false
    ) AS allocated
FROM cl_leavers l
WHERE l.in_active;
