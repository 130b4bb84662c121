-- Child protection medicals (indicators.md D10, A17, A18) and the allocated worker at an event date for
-- the period indicators of A17-A19 (§6). Names start with cpmed_ so they do not clash with other areas.

-- §1.3 rule 7: the codes set in a JSON column, upper-cased. Both SSD shapes are read: an array of codes
-- (["18C","3B"]) and an object of flags ({"18C":"Yes"}, a key counting when its value normalises to Y).
-- Anything else (a bare or delimited list such as 18C;3B) is split on commas, semicolons, bars, quotes
-- and spaces.
CREATE MACRO cpmed_codes(j) AS CASE
    WHEN j IS NULL OR trim(j) = '' THEN CAST([] AS VARCHAR[])
    WHEN json_valid(j) AND json_type(j) = 'ARRAY' THEN
        list_transform(CAST(json_extract_string(j, '$[*]') AS VARCHAR[]), lambda c: upper(trim(c)))
    WHEN json_valid(j) AND json_type(j) = 'OBJECT' THEN
        list_transform(
            list_filter(json_keys(j), lambda k: yn(json_extract_string(j, '$."' || k || '"')) = 'Y'),
            lambda k: upper(trim(k))
        )
    ELSE list_filter(
        list_transform(regexp_split_to_array(j, '[,;|\s"\[\]]+'), lambda c: upper(trim(c))),
        lambda c: c <> ''
    )
END;

-- D10 (a): the ext_cp_medical rows linked to each s47 enquiry, by cpme_s47_enquiry_id or, when that is
-- blank, by the same person with the concern known from 7 days before the s47 start up to the s47 end
-- (or as_at() while it is open; an end after as_at() has not happened yet). A row whose concern date is
-- after as_at() is not yet known and links to nothing.
CREATE MACRO cpmed_medical_links() AS TABLE
WITH medicals AS (
    SELECT *, nullif(trim(cpme_s47_enquiry_id), '') AS s47_id
    FROM ext_cp_medical
    WHERE cpme_concern_date IS NULL OR cpme_concern_date <= as_at()
)
SELECT s.s47e_s47_enquiry_id AS s47_id, m.* EXCLUDE (s47_id)
FROM ssd_s47_enquiry s
JOIN medicals m ON m.s47_id = s.s47e_s47_enquiry_id
UNION ALL
SELECT s.s47e_s47_enquiry_id AS s47_id, m.* EXCLUDE (s47_id)
FROM ssd_s47_enquiry s
JOIN medicals m
  ON m.s47_id IS NULL
 AND m.cpme_person_id = s.s47e_person_id
 AND m.cpme_concern_date >= s.s47e_s47_start_date - INTERVAL 7 DAY
 AND m.cpme_concern_date <= least(coalesce(s.s47e_s47_end_date, as_at()), as_at());

