-- Shared concepts for the children-in-care outcome indicators B09-B16 (indicators.md §1.3, §1.4 D1, D2, D7,
-- §2.1): missing episodes, permanence plans, adoptions and the allocation on an event's date.
-- Names start with bco_. Every date after as_at is read as not yet happened (§2.1).

-- §1.3 rule 7: the codes set in a JSON column, upper-cased: a JSON array of codes, or a JSON object whose
-- value normalises to Y. A bare string or a comma-separated list is read as codes too.
CREATE MACRO bco_json_codes(j) AS CASE
    WHEN j IS NULL OR trim(j) = '' THEN []
    WHEN NOT json_valid(j) THEN list_filter(
        list_transform(string_split_regex(j, '[,;|\s]+'), lambda c: upper(trim(c, '"[]{} '))),
        lambda c: c <> ''
    )
    WHEN json_type(j) = 'ARRAY' THEN list_filter(
        list_transform(json_extract_string(j, '$[*]'), lambda c: upper(trim(c))),
        lambda c: coalesce(c, '') <> ''
    )
    WHEN json_type(j) = 'OBJECT' THEN list_transform(
        list_filter(map_entries(json_transform(j, '"MAP(VARCHAR, VARCHAR)"')), lambda e: yn(e.value) = 'Y'),
        lambda e: upper(trim(e.key))
    )
    WHEN json_type(j) = 'VARCHAR' THEN [upper(trim(json_extract_string(j, '$')))]
    ELSE []
END;

-- B10: the permanence keys of lacp_cla_care_plan_json.
CREATE MACRO bco_permanence_keys(j) AS list_filter(
    bco_json_codes(j),
    lambda c: c IN ('REMAINSUP', 'RETURN1M', 'RETURN6M', 'RETURNEV', 'LTRELFR', 'LTFOST18', 'RESPLMT',
                    'SUPPLIV', 'ADOPTION', 'OTHERPLN')
);

-- B09: missing episodes with the episode type normalised (M or Missing -> MISSING; A, Away or Absent ->
-- AWAY; anything else UNKNOWN) and the return-interview flags as Y, N, NA or UNKNOWN (§1.3 rule 1).
CREATE TABLE bco_missing AS
WITH typed AS (
    SELECT m.*, upper(trim(m.miss_missing_episode_type)) AS t FROM ssd_missing m
)
SELECT
    miss_table_id AS record_id,
    miss_person_id AS person_id,
    CASE
        WHEN t = 'M' OR t LIKE 'MISSING%' THEN 'MISSING'
        WHEN t = 'A' OR t LIKE 'AWAY%' OR t LIKE 'ABSENT%' THEN 'AWAY'
        ELSE 'UNKNOWN'
    END AS episode_type,
    miss_missing_episode_start_date AS episode_start,
    CASE WHEN miss_missing_episode_end_date <= as_at() THEN miss_missing_episode_end_date END AS episode_end,
    yn(miss_missing_rhi_offered) AS rhi_offered,
    yn(miss_missing_rhi_accepted) AS rhi_accepted
FROM typed;

-- Periods of care (D2): the entry date (clae_entered_care_date, else the earliest episode start) and the
-- date an adoption ended the period (the cease date of an E11/E12 episode, on or before as_at).
CREATE TABLE bco_periods AS
SELECT
    coalesce(clae_cla_id, clae_cla_episode_id) AS cla_id,
    arg_max(clae_person_id, clae_cla_episode_start_date) AS person_id,
    coalesce(min(clae_entered_care_date), min(clae_cla_episode_start_date)) AS entered_care,
    max(clae_cla_episode_ceased_date) FILTER (
        upper(trim(clae_cla_episode_ceased_reason)) IN ('E11', 'E12')
        AND clae_cla_episode_ceased_date <= as_at()
    ) AS adopted_on
FROM ssd_cla_episodes
GROUP BY ALL;

