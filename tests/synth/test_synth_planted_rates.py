"""Each planted practice problem, counted in the tables with SQL of its own, is at its configured rate.

The populations are those documented on `PlantedRates`. Working days come from the product calendar's
table, joined on dates (wd = difference of `wd_index`). On the county at the default rates, quotas are
checked to within one case and the chance-driven rates (each assessment, ICPC or review late or not)
within a few standard errors. On a small council with every rate at zero, no problem is found at all:
everything that is not planted is on time.
"""

from __future__ import annotations

from dataclasses import fields

import pytest

from clearsight import synth
from clearsight.synth import PlantedRates

RATES = PlantedRates()


def wd(column: str, alias: str) -> str:
    """A join to the calendar row of a date column."""
    return f"JOIN calendar {alias} ON {alias}.cal_date = {column}"


def plan_visits(plans: str, visits: str, standard: int) -> str:
    """Children on a plan open at as_at (started more than `standard` working days before it) with no
    seen visit in the last `standard` working days."""
    return f"""
        WITH plans AS ({plans}), visits AS ({visits}),
        due AS (
            SELECT p.person, p.start FROM plans p {wd("p.start", "s")} {wd("as_at()", "a")}
            WHERE p.start <= as_at() AND (p.finish IS NULL OR p.finish > as_at())
              AND a.wd_index - s.wd_index > {standard}
        ),
        clock AS (
            SELECT d.person, coalesce(max(v.on_day), d.start) AS last_seen FROM due d
            LEFT JOIN visits v ON v.person = d.person AND v.on_day BETWEEN d.start AND as_at()
                AND v.seen = 'Y'
            GROUP BY d.person, d.start
        )
        SELECT count(*) FILTER (a.wd_index - l.wd_index > {standard}), count(*)
        FROM clock c {wd("c.last_seen", "l")} {wd("as_at()", "a")}
    """


def care_leavers(condition: str) -> str:
    """Care leavers aged 17-21 at as_at, relevant or former relevant, meeting a condition."""
    return f"""
        SELECT count(*) FILTER ({condition}), count(*) FROM ssd_care_leavers c
        JOIN ssd_person p ON p.pers_person_id = c.clea_person_id
        WHERE c.clea_care_leaver_eligibility IN ('Relevant', 'Former Relevant')
          AND date_sub('year', p.pers_dob, as_at()) BETWEEN 17 AND 21
    """


CP_PLANS = """
    SELECT cppl_person_id person, cppl_cp_plan_start_date start, cppl_cp_plan_end_date finish
    FROM ssd_cp_plans
"""
CP_VISITS = (
    "SELECT cppv_person_id person, cppv_cp_visit_date on_day, cppv_cp_visit_seen seen FROM ssd_cp_visits"
)
CIN_PLANS = """
    SELECT cinp_person_id person, cinp_cin_plan_start_date start, cinp_cin_plan_end_date finish
    FROM ssd_cin_plans
"""
CIN_VISITS = (
    "SELECT cinv_person_id person, cinv_cin_visit_date on_day, cinv_cin_visit_seen seen FROM ssd_cin_visits"
)