-- D10: every s47 enquiry started on or before as_at(), with the sources of a physical-abuse concern and
-- the linked medical that best shows a decision (a medical held by as_at(), else a recorded reason, else
-- the latest concern). from_medical_row, from_factors (the configured factors found) and
-- from_plan_category are the three sources, each off when its switch is (cp_medical.use_medical_rows,
-- use_assessment_factors, use_plan_category); decided is the A17 numerator test.
CREATE MACRO cpmed_s47_concerns() AS TABLE
WITH links AS (
    SELECT
        l.*,
        l.cpme_medical_date IS NOT NULL AND l.cpme_medical_date <= as_at() AS medical_done,
        nullif(trim(l.cpme_not_required_reason), '') IS NOT NULL AS reason_recorded
    FROM cpmed_medical_links() l
),
medical AS (
    SELECT
        s47_id,
        bool_or(medical_done OR reason_recorded) AS decided,
        arg_min(
            struct_pack(
                id := cpme_id,
                concern_type := cpme_concern_type,
                concern_date := cpme_concern_date,
                medical_date := CASE WHEN medical_done THEN cpme_medical_date END,
                reason := nullif(trim(cpme_not_required_reason), '')
            ),
            [
                CASE WHEN medical_done THEN 0 WHEN reason_recorded THEN 1 ELSE 2 END,
                CASE WHEN medical_done THEN epoch(cpme_medical_date) ELSE 0 END,
                -coalesce(epoch(cpme_concern_date), 0)
            ]
        ) AS chosen
    FROM links
    GROUP BY s47_id
),
wanted_factors AS (
    SELECT list_transform(cfg('cp_medical.concern_factors'), lambda c: upper(trim(CAST(c AS VARCHAR))))
        AS factors
),
factors AS (
    SELECT
        s.s47e_s47_enquiry_id AS s47_id,
        list_sort(list_distinct(flatten(list(
            list_filter(
                cpmed_codes(f_row.cinf_assessment_factors_json), lambda c: list_contains(w.factors, c)
            )
        )))) AS found
    FROM ssd_assessment_factors f_row
    CROSS JOIN wanted_factors w
    JOIN ssd_cin_assessments a ON a.cina_assessment_id = f_row.cinf_assessment_id
    JOIN ssd_s47_enquiry s ON s.s47e_referral_id = a.cina_referral_id
    WHERE coalesce(a.cina_assessment_start_date, as_at()) <= as_at()
    GROUP BY s.s47e_s47_enquiry_id
),
plans AS (
    -- A plan linked to the conference by either side: icpc_cp_plan_id or cppl_icpc_id (two equi-joins;
    -- one join on an OR of the two is a nested loop).
    SELECT i.icpc_s47_enquiry_id AS s47_id, i.icpc_icpc_date, p.cppl_cp_plan_start_date,
        p.cppl_cp_plan_initial_category, p.cppl_cp_plan_initial_category_raw
    FROM ssd_initial_cp_conference i JOIN ssd_cp_plans p ON p.cppl_cp_plan_id = i.icpc_cp_plan_id
    UNION ALL
    SELECT i.icpc_s47_enquiry_id, i.icpc_icpc_date, p.cppl_cp_plan_start_date,
        p.cppl_cp_plan_initial_category, p.cppl_cp_plan_initial_category_raw
    FROM ssd_initial_cp_conference i JOIN ssd_cp_plans p ON p.cppl_icpc_id = i.icpc_icpc_id
),
-- §1.3 rule 8: a MUL plan whose value as found names physical abuse counts as physical.
physical_plans AS (
    SELECT DISTINCT s47_id
    FROM plans
    WHERE coalesce(icpc_icpc_date, as_at()) <= as_at()
      AND coalesce(cppl_cp_plan_start_date, as_at()) <= as_at()
      AND (
          upper(trim(cppl_cp_plan_initial_category)) IN ('PHY', 'PHYSICAL')
          OR upper(trim(cppl_cp_plan_initial_category)) IN ('MUL', 'MULTIPLE')
              AND contains(lower(cppl_cp_plan_initial_category_raw), 'physical')
      )
)
SELECT
    s.s47e_s47_enquiry_id AS s47_id,
    s.s47e_person_id AS person_id,
    s.s47e_s47_start_date AS s47_start,
    s.s47e_s47_end_date AS s47_end,
    s.s47e_s47_completed_by_team AS team_id,
    s.s47e_s47_completed_by_worker_id AS worker_id,
    coalesce(m.decided, FALSE) AS decided,
    m.s47_id IS NOT NULL AND cfg('cp_medical.use_medical_rows') AS from_medical_row,
    CASE WHEN cfg('cp_medical.use_assessment_factors') THEN coalesce(f.found, []) ELSE [] END
        AS from_factors,
    p.s47_id IS NOT NULL AND cfg('cp_medical.use_plan_category') AS from_plan_category,
    m.chosen.id AS medical_id,
    m.chosen.concern_type AS concern_type,
    m.chosen.concern_date AS concern_date,
    m.chosen.medical_date AS medical_date,
    m.chosen.reason AS not_required_reason
FROM ssd_s47_enquiry s
LEFT JOIN medical m ON m.s47_id = s.s47e_s47_enquiry_id
LEFT JOIN factors f ON f.s47_id = s.s47e_s47_enquiry_id
LEFT JOIN physical_plans p ON p.s47_id = s.s47e_s47_enquiry_id
WHERE s.s47e_s47_start_date <= as_at();
