"""The 32 Standard Safeguarding Dataset tables of the canonical model (formats.md §1, Appendix C).

Column names and types are the SSD's own (../reference/ssd/*.yml), in the YAML's order, with the
YAML's type names lower-cased (it spells a few `NCHAR`), plus the two SSD-DDL columns formats.md §1
adds (`pers_upn`, `clar_cla_person_id`). Keys follow formats.md §1's decisions rather than the YAML's
key metadata, which has known quirks; every person column refers to `ssd_person`.
"""

from clearsight.model.schema import DATETIME, FLOAT, INT, NCHAR, NVARCHAR, Column, Table

PERSON = "ssd_person.pers_person_id"

SSD_PERSON = Table(
    "ssd_person",
    primary_key="pers_person_id",
    person="pers_person_id",
    columns=(
        Column("pers_person_id", NVARCHAR),
        Column("pers_forename", NVARCHAR),
        Column("pers_surname", NVARCHAR),
        Column("pers_sex", NVARCHAR, codes="sex"),
        Column("pers_gender", NVARCHAR, codes="gender"),
        Column("pers_ethnicity", NVARCHAR, codes="ethnicity"),
        Column("pers_dob", DATETIME),
        Column("pers_common_child_id", NVARCHAR),
        Column("pers_legacy_id", NVARCHAR),
        Column("pers_upn_unknown", NVARCHAR, codes="upn_unknown"),
        Column("pers_send_flag", NCHAR, codes="yes_no"),
        Column("pers_expected_dob", DATETIME),
        Column("pers_death_date", DATETIME),
        Column("pers_is_mother", NCHAR, codes="yes_no"),
        Column("pers_nationality", NVARCHAR),
        Column("pers_upn", NVARCHAR),
    ),
)

SSD_DISABILITY = Table(
    "ssd_disability",
    primary_key="disa_table_id",
    person="disa_person_id",
    columns=(
        Column("disa_person_id", NVARCHAR, references=PERSON),
        Column("disa_table_id", NVARCHAR),
        Column("disa_disability_code", NVARCHAR, codes="disability"),
    ),
)

SSD_IMMIGRATION_STATUS = Table(
    "ssd_immigration_status",
    primary_key="immi_immigration_status_id",
    person="immi_person_id",
    end_dates=(("immi_immigration_status_start_date", "immi_immigration_status_end_date"),),
    columns=(
        Column("immi_person_id", NVARCHAR, references=PERSON),
        Column("immi_immigration_status_id", NVARCHAR),
        Column("immi_immigration_status", NVARCHAR),
        Column("immi_immigration_status_start_date", DATETIME),
        Column("immi_immigration_status_end_date", DATETIME),
    ),
)

SSD_DEPARTMENT = Table(
    "ssd_department",
    primary_key="dept_team_id",
    columns=(
        Column("dept_team_id", NVARCHAR),
        Column("dept_team_name", NVARCHAR),
        Column("dept_team_parent_id", NVARCHAR, references="ssd_department.dept_team_id"),
        Column("dept_team_parent_name", NVARCHAR),
    ),
)

SSD_PROFESSIONALS = Table(
    "ssd_professionals",
    primary_key="prof_professional_id",
    columns=(
        Column("prof_professional_id", NVARCHAR),
        Column("prof_staff_id", NVARCHAR),
        Column("prof_professional_name", NVARCHAR),
        Column("prof_social_worker_registration_no", NVARCHAR),
        Column("prof_professional_job_title", NVARCHAR),
        Column("prof_professional_caseload", INT),
        Column("prof_professional_department", NVARCHAR),
        Column("prof_full_time_equivalency", FLOAT),
        Column("prof_agency_worker_flag", NCHAR, codes="yes_no"),
    ),
)

SSD_INVOLVEMENTS = Table(
    "ssd_involvements",
    primary_key="invo_involvements_id",
    person="invo_person_id",
    end_dates=(("invo_involvement_start_date", "invo_involvement_end_date"),),
    columns=(
        Column("invo_involvements_id", NVARCHAR),
        Column("invo_professional_id", NVARCHAR, references="ssd_professionals.prof_professional_id"),
        Column("invo_professional_role_id", NVARCHAR, codes="professional_role"),
        Column("invo_professional_team", NVARCHAR, references="ssd_department.dept_team_id"),
        Column("invo_involvement_start_date", DATETIME),
        Column("invo_involvement_end_date", DATETIME),
        Column("invo_worker_change_reason", NVARCHAR, codes="worker_change_reason"),
        Column("invo_person_id", NVARCHAR, references=PERSON),
        Column("invo_referral_id", NVARCHAR, references="ssd_cin_episodes.cine_referral_id"),
    ),
)

