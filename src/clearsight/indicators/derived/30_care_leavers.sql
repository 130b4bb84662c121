-- Care leavers (indicators.md §12): the normalisation of §1.3 rules 3-5 and the cohorts of D8, computed
-- once per session and read by every C indicator. Names start with cl_.

-- §1.3 rule 2: the code in a value: an Annex A list prefix (`a) `, `p1) `) is stripped, the code is taken
-- before the first `:` or ` - `, and upper-cased; blank is NULL. The macros below take such codes.
CREATE MACRO cl_code(x) AS nullif(upper(trim(regexp_extract(
    trim(CAST(x AS VARCHAR)), '^(?:[A-Za-z]{1,2}[0-9]?\)\s*)?(.*?)(?:\s*(?::|\s-\s).*)?$', 1
))), '');

-- §1.3 rule 4: in-touch status YES, NO, DIED, REFU, NREQ, RHOM or UNKNOWN.
CREATE MACRO cl_in_touch(code) AS CASE
    WHEN code IN ('YES', 'Y', 'IN TOUCH') THEN 'YES'
    WHEN code IN ('NO', 'N', 'NOT IN TOUCH') THEN 'NO'
    WHEN code IN ('DIED', 'REFU', 'NREQ', 'RHOM') THEN code
    ELSE 'UNKNOWN'
END;

-- §1.3 rule 4: eligibility RELEVANT, FORMER_RELEVANT, ELIGIBLE, QUALIFYING, NONE or UNKNOWN, from the
-- stored labels (`Former Relevant`), Annex A labels (`b) Former relevant child`) or the engine's own codes.
CREATE MACRO cl_eligibility(code) AS CASE replace(code, '_', ' ')
    WHEN 'RELEVANT' THEN 'RELEVANT'
    WHEN 'RELEVANT CHILD' THEN 'RELEVANT'
    WHEN 'FORMER RELEVANT' THEN 'FORMER_RELEVANT'
    WHEN 'FORMER RELEVANT CHILD' THEN 'FORMER_RELEVANT'
    WHEN 'ELIGIBLE' THEN 'ELIGIBLE'
    WHEN 'ELIGIBLE CHILD' THEN 'ELIGIBLE'
    WHEN 'QUALIFYING' THEN 'QUALIFYING'
    WHEN 'QUALIFYING CARE LEAVER' THEN 'QUALIFYING'
    WHEN 'NO CURRENT ELIGIBILITY' THEN 'NONE'
    WHEN 'NONE' THEN 'NONE'
    ELSE 'UNKNOWN'
END;

-- §1.3 rule 3: the accommodation letter B…Z, or UNKNOWN (blank, 903 `0`, or no letter of the code set);
-- a 903-style trailing digit (`S2`) is the suitability.
CREATE MACRO cl_accommodation(code) AS CASE
    WHEN regexp_full_match(code, '[BCDEGHKRSTUVWXYZ][12]?') THEN left(code, 1)
    ELSE 'UNKNOWN'
END;
-- Suitability from the code's digit and the suitability column's code (`1` or `SUITABLE`, `2` or
-- `UNSUITABLE`): S and X are always unsuitable; where the two disagree, unsuitable wins; NULL when
-- neither is recorded (a missing suitability never counts as suitable).
CREATE MACRO cl_suitability(code, suitable_code) AS CASE
    WHEN regexp_full_match(code, '[SX][12]?') THEN 'UNSUITABLE'
    WHEN regexp_full_match(code, '[BCDEGHKRTUVWYZ]2') OR suitable_code IN ('2', 'UNSUITABLE')
        THEN 'UNSUITABLE'
    WHEN regexp_full_match(code, '[BCDEGHKRTUVWYZ]1') OR suitable_code IN ('1', 'SUITABLE')
        THEN 'SUITABLE'
END;

CREATE MACRO cl_accommodation_desc(letter) AS CASE letter
    WHEN 'B' THEN 'With parents or relatives'
    WHEN 'C' THEN 'Community home or other residential care, such as an NHS establishment'
    WHEN 'D' THEN 'Semi-independent or transitional accommodation, '
        || 'including self-contained accommodation with support'
    WHEN 'E' THEN 'Supported lodgings'
    WHEN 'G' THEN 'Gone abroad'
    WHEN 'H' THEN 'Deported'
    WHEN 'K' THEN 'Ordinary lodgings without formal support'
    WHEN 'R' THEN 'Residence not known'
    WHEN 'S' THEN 'No fixed abode or homeless'
    WHEN 'T' THEN 'Foyers and similar supported accommodation'
    WHEN 'U' THEN 'Independent living'
    WHEN 'V' THEN 'Emergency accommodation'
    WHEN 'W' THEN 'Bed and breakfast'
    WHEN 'X' THEN 'In custody'
    WHEN 'Y' THEN 'Other accommodation'
    WHEN 'Z' THEN 'With former foster carers'
    ELSE 'Not recorded'