-- Permanence rows with every future date blanked; adoption_order_recorded is the permanence order date
-- when the order type is Adoption.
CREATE TABLE bco_permanence AS
SELECT
    perm_table_id AS record_id,
    perm_person_id AS person_id,
    perm_cla_id AS cla_id,
    CASE WHEN perm_adm_decision_date <= as_at() THEN perm_adm_decision_date END AS adm_decision,
    CASE WHEN perm_placement_order_date <= as_at() THEN perm_placement_order_date END AS placement_order,
    CASE WHEN perm_matched_date <= as_at() THEN perm_matched_date END AS matched,
    CASE WHEN perm_placed_for_adoption_date <= as_at() THEN perm_placed_for_adoption_date END AS placed,
    CASE WHEN perm_decision_reversed_date <= as_at() THEN perm_decision_reversed_date END AS reversed,
    CASE WHEN perm_placed_foster_carer_date <= as_at() THEN perm_placed_foster_carer_date END
        AS foster_placed,
    CASE
        WHEN upper(trim(perm_permanence_order_type)) LIKE 'ADOPT%' AND perm_permanence_order_date <= as_at()
            THEN perm_permanence_order_date
    END AS adoption_order_recorded,
    yn(perm_adopted_by_carer_flag) AS adopted_by_carer
FROM ssd_permanence;

-- Adoptions (B12, B13, B15): one row per adopted child and period of care, with the adoption order date
-- (the permanence order date of an Adoption order, else the cease date of the E11/E12 episode that ended
-- the period) on or before as_at. A permanence row is tied to its period of care by perm_cla_id, else to
-- the child's latest period that began by the child's latest adoption-process date. A period ended by
-- E11/E12 with no permanence row is still an adoption, with every permanence date missing.
CREATE TABLE bco_adoptions AS
WITH tied AS (
    SELECT pm.*, pr.cla_id AS period_id, pr.entered_care, pr.adopted_on
    FROM bco_permanence pm
    LEFT JOIN bco_periods pr ON pr.person_id = pm.person_id
    QUALIFY row_number() OVER (
        PARTITION BY pm.record_id
        ORDER BY
            coalesce(pr.cla_id = pm.cla_id, false) DESC,
            coalesce(
                pr.entered_care <= coalesce(
                    pm.adoption_order_recorded, pm.placed, pm.matched, pm.placement_order, pm.adm_decision,
                    as_at()
                ),
                false
            ) DESC,
            pr.entered_care DESC NULLS LAST
    ) = 1
),
from_permanence AS (
    SELECT
        record_id, person_id, period_id AS cla_id, entered_care, adm_decision, placement_order, matched,
        placed, reversed, foster_placed, adopted_by_carer,
        coalesce(adoption_order_recorded, adopted_on) AS adoption_order
    FROM tied
    WHERE coalesce(adoption_order_recorded, adopted_on) IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY person_id, coalesce(period_id, record_id)
        ORDER BY adoption_order_recorded IS NOT NULL DESC, reversed IS NULL DESC, placed IS NOT NULL DESC,
            adm_decision DESC NULLS LAST, record_id DESC
    ) = 1
)
SELECT * FROM from_permanence
UNION ALL BY NAME
SELECT
    pr.cla_id AS record_id, pr.person_id, pr.cla_id, pr.entered_care, pr.adopted_on AS adoption_order,
    'UNKNOWN' AS adopted_by_carer
FROM bco_periods pr
WHERE pr.adopted_on IS NOT NULL
  AND pr.cla_id NOT IN (SELECT cla_id FROM from_permanence WHERE cla_id IS NOT NULL);

-- Children looked after at as_at (D2) with an adoption decision still in force: permanence rows not
-- reversed and with no adoption order by as_at that belong to the current period of care (by perm_cla_id,
-- else by a decision made during it), with that period's entry date. Rows already counted as adoptions
-- are left out.
CREATE TABLE bco_adoption_plans AS
SELECT pm.*, la.entered_care AS current_entered_care
FROM bco_permanence pm
JOIN looked_after_now la ON la.person_id = pm.person_id
WHERE pm.reversed IS NULL AND pm.adoption_order_recorded IS NULL
  AND (pm.cla_id = la.cla_id OR (pm.cla_id IS NULL AND coalesce(pm.adm_decision >= la.entered_care, true)))
  AND pm.record_id NOT IN (SELECT record_id FROM bco_adoptions WHERE record_id IS NOT NULL);

-- B12 variant (adoption.a1_foster_carer_adjusted): perm_placed_foster_carer_date is a placeholder field
-- (§1.1); it is used only when populated (§2.6 rule 5) for the children adopted by their foster carers.
CREATE MACRO bco_foster_dates_populated() AS (
    SELECT count(*) > 0
        AND count(perm_placed_foster_carer_date) > (1 - cfg('dq.unpopulated_threshold')) * count(*)
    FROM ssd_permanence WHERE yn(perm_adopted_by_carer_flag) = 'Y'
);
