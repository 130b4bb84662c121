"""The county's volumes are within 20% of the issue's targets; the small council is about a tenth of it."""

from __future__ import annotations

import pytest

YEAR_AGO = "as_at() - INTERVAL 1 YEAR"
SOCIAL_WORKERS = "('Social Worker', 'Senior Social Worker', 'Advanced Practitioner')"

# (what, target at county scale, SQL giving the figure)
TARGETS = [
    ("children aged 0-17", 150_000, "SELECT count FROM ext_population WHERE age_band = '0-17'"),
    ("contacts a year", 25_000, f"SELECT count(*) FROM ssd_contacts WHERE cont_contact_date > {YEAR_AGO}"),
    (
        "referrals a year",
        9_000,
        f"SELECT count(*) FROM ssd_cin_episodes WHERE cine_referral_date > {YEAR_AGO}",
    ),
    (
        "assessments a year",
        8_000,
        f"SELECT count(*) FROM ssd_cin_assessments WHERE cina_assessment_start_date > {YEAR_AGO}",
    ),
    (
        "s47 enquiries a year",
        2_500,
        f"SELECT count(*) FROM ssd_s47_enquiry WHERE s47e_s47_start_date > {YEAR_AGO}",
    ),
    (
        "children on a CIN plan",
        3_000,
        "SELECT count(DISTINCT cinp_person_id) FROM ssd_cin_plans WHERE cinp_cin_plan_end_date IS NULL",
    ),
    (
        "children on a CP plan",
        600,
        "SELECT count(DISTINCT cppl_person_id) FROM ssd_cp_plans WHERE cppl_cp_plan_end_date IS NULL",
    ),
    (
        "children in care",
        800,
        "SELECT count(DISTINCT clae_person_id) FROM ssd_cla_episodes "
        "WHERE clae_cla_episode_ceased_date IS NULL",
    ),
    (
        "care leavers aged 17-21",
        900,
        """
        SELECT count(*) FROM ssd_care_leavers c JOIN ssd_person p ON p.pers_person_id = c.clea_person_id
        WHERE date_sub('year', p.pers_dob, as_at()) BETWEEN 17 AND 21""",
    ),
    (
        "social workers",
        400,
        f"SELECT count(*) FROM ssd_professionals WHERE prof_professional_job_title IN {SOCIAL_WORKERS}",
    ),
    (
        "social work teams",
        40,
        f"""
        SELECT count(DISTINCT d.dept_team_id) FROM ssd_professionals w
        JOIN ssd_department d ON d.dept_team_name = w.prof_professional_department
        WHERE w.prof_professional_job_title IN {SOCIAL_WORKERS}""",
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize(("what", "target", "sql"), TARGETS, ids=[t[0] for t in TARGETS])
def test_county_volumes_near_targets(county_db, what, target, sql):
    (figure,) = county_db.execute(sql).fetchone()
    assert figure == pytest.approx(target, rel=0.2), what


@pytest.mark.slow
def test_county_agency_share(county_db):
    (share,) = county_db.execute(f"""
        SELECT avg(CASE WHEN prof_agency_worker_flag = 'Y' THEN 1 ELSE 0 END) FROM ssd_professionals
        WHERE prof_professional_job_title IN {SOCIAL_WORKERS}
    """).fetchone()
    assert share == pytest.approx(0.15, abs=0.05)


@pytest.mark.slow
@pytest.mark.parametrize(
    "table",
    ["ssd_person", "ssd_cin_episodes", "ssd_contacts", "ssd_cp_plans", "ssd_cla_episodes", "ext_supervision"],
)
def test_small_is_about_a_tenth_of_the_county(small, county, table):
    ratio = small.tables[table].num_rows / county.tables[table].num_rows
    assert 0.06 <= ratio <= 0.14, f"{table}: small/county = {ratio:.3f}"
