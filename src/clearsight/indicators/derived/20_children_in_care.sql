-- Shared concepts for the children-in-care indicators B01-B08 (indicators.md §1.3 rule 6, §1.4 D2, D5, D7),
-- in set form so that an indicator can take them at each item's own date. Names start with cic_.

-- §1.3 rule 7: a JSON column (an array of codes or an object of flags) has key k set.
CREATE MACRO cic_json_flag(j, k) AS CASE
    WHEN j IS NULL OR NOT json_valid(j) THEN false
    WHEN json_type(j) = 'ARRAY' THEN
        list_contains(list_transform(json_extract_string(j, '$[*]'), lambda x: upper(trim(x))), upper(k))
    WHEN json_type(j) = 'OBJECT' THEN coalesce(yn(json_extract_string(j, '$."' || k || '"')) = 'Y', false)
    ELSE false
END;

-- D5: a placement type is placed for adoption (A3-A6), temporary (T0-T4), or long-term
-- (visits.long_term_types).
CREATE MACRO cic_for_adoption(t) AS coalesce(upper(trim(t)) IN ('A3', 'A4', 'A5', 'A6'), false);
CREATE MACRO cic_temporary(t) AS coalesce(upper(trim(t)) IN ('T0', 'T1', 'T2', 'T3', 'T4'), false);
CREATE MACRO cic_long_term_type(t) AS coalesce(
    list_contains(list_transform(cfg('visits.long_term_types'), lambda x: upper(trim(CAST(x AS VARCHAR)))),
                  upper(trim(t))),
    false
);

-- Legal statuses as D2 reads them (DOLO left out).
CREATE TABLE cic_legal AS
SELECT
    lega_person_id AS person_id,
    upper(trim(lega_legal_status)) AS status,
    lega_legal_status_start_date AS start_date,
    lega_legal_status_end_date AS end_date
FROM ssd_legal_status
WHERE coalesce(upper(trim(lega_legal_status)), '') <> 'DOLO' AND lega_person_id IS NOT NULL;

-- Periods of care (D2): one row per clae_cla_id, with the entry date (clae_entered_care_date, else the
-- earliest episode start) and the date care ended: the cease date of the latest episode (a cease date after
-- as_at has not happened yet), or the 18th birthday when that comes first (D9).
CREATE TABLE cic_periods AS
WITH periods AS (
    SELECT
        clae_cla_id AS cla_id,
        arg_max(clae_person_id, clae_cla_episode_start_date) AS person_id,
        coalesce(min(clae_entered_care_date), min(clae_cla_episode_start_date)) AS entered_care,
        arg_max(clae_cla_episode_ceased_date, clae_cla_episode_start_date) AS last_ceased
    FROM ssd_cla_episodes
    WHERE clae_cla_id IS NOT NULL
    GROUP BY ALL
)
SELECT
    w.cla_id, w.person_id, w.entered_care,
    add_months(p.dob, 216) AS birthday_18,
    CASE
        WHEN w.last_ceased IS NOT NULL AND w.last_ceased <= as_at()
            THEN least(w.last_ceased, coalesce(add_months(p.dob, 216), w.last_ceased))
        WHEN add_months(p.dob, 216) <= as_at() THEN add_months(p.dob, 216)
    END AS ended
FROM periods w
LEFT JOIN people p ON p.person_id = w.person_id;

-- D5: the current placement of each child at d: the open row with the latest start, then the highest id.
CREATE MACRO cic_placement_at(d) AS TABLE
SELECT
    clap_person_id AS person_id,
    clap_cla_placement_id AS placement_id,
    clap_cla_placement_start_date AS start_date,
    clap_cla_placement_end_date AS end_date,
    upper(trim(clap_cla_placement_type)) AS placement_type
FROM ssd_cla_placement
WHERE clap_person_id IS NOT NULL
  AND open_at(clap_cla_placement_start_date, clap_cla_placement_end_date, d)
QUALIFY row_number() OVER (
    PARTITION BY clap_person_id
    ORDER BY clap_cla_placement_start_date DESC, clap_cla_placement_id DESC
) = 1;