END;

-- §1.3 rule 5: the 903 activity code (NULL when blank or not a code of the set) and its group.
CREATE MACRO cl_activity(code) AS CASE
    WHEN code IN ('F1', 'F2', 'F3', 'F4', 'F5', 'P1', 'P2', 'P3', 'P4', 'P5', 'G4', 'G5', 'G6') THEN code
END;
CREATE MACRO cl_activity_group(code) AS CASE
    WHEN code IN ('F1', 'F2', 'F3', 'F4', 'F5', 'P1', 'P2', 'P3', 'P4', 'P5') THEN 'EET'
    WHEN code IN ('G4', 'G5', 'G6') THEN 'NEET'
    ELSE 'UNKNOWN'
END;
CREATE MACRO cl_activity_desc(code) AS CASE code
    WHEN 'F1' THEN 'Full time in higher education'
    WHEN 'P1' THEN 'Part time in higher education'
    WHEN 'F2' THEN 'Full time in education other than higher education'
    WHEN 'P2' THEN 'Part time in education other than higher education'
    WHEN 'F3' THEN 'Full time in training or employment (up to 2020/21)'
    WHEN 'P3' THEN 'Part time in training or employment (up to 2020/21)'
    WHEN 'F4' THEN 'Full time apprenticeship'
    WHEN 'P4' THEN 'Part time apprenticeship'
    WHEN 'F5' THEN 'Full time training or employment, not an apprenticeship'
    WHEN 'P5' THEN 'Part time training or employment, not an apprenticeship'
    WHEN 'G4' THEN 'Not in education, employment or training - illness or disability'
    WHEN 'G5' THEN 'Not in education, employment or training - other reasons'
    WHEN 'G6' THEN 'Not in education, employment or training - pregnancy or parenting'
    ELSE 'Not recorded'
END;

-- D8: one row per care leaver at as_at, its values normalised (cl_rows), with the cohorts it belongs to
-- (cl_leavers). The row used is the one from the latest extract on or before as_at (extract_as_at, from
-- provenance; a row from a later extract is not yet known), then the latest contact on or before as_at,
-- then the highest row id.
-- Dates after as_at have not happened yet (§2.1): such a contact or review date is read as missing,
-- and flagged (contact_future, review_future) for the data quality columns.
CREATE TABLE cl_rows AS
WITH latest AS (
    SELECT c.*,
        cl_code(c.clea_care_leaver_eligibility) AS eligibility_code,
        cl_code(c.clea_care_leaver_in_touch) AS in_touch_code,
        cl_code(c.clea_care_leaver_accommodation) AS accommodation_code,
        cl_code(c.clea_care_leaver_accom_suitable) AS suitable_code,
        cl_code(c.clea_care_leaver_activity) AS activity_code
    FROM ssd_care_leavers c
    WHERE c.clea_person_id IS NOT NULL AND (c.extract_as_at IS NULL OR c.extract_as_at <= as_at())
    QUALIFY row_number() OVER (
        PARTITION BY c.clea_person_id
        ORDER BY c.extract_as_at DESC NULLS LAST,
            CASE WHEN c.clea_care_leaver_latest_contact <= as_at()
                      THEN c.clea_care_leaver_latest_contact END DESC NULLS LAST,
            c.clea_table_id DESC NULLS LAST
    ) = 1
)
SELECT
    l.clea_person_id AS person_id,
    l.clea_table_id AS row_id,
    p.dob,
    CASE WHEN p.dob <= as_at() THEN age_on(p.dob, as_at()) END AS age,
    cl_eligibility(l.eligibility_code) AS eligibility,
    cl_in_touch(l.in_touch_code) AS in_touch,
    cl_accommodation(l.accommodation_code) AS accommodation,
    cl_suitability(l.accommodation_code, l.suitable_code) AS suitability,
    -- the code's digit and the suitability column disagree (unsuitable wins; logged for data quality)
    CASE
        WHEN regexp_full_match(l.accommodation_code, '[BCDEGHKRTUVWYZ]1')
                AND l.suitable_code IN ('2', 'UNSUITABLE')
            OR regexp_full_match(l.accommodation_code, '[BCDEGHKRTUVWYZ]2')
                AND l.suitable_code IN ('1', 'SUITABLE')
            THEN l.clea_care_leaver_accommodation || ' / ' || l.clea_care_leaver_accom_suitable
    END AS suitability_conflict,
    cl_activity(l.activity_code) AS activity,
    -- §1.3 rule 2: a value recorded but not in the code set (903 `0` means not recorded), for the
    -- data-quality log; it is read as UNKNOWN.
    CASE WHEN cl_in_touch(l.in_touch_code) = 'UNKNOWN' THEN l.clea_care_leaver_in_touch END
        AS in_touch_unmapped,
    CASE WHEN l.accommodation_code <> '0' AND cl_accommodation(l.accommodation_code) = 'UNKNOWN'
        THEN l.clea_care_leaver_accommodation END AS accommodation_unmapped,
    CASE WHEN l.activity_code <> '0' AND cl_activity(l.activity_code) IS NULL
        THEN l.clea_care_leaver_activity END AS activity_unmapped,
    CASE WHEN l.clea_care_leaver_latest_contact <= as_at() THEN l.clea_care_leaver_latest_contact END
        AS latest_contact,
    l.clea_care_leaver_latest_contact AS latest_contact_recorded,
    coalesce(l.clea_care_leaver_latest_contact > as_at(), FALSE) AS contact_future,
    CASE WHEN l.clea_pathway_plan_review_date <= as_at() THEN l.clea_pathway_plan_review_date END
        AS pathway_review,
    l.clea_pathway_plan_review_date AS pathway_review_recorded,
    coalesce(l.clea_pathway_plan_review_date > as_at(), FALSE) AS review_future,
    nullif(trim(l.clea_care_leaver_personal_advisor), '') AS pa_value,
    nullif(trim(l.clea_care_leaver_allocated_team), '') AS team_id,
    nullif(trim(l.clea_care_leaver_worker_id), '') AS worker_id