SSD_CONTACTS = Table(
    "ssd_contacts",
    primary_key="cont_contact_id",
    person="cont_person_id",
    max_age=("cont_contact_date", 17),
    columns=(
        Column("cont_contact_id", NVARCHAR),
        Column("cont_person_id", NVARCHAR, references=PERSON),
        Column("cont_contact_date", DATETIME),
        Column("cont_contact_source_code", NVARCHAR, codes="referral_source"),
        Column("cont_contact_source_desc", NVARCHAR),
        Column("cont_contact_outcome_json", NVARCHAR),
    ),
)

SSD_EARLY_HELP_EPISODES = Table(
    "ssd_early_help_episodes",
    primary_key="earl_episode_id",
    person="earl_person_id",
    max_age=("earl_episode_start_date", 17),
    end_dates=(("earl_episode_start_date", "earl_episode_end_date"),),
    columns=(
        Column("earl_episode_id", NVARCHAR),
        Column("earl_person_id", NVARCHAR, references=PERSON),
        Column("earl_episode_start_date", DATETIME),
        Column("earl_episode_end_date", DATETIME),
        Column("earl_episode_reason", NVARCHAR),
        Column("earl_episode_end_reason", NVARCHAR),
        Column("earl_episode_organisation", NVARCHAR),
        Column("earl_episode_worker_id", NVARCHAR, references="ssd_professionals.prof_professional_id"),
    ),
)

SSD_CIN_EPISODES = Table(
    "ssd_cin_episodes",
    primary_key="cine_referral_id",
    person="cine_person_id",
    max_age=("cine_referral_date", 17),
    end_dates=(("cine_referral_date", "cine_close_date"),),
    columns=(
        Column("cine_referral_id", NVARCHAR),
        Column("cine_person_id", NVARCHAR, references=PERSON),
        Column("cine_referral_date", DATETIME),
        Column("cine_cin_primary_need_code", NVARCHAR, codes="primary_need"),
        Column("cine_referral_source_code", NVARCHAR, codes="referral_source"),
        Column("cine_referral_source_desc", NVARCHAR),
        Column("cine_referral_outcome_json", NVARCHAR),
        Column("cine_referral_nfa", NCHAR, codes="yes_no"),
        Column("cine_close_reason", NVARCHAR, codes="cin_closure_reason"),
        Column("cine_close_date", DATETIME),
        Column("cine_referral_team", NVARCHAR, references="ssd_department.dept_team_id"),
        Column("cine_referral_worker_id", NVARCHAR, references="ssd_professionals.prof_professional_id"),
    ),
)

SSD_CIN_ASSESSMENTS = Table(
    "ssd_cin_assessments",
    primary_key="cina_assessment_id",
    person="cina_person_id",
    max_age=("cina_assessment_start_date", 17),
    end_dates=(("cina_assessment_start_date", "cina_assessment_auth_date"),),
    columns=(
        Column("cina_assessment_id", NVARCHAR),
        Column("cina_person_id", NVARCHAR, references=PERSON),
        Column("cina_referral_id", NVARCHAR, references="ssd_cin_episodes.cine_referral_id"),
        Column("cina_assessment_start_date", DATETIME),
        Column("cina_assessment_child_seen", NCHAR, codes="yes_no"),
        Column("cina_assessment_auth_date", DATETIME),
        Column("cina_assessment_outcome_json", NVARCHAR),
        Column("cina_assessment_outcome_nfa", NCHAR, codes="yes_no"),
        Column("cina_assessment_team", NVARCHAR, references="ssd_department.dept_team_id"),
        Column("cina_assessment_worker_id", NVARCHAR, references="ssd_professionals.prof_professional_id"),
    ),
)

SSD_ASSESSMENT_FACTORS = Table(
    "ssd_assessment_factors",
    primary_key="cinf_table_id",
    columns=(
        Column("cinf_table_id", NVARCHAR),
        Column("cinf_assessment_id", NVARCHAR, references="ssd_cin_assessments.cina_assessment_id"),
        Column("cinf_assessment_factors_json", NVARCHAR),
    ),
)