-- D6: visits to children in care with the seen flag read once (`seen` is a qualifying visit), and the
-- qualifying visits one row per child and date.
CREATE TABLE cic_visits AS
SELECT
    clav_cla_visit_id AS visit_id,
    clav_person_id AS person_id,
    clav_cla_visit_date AS visit_date,
    coalesce(yn(clav_cla_visit_seen) = 'Y', false) AS seen
FROM ssd_cla_visits
WHERE clav_cla_visit_date IS NOT NULL AND clav_person_id IS NOT NULL;

CREATE TABLE cic_seen_visits AS
SELECT person_id, visit_date FROM cic_visits WHERE seen GROUP BY ALL;

-- Reviews with their period of care (clar_cla_id, else the child's period of care holding the date) and
-- the cancelled flag read once.
CREATE TABLE cic_reviews AS
WITH reviews AS (
    SELECT
        clar_cla_review_id AS review_id,
        clar_cla_id AS cla_id,
        clar_cla_person_id AS person_id,
        clar_cla_review_date AS review_date,
        clar_cla_review_due_date AS cms_due_date,
        coalesce(yn(clar_cla_review_cancelled) = 'Y', false) AS cancelled
    FROM ssd_cla_reviews
)
SELECT r.review_id, r.cla_id, coalesce(r.person_id, pc.person_id) AS person_id,
    r.review_date, r.cms_due_date, r.cancelled
FROM reviews r
LEFT JOIN cic_periods pc ON pc.cla_id = r.cla_id
WHERE r.cla_id IS NOT NULL
UNION ALL
SELECT r.review_id, pc.cla_id, r.person_id, r.review_date, r.cms_due_date, r.cancelled
FROM reviews r
JOIN cic_periods pc
    ON pc.person_id = r.person_id
    AND coalesce(r.review_date, r.cms_due_date) BETWEEN pc.entered_care AND coalesce(pc.ended, as_at())
WHERE r.cla_id IS NULL;

-- §1.3 rule 6: health checks with their type and status normalised; `completed` is a completed check
-- (a blank status counts only when health.null_status_counts_as_completed). Dateless rows (903 OC2 year
-- flags) never count as a check on a date and are left out.
CREATE TABLE cic_health AS
SELECT
    clah_health_check_id AS check_id,
    clah_person_id AS person_id,
    clah_health_check_date AS check_date,
    CASE
        WHEN upper(trim(clah_health_check_type)) IN ('HEALTH', 'HEALTH ASSESSMENT', 'HEALTH_ASSESSMENT')
            THEN 'HEALTH_ASSESSMENT'
        WHEN upper(trim(clah_health_check_type)) IN ('DENTAL', 'DENTAL CHECK') THEN 'DENTAL'
        WHEN upper(trim(clah_health_check_type)) = 'SURVEILLANCE' THEN 'SURVEILLANCE'
        ELSE 'UNKNOWN'
    END AS check_type,
    CASE
        WHEN upper(trim(clah_health_check_status)) IN ('PLANNED', 'REFUSED', 'CANCELLED', 'COMPLETED')
            THEN upper(trim(clah_health_check_status))
        ELSE 'UNKNOWN'
    END AS status,
    upper(trim(clah_health_check_status)) = 'COMPLETED'
        OR (clah_health_check_status IS NULL AND cfg('health.null_status_counts_as_completed')) AS completed
FROM ssd_cla_health
WHERE clah_health_check_date IS NOT NULL AND clah_person_id IS NOT NULL;

-- D7 in set form: the involvements that allocate a worker to a child who has been in care, for finding
-- the allocated team and worker at each item's own date (period indicators whose record names no team, §6).
CREATE TABLE cic_involvements AS
SELECT * FROM allocated_involvements WHERE person_id IN (SELECT person_id FROM cic_periods);

-- D5 at the as-at date, computed once for the snapshot indicators.
CREATE TABLE cic_placement_now AS SELECT * FROM cic_placement_at(as_at());
