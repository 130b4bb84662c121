"""The clearsight extension tables: what the SSD does not carry (indicators.md §1.2).

Dates are dates, ids are text, grades and `count` are integers; every `*_person_id` refers to
`ssd_person`.
"""

from clearsight.model.schema import DATETIME, INT, NVARCHAR, Column, Table
from clearsight.model.ssd_tables import PERSON

PROFESSIONAL = "ssd_professionals.prof_professional_id"

EXT_SUPERVISION = Table(
    "ext_supervision",
    primary_key="supe_id",
    person="supe_person_id",  # null: a worker-level session not tied to a child
    columns=(
        Column("supe_id", NVARCHAR),
        Column("supe_person_id", NVARCHAR, references=PERSON),
        Column("supe_worker_id", NVARCHAR, references=PROFESSIONAL),
        Column("supe_supervisor_id", NVARCHAR, references=PROFESSIONAL),
        Column("supe_date", DATETIME),
    ),
)

EXT_CASE_AUDIT = Table(
    "ext_case_audit",
    primary_key="audi_id",
    person="audi_person_id",
    end_dates=(("audi_date", "audi_moderation_date"),),
    columns=(
        Column("audi_id", NVARCHAR),
        Column("audi_person_id", NVARCHAR, references=PERSON),
        Column("audi_date", DATETIME),
        Column("audi_auditor_id", NVARCHAR, references=PROFESSIONAL),
        Column("audi_grade", INT, codes="ofsted_grade"),
        Column("audi_moderated_grade", INT, codes="ofsted_grade"),
        Column("audi_moderator_id", NVARCHAR, references=PROFESSIONAL),
        Column("audi_moderation_date", DATETIME),
        Column("audi_team_id", NVARCHAR, references="ssd_department.dept_team_id"),
    ),
)

EXT_CP_MEDICAL = Table(
    "ext_cp_medical",
    primary_key="cpme_id",
    person="cpme_person_id",
    max_age=("cpme_concern_date", 17),
    end_dates=(("cpme_concern_date", "cpme_medical_date"),),
    columns=(
        Column("cpme_id", NVARCHAR),
        Column("cpme_person_id", NVARCHAR, references=PERSON),
        Column("cpme_s47_enquiry_id", NVARCHAR, references="ssd_s47_enquiry.s47e_s47_enquiry_id"),
        Column("cpme_concern_type", NVARCHAR, codes="cp_medical_concern_type"),
        Column("cpme_concern_date", DATETIME),
        Column("cpme_medical_date", DATETIME),
        Column("cpme_not_required_reason", NVARCHAR),
    ),
)

EXT_PWP_ASSESSMENT = Table(
    "ext_pwp_assessment",
    primary_key="pwpa_id",
    person="pwpa_person_id",
    columns=(
        Column("pwpa_id", NVARCHAR),
        Column("pwpa_person_id", NVARCHAR, references=PERSON),
        Column("pwpa_placement_id", NVARCHAR, references="ssd_cla_placement.clap_cla_placement_id"),
        Column("pwpa_assessment_completed_date", DATETIME),
        Column("pwpa_approval_date", DATETIME),
    ),
)

EXT_LIFE_STORY = Table(
    "ext_life_story",
    primary_key="lifs_id",
    person="lifs_person_id",
    end_dates=(("lifs_started_date", "lifs_completed_date"),),
    columns=(
        Column("lifs_id", NVARCHAR),
        Column("lifs_person_id", NVARCHAR, references=PERSON),
        Column("lifs_started_date", DATETIME),
        Column("lifs_completed_date", DATETIME),
    ),
)

EXT_POPULATION = Table(
    "ext_population",
    primary_key="age_band",
    columns=(
        Column("age_band", NVARCHAR, codes="age_band"),
        Column("count", INT),
    ),
)

EXT_TABLES = (
    EXT_SUPERVISION,
    EXT_CASE_AUDIT,
    EXT_CP_MEDICAL,
    EXT_PWP_ASSESSMENT,
    EXT_LIFE_STORY,
    EXT_POPULATION,
)
