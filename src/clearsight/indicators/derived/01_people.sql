-- Per-person facts and names (indicators.md §6, §7), shared by every area and by the engine's
-- breakdowns and exception lists.

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

-- Names for the team and worker breakdowns and exception lists.
CREATE TABLE team_names AS
SELECT dept_team_id AS team_id, any_value(dept_team_name) AS team_name FROM ssd_department GROUP BY ALL;
CREATE TABLE worker_names AS
SELECT prof_professional_id AS worker_id, any_value(prof_professional_name) AS worker_name
FROM ssd_professionals GROUP BY ALL;