FROM latest l
LEFT JOIN people p ON p.person_id = l.clea_person_id;

CREATE TABLE cl_leavers AS
SELECT
    n.*,
    cl_activity_group(n.activity) AS activity_group,
    wn.worker_id IS NOT NULL AS pa_resolved,
    wn.worker_name AS pa_name,
    coalesce(wn.worker_name, n.pa_value) AS personal_adviser,
    -- §2.4 care leaver age bands (as care_leaver_age_band), from the age already computed.
    CASE
        WHEN n.age = 16 THEN '16'
        WHEN n.age BETWEEN 17 AND 18 THEN '17-18'
        WHEN n.age BETWEEN 19 AND 21 THEN '19-21'
        WHEN n.age BETWEEN 22 AND 25 THEN '22-25'
        ELSE 'Unknown'
    END AS age_band,
    -- Looked after at as_at (D2); worked out only when care_leavers.pathway_include_eligible is set,
    -- since C04's eligible 16-17 year olds are its only reader (FALSE otherwise).
    la.person_id IS NOT NULL AS looked_after_now,
    -- KPI cohort (C01-C06): relevant or former relevant, aged kpi_min_age to kpi_max_age (both ends).
    coalesce(
        n.eligibility IN ('RELEVANT', 'FORMER_RELEVANT')
        AND n.age >= cfg('care_leavers.kpi_min_age') AND n.age <= cfg('care_leavers.kpi_max_age'),
        FALSE
    ) AS in_kpi,
    -- The in-touch status that takes a KPI-cohort member out of the C01-C06 denominators, or NULL.
    CASE WHEN list_contains(CAST(cfg('care_leavers.exclude_statuses') AS VARCHAR[]), n.in_touch)
         THEN n.in_touch END AS excluded_status,
    -- Active cohort (C07 and the critical lists): relevant or former relevant (and qualifying when
    -- configured), aged 16 to 25, not died.
    coalesce(
        (n.eligibility IN ('RELEVANT', 'FORMER_RELEVANT')
            OR (n.eligibility = 'QUALIFYING' AND cfg('care_leavers.active_includes_qualifying')))
        AND n.age >= 16 AND n.age <= 25 AND n.in_touch <> 'DIED',
        FALSE
    ) AS in_active,
    -- K1 (§7): the first that applies of S, X, W, V, R, accommodation not recorded, other unsuitable.
    CASE
        WHEN n.accommodation IN ('S', 'X', 'W', 'V', 'R') THEN n.accommodation
        WHEN n.accommodation = 'UNKNOWN' THEN 'unknown'
        WHEN n.suitability = 'UNSUITABLE' THEN 'other-unsuitable'
    END AS k1_condition,
    -- K2 (§7): not in touch, or no status recorded.
    n.in_touch IN ('NO', 'UNKNOWN') AS k2
FROM cl_rows n
LEFT JOIN worker_names wn ON wn.worker_id = n.pa_value
LEFT JOIN (
    SELECT DISTINCT person_id FROM looked_after_now WHERE cfg('care_leavers.pathway_include_eligible')
) la ON la.person_id = n.person_id;
