-- CP plans and plan spells (indicators.md §1.4 D3, D7, D9), shared by A09-A15. Runs after 00_common.sql.
-- Every name here starts with cp_ so that it cannot clash with another area's derived SQL.

-- §1.3 rule 8: the stored category code (NEG, PHY, SAB, EMO, MUL) in the engine's vocabulary.
CREATE MACRO cp_category_name(code) AS CASE upper(trim(code))
    WHEN 'NEG' THEN 'NEGLECT'
    WHEN 'PHY' THEN 'PHYSICAL'
    WHEN 'SAB' THEN 'SEXUAL'
    WHEN 'EMO' THEN 'EMOTIONAL'
    WHEN 'MUL' THEN 'MULTIPLE'
    ELSE upper(trim(code))
END;

-- §2.2: whole calendar months from s to e, with month-end clipping (31 Jan to 28 Feb is 1 month).
CREATE MACRO cp_whole_months(s, e) AS
    date_diff('month', s, e)
    - CASE WHEN add_months(s, date_diff('month', s, e)) > e THEN 1 ELSE 0 END;

-- §2.4, D9: the 18th birthday. A 29 February birthday falls on 1 March (18 years after a leap year is
-- never a leap year).
CREATE MACRO cp_18th_birthday(dob) AS CASE
    WHEN month(dob) = 2 AND day(dob) = 29 THEN make_date(year(dob) + 18, 3, 1)
    ELSE make_date(year(dob) + 18, month(dob), day(dob))
END;

-- The category list of cp_drift.legal_gateway_categories ('all', a code, or a list of codes or names),
-- as upper-case names; NULL means every category.
CREATE MACRO cp_category_filter(setting) AS CASE
    WHEN setting IS NULL OR lower(trim(CAST(setting AS VARCHAR))) IN ('all', '[all]', '') THEN NULL
    ELSE list_transform(
        string_split(regexp_replace(CAST(setting AS VARCHAR), '[^A-Za-z0-9_,]', '', 'g'), ','),
        lambda c: cp_category_name(c)
    )
END;

-- Every CP plan as the run sees it: a start after as_at has not happened (left out); an end after as_at
-- has not happened (open); D9: a plan still open on the 18th birthday ends on the birthday, and a plan
-- starting on or after it is left out. A plan with no start date, or one ending before it starts, cannot
-- be placed in a spell and is left out. `in_scope` is false for another authority's plan (D3) unless
-- cp.include_ola_plans is set.
CREATE VIEW cp_plan_rows AS
WITH plans AS (
    SELECT
        c.cppl_cp_plan_id AS plan_id,
        c.cppl_person_id AS person_id,
        c.cppl_cp_plan_start_date AS plan_start,
        CASE WHEN c.cppl_cp_plan_end_date <= as_at() THEN c.cppl_cp_plan_end_date END AS recorded_end,
        CASE WHEN p.dob IS NOT NULL THEN cp_18th_birthday(p.dob) END AS birthday_18,
        cp_category_name(c.cppl_cp_plan_initial_category) AS initial_category,
        cp_category_name(coalesce(c.cppl_cp_plan_latest_category, c.cppl_cp_plan_initial_category))
            AS latest_category,
        c.cppl_referral_id AS referral_id,
        yn(c.cppl_cp_plan_ola) = 'Y' AS ola
    FROM ssd_cp_plans c
    LEFT JOIN people p ON p.person_id = c.cppl_person_id
    WHERE c.cppl_person_id IS NOT NULL
      AND c.cppl_cp_plan_start_date IS NOT NULL
      AND c.cppl_cp_plan_start_date <= as_at()
)
SELECT
    plan_id, person_id, plan_start,
    CASE
        WHEN birthday_18 <= as_at() AND (recorded_end IS NULL OR recorded_end > birthday_18) THEN birthday_18
        ELSE recorded_end
    END AS plan_end,
    initial_category, latest_category, referral_id, ola,
    cfg('cp.include_ola_plans') OR NOT ola AS in_scope
FROM plans
WHERE (birthday_18 IS NULL OR plan_start < birthday_18)
  AND (recorded_end IS NULL OR recorded_end >= plan_start);

-- D3 plan spells of the in-scope plans: a plan joins the spell before it when it starts on or before the
-- day after the latest end so far (contiguous or overlapping). A spell is open (spell_end NULL) when any
-- of its plans is open at as_at. spell_id is the id of its first plan.
CREATE TABLE cp_plan_spells AS
WITH ordered AS (
    SELECT *,
        max(coalesce(plan_end, DATE '9999-12-31')) OVER (
            PARTITION BY person_id ORDER BY plan_start, plan_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS reach
    FROM cp_plan_rows
    WHERE in_scope
),
numbered AS (
    SELECT *,
        sum(CASE WHEN reach IS NULL OR plan_start > reach + 1 THEN 1 ELSE 0 END) OVER (
            PARTITION BY person_id ORDER BY plan_start, plan_id ROWS UNBOUNDED PRECEDING
        ) AS spell_no
    FROM ordered
)
SELECT
    arg_min(plan_id, (plan_start, plan_id)) AS spell_id,
    person_id,
    min(plan_start) AS spell_start,
    CASE WHEN bool_or(plan_end IS NULL) THEN NULL ELSE max(plan_end) END AS spell_end,
    count(*) AS plans,
    arg_min(initial_category, (plan_start, plan_id)) AS initial_category,
    arg_max(latest_category, (plan_start, plan_id)) AS latest_category,
    arg_max(referral_id, (plan_start, plan_id)) FILTER (referral_id IS NOT NULL) AS referral_id
FROM numbered
GROUP BY person_id, spell_no;

-- A15 (and A14's pre_proceedings column): for each open spell, whether the child has a legal planning
-- decision in the current spell: a pre-proceedings decision dated from the spell start to as_at, or a
-- legal gateway outcome with no decision date (counted, and flagged UNDATED_LEGAL_DECISION). A decision
-- before the spell does not count; last_legal_decision_date is the latest by as_at, whenever it was.
CREATE VIEW cp_spell_legal AS
WITH decisions AS (
    SELECT
        prep_person_id AS person_id,
        prep_pre_pro_decision_date AS decided,
        prep_pre_pro_decision_date IS NULL AND nullif(trim(prep_legal_gateway_outcome), '') IS NOT NULL
            AS undated
    FROM ssd_pre_proceedings
)
SELECT
    s.spell_id,
    bool_or(d.decided BETWEEN s.spell_start AND as_at() OR d.undated) AS legal_decision,
    bool_or(d.undated) AS undated_legal_decision,
    max(d.decided) FILTER (d.decided <= as_at()) AS last_legal_decision_date
FROM cp_plan_spells s
JOIN decisions d ON d.person_id = s.person_id
WHERE s.spell_end IS NULL
GROUP BY s.spell_id;