SSD_CIN_PLANS = Table(
    "ssd_cin_plans",
    primary_key="cinp_cin_plan_id",
    person="cinp_person_id",
    max_age=("cinp_cin_plan_start_date", 17),
    end_dates=(("cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),),
    columns=(
        Column("cinp_cin_plan_id", NVARCHAR),
        Column("cinp_referral_id", NVARCHAR, references="ssd_cin_episodes.cine_referral_id"),
        Column("cinp_person_id", NVARCHAR, references=PERSON),
        Column("cinp_cin_plan_start_date", DATETIME),
        Column("cinp_cin_plan_end_date", DATETIME),
        Column("cinp_cin_plan_team", NVARCHAR, references="ssd_department.dept_team_id"),
        Column("cinp_cin_plan_worker_id", NVARCHAR, references="ssd_professionals.prof_professional_id"),
    ),
)

SSD_CIN_VISITS = Table(
    "ssd_cin_visits",
    primary_key="cinv_cin_visit_id",
    person="cinv_person_id",
    max_age=("cinv_cin_visit_date", 17),
    columns=(
        Column("cinv_cin_visit_id", NVARCHAR),
        Column("cinv_person_id", NVARCHAR, references=PERSON),
        Column("cinv_cin_visit_date", DATETIME),
        Column("cinv_cin_visit_seen", NCHAR, codes="yes_no"),
        Column("cinv_cin_visit_seen_alone", NCHAR, codes="yes_no"),
        Column("cinv_cin_visit_bedroom", NCHAR, codes="yes_no"),
    ),
)

SSD_S47_ENQUIRY = Table(
    "ssd_s47_enquiry",
    primary_key="s47e_s47_enquiry_id",
    person="s47e_person_id",
    max_age=("s47e_s47_start_date", 17),
    end_dates=(("s47e_s47_start_date", "s47e_s47_end_date"),),
    columns=(
        Column("s47e_s47_enquiry_id", NVARCHAR),
        Column("s47e_referral_id", NVARCHAR, references="ssd_cin_episodes.cine_referral_id"),
        Column("s47e_person_id", NVARCHAR, references=PERSON),
        Column("s47e_s47_start_date", DATETIME),
        Column("s47e_s47_end_date", DATETIME),
        Column("s47e_s47_nfa", NCHAR, codes="yes_no"),
        Column("s47e_s47_outcome_json", NVARCHAR),
        Column(
            "s47e_s47_completed_by_worker_id", NVARCHAR, references="ssd_professionals.prof_professional_id"
        ),
        Column("s47e_s47_completed_by_team", NVARCHAR, references="ssd_department.dept_team_id"),
    ),
)

SSD_INITIAL_CP_CONFERENCE = Table(
    "ssd_initial_cp_conference",
    primary_key="icpc_icpc_id",
    person="icpc_person_id",
    max_age=("icpc_icpc_date", 17),
    columns=(
        Column("icpc_icpc_id", NVARCHAR),
        Column("icpc_icpc_meeting_id", NVARCHAR),
        Column("icpc_s47_enquiry_id", NVARCHAR, references="ssd_s47_enquiry.s47e_s47_enquiry_id"),
        Column("icpc_person_id", NVARCHAR, references=PERSON),
        Column("icpc_cp_plan_id", NVARCHAR, references="ssd_cp_plans.cppl_cp_plan_id"),
        Column("icpc_referral_id", NVARCHAR, references="ssd_cin_episodes.cine_referral_id"),
        Column("icpc_icpc_transfer_in", NCHAR, codes="yes_no"),
        Column("icpc_icpc_target_date", DATETIME),
        Column("icpc_icpc_date", DATETIME),
        Column("icpc_icpc_outcome_cp_flag", NCHAR, codes="yes_no"),
        Column("icpc_icpc_outcome_json", NVARCHAR),
        Column("icpc_icpc_team", NVARCHAR, references="ssd_department.dept_team_id"),
        Column("icpc_icpc_worker_id", NVARCHAR, references="ssd_professionals.prof_professional_id"),
    ),
)

SSD_CP_PLANS = Table(
    "ssd_cp_plans",
    primary_key="cppl_cp_plan_id",
    person="cppl_person_id",
    max_age=("cppl_cp_plan_start_date", 17),
    end_dates=(("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),),
    columns=(
        Column("cppl_cp_plan_id", NVARCHAR),
        Column("cppl_referral_id", NVARCHAR, references="ssd_cin_episodes.cine_referral_id"),
        Column("cppl_icpc_id", NVARCHAR, references="ssd_initial_cp_conference.icpc_icpc_id"),
        Column("cppl_person_id", NVARCHAR, references=PERSON),
        Column("cppl_cp_plan_start_date", DATETIME),
        Column("cppl_cp_plan_end_date", DATETIME),
        Column("cppl_cp_plan_initial_category", NVARCHAR, codes="abuse_category"),
        Column("cppl_cp_plan_ola", NCHAR, codes="yes_no"),
        Column("cppl_cp_plan_latest_category", NVARCHAR, codes="abuse_category"),
    ),
)

SSD_CP_VISITS = Table(
    "ssd_cp_visits",
    primary_key="cppv_cp_visit_id",
    person="cppv_person_id",
    max_age=("cppv_cp_visit_date", 17),
    columns=(
        Column("cppv_cp_visit_id", NVARCHAR),
        Column("cppv_person_id", NVARCHAR, references=PERSON),
        Column("cppv_cp_plan_id", NVARCHAR, references="ssd_cp_plans.cppl_cp_plan_id"),
        Column("cppv_cp_visit_date", DATETIME),
        Column("cppv_cp_visit_seen", NCHAR, codes="yes_no"),
        Column("cppv_cp_visit_seen_alone", NCHAR, codes="yes_no"),
        Column("cppv_cp_visit_bedroom", NCHAR, codes="yes_no"),
    ),
)

SSD_CP_REVIEWS = Table(
    "ssd_cp_reviews",
    primary_key="cppr_cp_review_id",
    person="cppr_person_id",
    max_age=("cppr_cp_review_date", 17),
    columns=(
        Column("cppr_cp_review_id", NVARCHAR),
        Column("cppr_person_id", NVARCHAR, references=PERSON),
        Column("cppr_cp_plan_id", NVARCHAR, references="ssd_cp_plans.cppl_cp_plan_id"),
        Column("cppr_cp_review_due", DATETIME),
        Column("cppr_cp_review_date", DATETIME),
        Column("cppr_cp_review_meeting_id", NVARCHAR),
        Column("cppr_cp_review_outcome_continue_cp", NCHAR, codes="yes_no"),
        Column("cppr_cp_review_quorate", NCHAR, codes="yes_no"),
        Column("cppr_cp_review_participation", NCHAR, codes="review_participation"),
    ),
)

SSD_CLA_EPISODES = Table(
    "ssd_cla_episodes",
    primary_key="clae_cla_episode_id",
    person="clae_person_id",
    max_age=("clae_cla_episode_start_date", 17),
    end_dates=(("clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),),
    columns=(
        Column("clae_cla_episode_id", NVARCHAR),
        Column("clae_person_id", NVARCHAR, references=PERSON),
        Column("clae_cla_episode_start_date", DATETIME),
        Column("clae_cla_episode_start_reason", NVARCHAR, codes="new_episode_reason"),
        Column("clae_cla_primary_need_code", NVARCHAR, codes="category_of_need"),
        Column("clae_cla_episode_ceased_date", DATETIME),
        Column("clae_cla_episode_ceased_reason", NVARCHAR, codes="episode_ceased_reason"),
        Column("clae_cla_id", NVARCHAR),
        Column("clae_referral_id", NVARCHAR, references="ssd_cin_episodes.cine_referral_id"),
        Column("clae_cla_placement_id", NVARCHAR, references="ssd_cla_placement.clap_cla_placement_id"),
        Column("clae_entered_care_date", DATETIME),
        Column("clae_cla_last_iro_contact_date", DATETIME),
    ),
)

SSD_CLA_PLACEMENT = Table(
    "ssd_cla_placement",
    primary_key="clap_cla_placement_id",
    person="clap_person_id",
    max_age=("clap_cla_placement_start_date", 17),
    end_dates=(("clap_cla_placement_start_date", "clap_cla_placement_end_date"),),
    columns=(
        Column("clap_cla_placement_id", NVARCHAR),
        Column("clap_cla_placement_start_date", DATETIME),
        Column("clap_cla_placement_type", NVARCHAR, codes="placement_type"),
        Column("clap_cla_placement_urn", NVARCHAR),
        Column("clap_cla_placement_distance", FLOAT),
        Column("clap_cla_id", NVARCHAR, references="ssd_cla_episodes.clae_cla_id"),
        Column("clap_cla_placement_provider", NVARCHAR, codes="placement_provider"),
        Column("clap_cla_placement_postcode", NVARCHAR),
        Column("clap_cla_placement_end_date", DATETIME),
        Column("clap_cla_placement_change_reason", NVARCHAR, codes="placement_change_reason"),
        Column("clap_person_id", NVARCHAR, references=PERSON),
    ),
)

SSD_LEGAL_STATUS = Table(
    "ssd_legal_status",
    primary_key="lega_legal_status_id",
    person="lega_person_id",
    max_age=("lega_legal_status_start_date", 17),
    end_dates=(("lega_legal_status_start_date", "lega_legal_status_end_date"),),
    columns=(
        Column("lega_legal_status_id", NVARCHAR),
        Column("lega_person_id", NVARCHAR, references=PERSON),
        Column("lega_legal_status", NVARCHAR, codes="legal_status"),
        Column("lega_legal_status_start_date", DATETIME),
        Column("lega_legal_status_end_date", DATETIME),
    ),
)

SSD_CLA_REVIEWS = Table(
    "ssd_cla_reviews",
    primary_key="clar_cla_review_id",
    person="clar_cla_person_id",
    columns=(
        Column("clar_cla_review_id", NVARCHAR),
        Column("clar_cla_id", NVARCHAR, references="ssd_cla_episodes.clae_cla_id"),
        Column("clar_cla_review_due_date", DATETIME),
        Column("clar_cla_review_date", DATETIME),
        Column("clar_cla_review_cancelled", NCHAR, codes="yes_no"),
        Column("clar_cla_review_participation", NVARCHAR, codes="review_participation"),
        Column("clar_cla_person_id", NVARCHAR, references=PERSON),
    ),
)

SSD_CLA_VISITS = Table(
    "ssd_cla_visits",
    primary_key="clav_cla_visit_id",
    person="clav_person_id",
    max_age=("clav_cla_visit_date", 17),
    columns=(
        Column("clav_cla_visit_id", NVARCHAR),
        Column("clav_cla_id", NVARCHAR, references="ssd_cla_episodes.clae_cla_id"),
        Column("clav_person_id", NVARCHAR, references=PERSON),
        Column("clav_cla_visit_date", DATETIME),
        Column("clav_cla_visit_seen", NCHAR, codes="yes_no"),
        Column("clav_cla_visit_seen_alone", NCHAR, codes="yes_no"),
    ),
)

SSD_CLA_HEALTH = Table(
    "ssd_cla_health",
    primary_key="clah_health_check_id",
    person="clah_person_id",
    max_age=("clah_health_check_date", 17),
    columns=(
        Column("clah_health_check_id", NVARCHAR),
        Column("clah_person_id", NVARCHAR, references=PERSON),
        Column("clah_health_check_type", NVARCHAR, codes="health_check_type"),
        Column("clah_health_check_date", DATETIME),
        Column("clah_health_check_status", NVARCHAR, codes="health_check_status"),
    ),
)

SSD_MISSING = Table(
    "ssd_missing",
    primary_key="miss_table_id",
    person="miss_person_id",
    max_age=("miss_missing_episode_start_date", 17),
    end_dates=(("miss_missing_episode_start_date", "miss_missing_episode_end_date"),),
    columns=(
        Column("miss_table_id", NVARCHAR),
        Column("miss_person_id", NVARCHAR, references=PERSON),
        Column("miss_missing_episode_start_date", DATETIME),
        Column("miss_missing_episode_type", NVARCHAR, codes="missing_type"),
        Column("miss_missing_episode_end_date", DATETIME),
        Column("miss_missing_rhi_offered", NVARCHAR, codes="yes_no_na"),
        Column("miss_missing_rhi_accepted", NVARCHAR, codes="yes_no_na"),
    ),
)

SSD_PERMANENCE = Table(
    "ssd_permanence",
    primary_key="perm_table_id",
    person="perm_person_id",
    columns=(
        Column("perm_table_id", NVARCHAR),
        Column("perm_person_id", NVARCHAR, references=PERSON),
        Column("perm_cla_id", NVARCHAR, references="ssd_cla_episodes.clae_cla_id"),
        Column("perm_adm_decision_date", DATETIME),
        Column("perm_ffa_cp_decision_date", DATETIME),
        Column("perm_placement_order_date", DATETIME),
        Column("perm_placed_for_adoption_date", DATETIME),
        Column("perm_matched_date", DATETIME),
        Column("perm_adopted_by_carer_flag", NCHAR, codes="yes_no"),
        Column("perm_placed_ffa_cp_date", DATETIME),
        Column("perm_decision_reversed_date", DATETIME),
        Column("perm_placed_foster_carer_date", DATETIME),
        Column("perm_part_of_sibling_group", NCHAR, codes="yes_no"),
        Column("perm_siblings_placed_together", INT),
        Column("perm_siblings_placed_apart", INT),
        Column("perm_placement_provider_urn", NVARCHAR),
        Column("perm_decision_reversed_reason", NVARCHAR, codes="adoption_reversal_reason"),
        Column("perm_permanence_order_date", DATETIME),
        Column("perm_permanence_order_type", NVARCHAR, codes="permanence_order_type"),
        Column("perm_adoption_worker_id", NVARCHAR, references="ssd_professionals.prof_professional_id"),
        Column("perm_adopter_sex", NVARCHAR, codes="adopter_sex"),
        Column("perm_adopter_legal_status", NVARCHAR, codes="adopter_legal_status"),
        Column("perm_number_of_adopters", NVARCHAR, codes="number_of_adopters"),
    ),
)

SSD_CARE_LEAVERS = Table(
    "ssd_care_leavers",
    primary_key="clea_table_id",
    person="clea_person_id",
    max_age=("clea_care_leaver_latest_contact", 25),
    columns=(
        Column("clea_table_id", NVARCHAR),
        Column("clea_person_id", NVARCHAR, references=PERSON),
        Column("clea_care_leaver_eligibility", NVARCHAR, codes="care_leaver_eligibility"),
        Column("clea_care_leaver_in_touch", NVARCHAR, codes="care_leaver_in_touch"),
        Column("clea_care_leaver_latest_contact", DATETIME),
        Column("clea_care_leaver_accommodation", NVARCHAR, codes="accommodation"),
        Column("clea_care_leaver_accom_suitable", NVARCHAR, codes="accommodation_suitability"),
        Column("clea_care_leaver_activity", NVARCHAR, codes="activity"),
        Column("clea_pathway_plan_review_date", DATETIME),
        Column("clea_care_leaver_personal_advisor", NVARCHAR),
        Column("clea_care_leaver_allocated_team", NVARCHAR, references="ssd_department.dept_team_id"),
        Column("clea_care_leaver_worker_id", NVARCHAR, references="ssd_professionals.prof_professional_id"),
    ),
)

SSD_PRE_PROCEEDINGS = Table(
    "ssd_pre_proceedings",
    primary_key="prep_table_id",
    person="prep_person_id",
    max_age=("prep_pre_pro_decision_date", 17),
    columns=(
        Column("prep_table_id", NVARCHAR),
        Column("prep_person_id", NVARCHAR, references=PERSON),
        Column("prep_plo_family_id", NVARCHAR),
        Column("prep_pre_pro_decision_date", DATETIME),
        Column("prep_initial_pre_pro_meeting_date", DATETIME),
        Column("prep_pre_pro_outcome", NVARCHAR, codes="pre_proceedings_outcome"),
        Column("prep_agree_stepdown_issue_date", DATETIME),
        Column("prep_cp_plans_referral_period", INT),
        Column("prep_legal_gateway_outcome", NVARCHAR),
        Column("prep_prev_pre_proc_child", INT),
        Column("prep_prev_care_proc_child", INT),
        Column("prep_pre_pro_letter_date", DATETIME),
        Column("prep_care_pro_letter_date", DATETIME),
        Column("prep_pre_pro_meetings_num", INT),
        Column("prep_pre_pro_parents_legal_rep", NCHAR, codes="yes_no"),
        Column("prep_parents_legal_rep_point_of_issue", NCHAR, codes="yes_no"),
        Column("prep_court_reference", NVARCHAR),
        Column("prep_care_proc_court_hearings", INT),
        Column("prep_care_proc_short_notice", NCHAR, codes="yes_no"),
        Column("prep_proc_short_notice_reason", NVARCHAR),
        Column("prep_la_inital_plan_approved", NCHAR, codes="yes_no"),
        Column("prep_la_initial_care_plan", NVARCHAR),
        Column("prep_la_final_plan_approved", NCHAR, codes="yes_no"),
        Column("prep_la_final_care_plan", NVARCHAR),
    ),
)

SSD_VOICE_OF_CHILD = Table(
    "ssd_voice_of_child",
    primary_key="voch_table_id",
    person="voch_person_id",
    columns=(
        Column("voch_table_id", NVARCHAR),
        Column("voch_person_id", NVARCHAR, references=PERSON),
        Column("voch_explained_worries", NCHAR, codes="yes_no"),
        Column("voch_story_help_understand", NCHAR, codes="yes_no"),
        Column("voch_agree_worker", NCHAR, codes="yes_no"),
        Column("voch_plan_safe", NCHAR, codes="yes_no"),
        Column("voch_tablet_help_explain", NCHAR, codes="yes_no"),
    ),
)

SSD_SDQ_SCORES = Table(
    "ssd_sdq_scores",
    primary_key="csdq_table_id",
    person="csdq_person_id",
    max_age=("csdq_sdq_completed_date", 17),
    columns=(
        Column("csdq_table_id", NVARCHAR),
        Column("csdq_person_id", NVARCHAR, references=PERSON),
        Column("csdq_sdq_completed_date", DATETIME),
        Column("csdq_sdq_reason", NVARCHAR, codes="sdq_reason"),
        Column("csdq_sdq_score", NVARCHAR),
    ),
)

SSD_CLA_PREVIOUS_PERMANENCE = Table(
    "ssd_cla_previous_permanence",
    primary_key="lapp_table_id",
    person="lapp_person_id",
    columns=(
        Column("lapp_table_id", NVARCHAR),
        Column("lapp_person_id", NVARCHAR, references=PERSON),
        Column("lapp_previous_permanence_order_date", NVARCHAR),
        Column("lapp_previous_permanence_option", NVARCHAR, codes="previous_permanence"),
        Column("lapp_previous_permanence_la", NVARCHAR),
    ),
)

SSD_CLA_CARE_PLAN = Table(
    "ssd_cla_care_plan",
    primary_key="lacp_table_id",
    person="lacp_person_id",
    max_age=("lacp_cla_care_plan_start_date", 17),
    end_dates=(("lacp_cla_care_plan_start_date", "lacp_cla_care_plan_end_date"),),
    columns=(
        Column("lacp_table_id", NVARCHAR),
        Column("lacp_person_id", NVARCHAR, references=PERSON),
        Column("lacp_cla_care_plan_start_date", DATETIME),
        Column("lacp_cla_care_plan_end_date", DATETIME),
        Column("lacp_cla_care_plan_json", NVARCHAR),
    ),
)

SSD_TABLES = (
    SSD_PERSON,
    SSD_DISABILITY,
    SSD_IMMIGRATION_STATUS,
    SSD_DEPARTMENT,
    SSD_PROFESSIONALS,
    SSD_INVOLVEMENTS,
    SSD_CONTACTS,
    SSD_EARLY_HELP_EPISODES,
    SSD_CIN_EPISODES,
    SSD_CIN_ASSESSMENTS,
    SSD_ASSESSMENT_FACTORS,
    SSD_CIN_PLANS,
    SSD_CIN_VISITS,
    SSD_S47_ENQUIRY,
    SSD_INITIAL_CP_CONFERENCE,
    SSD_CP_PLANS,
    SSD_CP_VISITS,
    SSD_CP_REVIEWS,
    SSD_CLA_EPISODES,
    SSD_CLA_PLACEMENT,
    SSD_LEGAL_STATUS,
    SSD_CLA_REVIEWS,
    SSD_CLA_VISITS,
    SSD_CLA_HEALTH,
    SSD_MISSING,
    SSD_PERMANENCE,
    SSD_CARE_LEAVERS,
    SSD_PRE_PROCEEDINGS,
    SSD_VOICE_OF_CHILD,
    SSD_SDQ_SCORES,
    SSD_CLA_PREVIOUS_PERMANENCE,
    SSD_CLA_CARE_PLAN,
)