# (rate field of PlantedRates, SQL giving (problems, population), tolerance: None = within one case)
PLANTED = {
    "late_assessment": (
        f"""
        SELECT count(*) FILTER (e.wd_index - s.wd_index > 45), count(*)
        FROM ssd_cin_assessments a
        {wd("a.cina_assessment_start_date", "s")} {wd("a.cina_assessment_auth_date", "e")}
    """,
        0.01,
    ),
    "late_icpc": (
        f"""
        SELECT count(*) FILTER (e.wd_index - s.wd_index > 15), count(*)
        FROM ssd_initial_cp_conference i JOIN ssd_s47_enquiry q
            ON q.s47e_s47_enquiry_id = i.icpc_s47_enquiry_id
        {wd("q.s47e_s47_start_date", "s")} {wd("i.icpc_icpc_date", "e")}
    """,
        0.025,
    ),
    "cp_visit_overdue": (plan_visits(CP_PLANS, CP_VISITS, 10), None),
    "cin_visit_overdue": (plan_visits(CIN_PLANS, CIN_VISITS, 20), None),
    # B01 reg 28(2): 7 days after the move, then 42 days, or 3 months once the last visit is in the
    # placement's second year if it is intended to last until 18 (D5: long-term foster types U1, U4, or
    # LTFOST18 on the care plan open at as_at). Children placed with parents (P1, always after a care
    # order here) follow reg 28(3)-(5), never 3 months; the generator keeps them well inside their own
    # weekly and 4-weekly rules, so the same test finds them.
    "cla_visit_overdue": (
        """
        WITH current AS (
            SELECT clap_person_id person, clap_cla_placement_start_date start, clap_cla_placement_type kind
            FROM ssd_cla_placement
            WHERE clap_cla_placement_start_date <= as_at() AND clap_cla_placement_end_date IS NULL
              AND clap_cla_placement_type NOT IN ('A3', 'A4', 'A5', 'A6')
              AND as_at() - clap_cla_placement_start_date > 7
        ),
        plans AS (
            SELECT lacp_person_id person, lacp_cla_care_plan_json ->> 'LTFOST18' = 'Y' AS ltfost18
            FROM ssd_cla_care_plan
            WHERE lacp_cla_care_plan_start_date <= as_at()
              AND (lacp_cla_care_plan_end_date IS NULL OR lacp_cla_care_plan_end_date > as_at())
            QUALIFY row_number() OVER (PARTITION BY person ORDER BY lacp_cla_care_plan_start_date DESC) = 1
        ),
        latest AS (
            SELECT c.person, c.start,
                c.kind <> 'P1' AND (c.kind IN ('U1', 'U4') OR coalesce(p.ltfost18, false)) AS long_term,
                max(v.clav_cla_visit_date) AS seen
            FROM current c
            LEFT JOIN plans p ON p.person = c.person
            LEFT JOIN ssd_cla_visits v ON v.clav_person_id = c.person AND v.clav_cla_visit_seen = 'Y'
                AND v.clav_cla_visit_date BETWEEN c.start AND as_at()
            GROUP BY ALL
        )
        SELECT count(*) FILTER (
            CASE WHEN seen IS NULL THEN as_at() > start + 7
                 WHEN long_term AND seen >= start + INTERVAL 12 MONTH
                     THEN as_at() > seen + INTERVAL 3 MONTH
                 ELSE as_at() > seen + 42 END
        ), count(*) FROM latest
    """,
        None,
    ),
    "cp_drift": (
        """
        SELECT count(*) FILTER (cppl_cp_plan_start_date + INTERVAL 12 MONTH <= as_at()), count(*)
            FROM ssd_cp_plans
        WHERE cppl_cp_plan_start_date <= as_at() AND (cppl_cp_plan_end_date IS NULL
            OR cppl_cp_plan_end_date > as_at())
    """,
        0.02,
    ),
    # Occasions of plans that started in the window (so every review is in the data): the first due 3
    # months after the ICPC, later ones 6 months after the previous review; in the population when due
    # before as_at while the plan was open. Not held by the due date = late, or not held at all.
    "late_cp_review": (
        """
        WITH plans AS (
            SELECT cppl_cp_plan_id plan, cppl_cp_plan_start_date start,
                   coalesce(cppl_cp_plan_end_date, DATE '9999-12-31') finish
            FROM ssd_cp_plans WHERE cppl_cp_plan_start_date >= window_start()
        ),
        held AS (
            SELECT p.plan, p.finish, r.cppr_cp_review_date on_day,
                   CASE WHEN lag(r.cppr_cp_review_date) OVER w IS NULL THEN p.start + INTERVAL 3 MONTH
                        ELSE lag(r.cppr_cp_review_date) OVER w + INTERVAL 6 MONTH END AS due
            FROM plans p JOIN ssd_cp_reviews r ON r.cppr_cp_plan_id = p.plan
            WINDOW w AS (PARTITION BY p.plan ORDER BY r.cppr_cp_review_date)
        ),
        pending AS (
            SELECT p.plan, p.finish, NULL::DATE AS on_day,
                   coalesce(max(r.cppr_cp_review_date) + INTERVAL 6 MONTH, p.start + INTERVAL 3 MONTH) AS due
            FROM plans p LEFT JOIN ssd_cp_reviews r ON r.cppr_cp_plan_id = p.plan
                GROUP BY p.plan, p.finish, p.start
        ),
        occasions AS (SELECT * FROM held UNION ALL SELECT * FROM pending)
        SELECT count(*) FILTER (on_day IS NULL OR on_day > due), count(*) FROM occasions
        WHERE due < finish AND due < as_at()
    """,
        0.02,
    ),
    # Periods of care that started in the window: first review due 20 working days after entry, the
    # second 3 months after the first, then every 6 months.
    "late_cla_review": (
        """
        WITH periods AS (
            SELECT clae_cla_id period, min(clae_entered_care_date) entered,
                   CASE WHEN count(*) FILTER (clae_cla_episode_ceased_date IS NULL) > 0 THEN DATE '9999-12-31'
                        ELSE max(clae_cla_episode_ceased_date) END AS finish
            FROM ssd_cla_episodes GROUP BY clae_cla_id HAVING min(clae_entered_care_date) >= window_start()
        ),
        first_due AS (
            SELECT p.*, w.cal_date AS due1 FROM periods p JOIN calendar e ON e.cal_date = p.entered
            JOIN calendar w ON w.is_working_day AND w.wd_index = e.wd_index + 20
        ),
        held AS (
            SELECT p.period, p.finish, r.clar_cla_review_date on_day,
                   CASE row_number() OVER w WHEN 1 THEN p.due1
                        WHEN 2 THEN lag(r.clar_cla_review_date) OVER w + INTERVAL 3 MONTH
                        ELSE lag(r.clar_cla_review_date) OVER w + INTERVAL 6 MONTH END AS due
            FROM first_due p JOIN ssd_cla_reviews r ON r.clar_cla_id = p.period
            WINDOW w AS (PARTITION BY p.period ORDER BY r.clar_cla_review_date)
        ),
        pending AS (
            SELECT p.period, p.finish, NULL::DATE AS on_day,
                   CASE count(r.clar_cla_review_date) WHEN 0 THEN p.due1
                        WHEN 1 THEN max(r.clar_cla_review_date) + INTERVAL 3 MONTH
                        ELSE max(r.clar_cla_review_date) + INTERVAL 6 MONTH END AS due
            FROM first_due p LEFT JOIN ssd_cla_reviews r ON r.clar_cla_id = p.period
            GROUP BY p.period, p.finish, p.due1
        ),
        occasions AS (SELECT * FROM held UNION ALL SELECT * FROM pending)
        SELECT count(*) FILTER (on_day IS NULL OR on_day > due), count(*) FROM occasions
        WHERE due < finish AND due < as_at()
    """,
        0.025,
    ),
    "unallocated": (
        """
        WITH open_children AS (
            SELECT DISTINCT cine_person_id person FROM ssd_cin_episodes
            WHERE cine_referral_date <= as_at() AND (cine_close_date IS NULL OR cine_close_date > as_at())
        )
        SELECT count(*) FILTER (NOT EXISTS (
            SELECT 1 FROM ssd_involvements i JOIN ssd_professionals w
                ON w.prof_professional_id = i.invo_professional_id
            WHERE i.invo_person_id = o.person AND i.invo_professional_role_id = 'ALLOCATED_WORKER'
              AND i.invo_involvement_start_date <= as_at()
              AND (i.invo_involvement_end_date IS NULL OR i.invo_involvement_end_date > as_at())
        )), count(*) FROM open_children o
    """,
        None,
    ),
    "case_supervision_overdue": (
        """
        WITH open_ref AS (
            SELECT cine_person_id person, cine_referral_date since FROM ssd_cin_episodes
            WHERE cine_referral_date <= as_at() AND (cine_close_date IS NULL OR cine_close_date > as_at())
              AND as_at() - cine_referral_date > 28
        ),
        on_plan AS (
            SELECT cppl_person_id person FROM ssd_cp_plans WHERE cppl_cp_plan_end_date IS NULL
            UNION SELECT cinp_person_id FROM ssd_cin_plans WHERE cinp_cin_plan_end_date IS NULL
            UNION SELECT clae_person_id FROM ssd_cla_episodes WHERE clae_cla_episode_ceased_date IS NULL
        ),
        clock AS (
            SELECT o.person, coalesce(max(s.supe_date), o.since) last_seen FROM open_ref o
            JOIN on_plan USING (person)
            LEFT JOIN ext_supervision s ON s.supe_person_id = o.person
                AND s.supe_date BETWEEN o.since AND as_at()
            GROUP BY o.person, o.since
        )
        SELECT count(*) FILTER (last_seen + 28 < as_at()), count(*) FROM clock
    """,
        None,
    ),
    "worker_supervision_overdue": (
        """
        WITH holding AS (
            SELECT DISTINCT invo_professional_id worker FROM ssd_involvements
            WHERE invo_professional_role_id = 'ALLOCATED_WORKER' AND invo_involvement_start_date <= as_at()
              AND (invo_involvement_end_date IS NULL OR invo_involvement_end_date > as_at())
        )
        SELECT count(*) FILTER (last_seen IS NULL OR last_seen + 28 < as_at()), count(*) FROM (
            SELECT h.worker, max(s.supe_date) last_seen FROM holding h
            LEFT JOIN ext_supervision s ON s.supe_worker_id = h.worker AND s.supe_date <= as_at() GROUP BY ALL
        )
    """,
        None,
    ),
    "audit_over_optimism": (
        """
        SELECT count(*) FILTER (audi_moderated_grade > audi_grade), count(*) FROM ext_case_audit
        WHERE audi_moderated_grade IS NOT NULL AND audi_moderation_date <= as_at()
    """,
        None,
    ),
    "care_leaver_not_in_touch": (care_leavers("clea_care_leaver_in_touch = 'NO'"), None),
    "care_leaver_homeless": (care_leavers("clea_care_leaver_accommodation = 'S'"), None),
    "care_leaver_bed_and_breakfast": (care_leavers("clea_care_leaver_accommodation = 'W'"), None),
    "care_leaver_custody": (care_leavers("clea_care_leaver_accommodation = 'X'"), None),
    "pwp_unapproved": (
        f"""
        SELECT count(*) FILTER (NOT EXISTS (
            SELECT 1 FROM ext_pwp_assessment w WHERE w.pwpa_placement_id = p.clap_cla_placement_id
              AND w.pwpa_approval_date <= as_at()
        )), count(*)
        FROM ssd_cla_placement p {wd("p.clap_cla_placement_start_date", "s")} {wd("as_at()", "a")}
        WHERE p.clap_cla_placement_type = 'P1' AND p.clap_cla_placement_end_date IS NULL
          AND a.wd_index - s.wd_index > 20
    """,
        None,
    ),
    "missing_no_rhi_offer": (
        """
        SELECT count(*) FILTER (miss_missing_rhi_offered IS DISTINCT FROM 'Y'), count(*) FROM ssd_missing
        WHERE miss_missing_episode_type = 'M' AND miss_missing_episode_end_date IS NOT NULL
    """,
        None,
    ),
    # indicators.md D10: a linked CP medical row, factor 18B/18C on an assessment of the same referral,
    # or an ICPC that led to a plan with initial category PHY.
    "cp_medical_missing": (
        """
        WITH concern AS (
            SELECT s47e_s47_enquiry_id id, s47e_referral_id ref FROM ssd_s47_enquiry q WHERE
                EXISTS (SELECT 1 FROM ext_cp_medical m WHERE m.cpme_s47_enquiry_id = q.s47e_s47_enquiry_id)
             OR EXISTS (SELECT 1 FROM ssd_cin_assessments a JOIN ssd_assessment_factors f
                            ON f.cinf_assessment_id = a.cina_assessment_id
                        WHERE a.cina_referral_id = q.s47e_referral_id
                          AND (f.cinf_assessment_factors_json LIKE '%"18B"%'
                              OR f.cinf_assessment_factors_json LIKE '%"18C"%'))
             OR EXISTS (SELECT 1 FROM ssd_initial_cp_conference i JOIN ssd_cp_plans p
                 ON p.cppl_cp_plan_id = i.icpc_cp_plan_id
                        WHERE i.icpc_s47_enquiry_id = q.s47e_s47_enquiry_id
                            AND p.cppl_cp_plan_initial_category = 'PHY')
        )
        SELECT count(*) FILTER (NOT EXISTS (
            SELECT 1 FROM ext_cp_medical m WHERE m.cpme_s47_enquiry_id = c.id
              AND (m.cpme_medical_date <= as_at() OR nullif(trim(m.cpme_not_required_reason), '') IS NOT NULL)
        )), count(*) FROM concern c
    """,
        None,
    ),
}


def test_every_planted_rate_is_tested():
    assert set(PLANTED) == {field.name for field in fields(PlantedRates)}


@pytest.mark.slow
@pytest.mark.parametrize("rate", sorted(PLANTED))
def test_planted_rate_in_the_county(county_db, rate):
    sql, tolerance = PLANTED[rate]
    problems, population = county_db.execute(sql).fetchone()
    assert population >= 15, "population too small to measure a rate"
    expected = getattr(RATES, rate)
    assert problems / population == pytest.approx(expected, abs=tolerance or 1 / population + 1e-9)


@pytest.fixture(scope="module")
def unplanted_db(connect):
    zero = PlantedRates(**{field.name: 0.0 for field in fields(PlantedRates)})
    return connect(synth.generate("small", seed=11, rates=zero))


@pytest.mark.parametrize("rate", sorted(PLANTED))
def test_nothing_is_late_when_no_problem_is_planted(unplanted_db, rate):
    problems, population = unplanted_db.execute(PLANTED[rate][0]).fetchone()
    assert problems == 0, f"{problems} of {population}"
