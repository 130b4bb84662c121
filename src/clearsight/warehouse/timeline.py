"""A child's timeline: what happened to one child, from every canonical table that refers to a person,
newest first (the child's page, issue 6).

Which events a table's rows give is declared once, as data (`EVENTS`), in the model's own column names:
the column that dates the event, a plain-English description whose `{column}` fields are filled from
the row (coded values by their code set's label, workers and teams by name), and the team and worker
the row names. Only the child's rows are read, with DuckDB over the snapshot's Parquet files. Must not
import Django or any layer above the warehouse.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from string import Formatter
from typing import Any

import duckdb

from clearsight.model import TABLES
from clearsight.model.codes import code_set
from clearsight.model.schema import DATETIME, Column
from clearsight.warehouse.catalog import Snapshot

PROFESSIONAL = "ssd_professionals.prof_professional_id"
TEAM = "ssd_department.dept_team_id"
NAMES = {PROFESSIONAL: "prof_professional_name", TEAM: "dept_team_name"}  # what a worker or team is called
NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class EventSpec:
    """One kind of event a table's rows give: dated by `date` (None when the table dates nothing),
    described by `what` then each of `details` whose fields the row fills, naming `team` and `worker`."""

    table: str
    kind: str
    date: str | None
    what: str
    details: tuple[str, ...] = ()
    team: str | None = None
    worker: str | None = None

    @property
    def columns(self) -> list[str]:
        """Every column the event reads, the table's primary key first."""
        named = [
            self.date,
            self.team,
            self.worker,
            *(f for text in (self.what, *self.details) for f in fields(text)),
        ]
        return list(dict.fromkeys([TABLES[self.table].primary_key, *(c for c in named if c)]))


def fields(text: str) -> list[str]:
    """The `{column}` fields of a description."""
    return [name for _, name, _, _ in Formatter().parse(text) if name]


def _seen(prefix: str, *, bedroom: bool = True) -> tuple[str, ...]:
    """A visit's seen, seen-alone and (where the table records it) bedroom flags."""
    parts = (f"Seen: {{{prefix}_seen}}", f"Seen alone: {{{prefix}_seen_alone}}")
    return (*parts, f"Bedroom seen: {{{prefix}_bedroom}}") if bedroom else parts


def _on(date: str | None, what: str, *details: str) -> tuple[str | None, str, tuple[str, ...]]:
    """One event of a table: the column dating it, what happened, and the details to add when recorded."""
    return date, what, details


def _table(
    table: str,
    kind: str,
    *events: tuple[str | None, str, tuple[str, ...]],
    team: str | None = None,
    worker: str | None = None,
) -> tuple[EventSpec, ...]:
    """A table's events, all of one kind and naming the same team and worker columns."""
    return tuple(EventSpec(table, kind, date, what, details, team, worker) for date, what, details in events)


# Each table's events, roughly in the order a child's case runs (the order also breaks ties of one date:
# the later event first). A row gives each event whose date it records; a row that records none of them
# gives its first event undated, so that every row of the child appears.
EVENTS: tuple[EventSpec, ...] = (
    *_table("ssd_person", "Person", _on("pers_dob", "Born"), _on("pers_death_date", "Died")),
    *_table("ssd_disability", "Person", _on(None, "Disability recorded: {disa_disability_code}")),
    *_table(
        "ssd_immigration_status",
        "Person",
        _on("immi_immigration_status_start_date", "Immigration status: {immi_immigration_status}"),
        _on("immi_immigration_status_end_date", "Immigration status ended: {immi_immigration_status}"),
    ),
    *_table(
        "ssd_contacts", "Contact", _on("cont_contact_date", "Contact", "Source: {cont_contact_source_code}")
    ),
    *_table(
        "ssd_early_help_episodes",
        "Early help",
        _on("earl_episode_start_date", "Early help started", "Reason: {earl_episode_reason}"),
        _on("earl_episode_end_date", "Early help ended", "Reason: {earl_episode_end_reason}"),
        worker="earl_episode_worker_id",
    ),
    *_table(
        "ssd_cin_episodes",
        "Referral",
        _on(
            "cine_referral_date",
            "Referral",
            "Source: {cine_referral_source_code}",
            "Primary need: {cine_cin_primary_need_code}",
            "No further action: {cine_referral_nfa}",
        ),
        _on("cine_close_date", "Child in need episode closed", "Reason: {cine_close_reason}"),
        team="cine_referral_team",
        worker="cine_referral_worker_id",
    ),
    *_table(
        "ssd_cin_assessments",
        "Assessment",
        _on("cina_assessment_start_date", "Assessment started"),
        _on(
            "cina_assessment_auth_date",
            "Assessment completed",
            "Child seen: {cina_assessment_child_seen}",
            "No further action: {cina_assessment_outcome_nfa}",
        ),
        team="cina_assessment_team",
        worker="cina_assessment_worker_id",
    ),
    *_table(
        "ssd_s47_enquiry",
        "Section 47 enquiry",
        _on("s47e_s47_start_date", "Section 47 enquiry started"),
        _on("s47e_s47_end_date", "Section 47 enquiry ended", "No further action: {s47e_s47_nfa}"),
        team="s47e_s47_completed_by_team",
        worker="s47e_s47_completed_by_worker_id",
    ),
    *_table(
        "ext_cp_medical",
        "Child protection medical",
        _on(
            "cpme_concern_date",
            "Concern that may need a child protection medical",
            "Concern: {cpme_concern_type}",
            "No medical needed: {cpme_not_required_reason}",
        ),
        _on("cpme_medical_date", "Child protection medical"),
    ),
    *_table(
        "ssd_initial_cp_conference",
        "Child protection conference",
        _on(
            "icpc_icpc_date",
            "Initial child protection conference",
            "Due: {icpc_icpc_target_date}",
            "Child protection plan: {icpc_icpc_outcome_cp_flag}",
            "Transferred in: {icpc_icpc_transfer_in}",
        ),
        team="icpc_icpc_team",
        worker="icpc_icpc_worker_id",
    ),
    *_table(
        "ssd_cp_plans",
        "Child protection plan",
        _on(
            "cppl_cp_plan_start_date",
            "Child protection plan started",
            "Category: {cppl_cp_plan_initial_category}",
            "Another council's plan: {cppl_cp_plan_ola}",
        ),
        _on(
            "cppl_cp_plan_end_date", "Child protection plan ended", "Category: {cppl_cp_plan_latest_category}"
        ),
    ),
    *_table(
        "ssd_cp_visits", "Visit", _on("cppv_cp_visit_date", "Child protection visit", *_seen("cppv_cp_visit"))
    ),
    *_table(
        "ssd_cp_reviews",
        "Review",
        _on(
            "cppr_cp_review_date",
            "Child protection review conference",
            "Due: {cppr_cp_review_due}",
            "Plan to continue: {cppr_cp_review_outcome_continue_cp}",
            "Quorate: {cppr_cp_review_quorate}",
            "Participation: {cppr_cp_review_participation}",
        ),
    ),
    *_table(
        "ssd_pre_proceedings",
        "Pre-proceedings",
        _on(
            "prep_pre_pro_decision_date",
            "Decision to start pre-proceedings",
            "Outcome: {prep_pre_pro_outcome}",
        ),
        _on("prep_pre_pro_letter_date", "Letter before proceedings sent"),
        _on("prep_initial_pre_pro_meeting_date", "First pre-proceedings meeting"),
        _on("prep_care_pro_letter_date", "Letter before issuing care proceedings sent"),
        _on("prep_agree_stepdown_issue_date", "Step-down or issue of care proceedings agreed"),
    ),
    *_table(
        "ssd_cin_plans",
        "Child in need plan",
        _on("cinp_cin_plan_start_date", "Child in need plan started"),
        _on("cinp_cin_plan_end_date", "Child in need plan ended"),
        team="cinp_cin_plan_team",
        worker="cinp_cin_plan_worker_id",
    ),
    *_table(
        "ssd_cin_visits", "Visit", _on("cinv_cin_visit_date", "Child in need visit", *_seen("cinv_cin_visit"))
    ),
    *_table(
        "ssd_cla_previous_permanence",
        "Care episode",
        _on(
            None,
            "Previous permanence: {lapp_previous_permanence_option}",
            "Order date: {lapp_previous_permanence_order_date}",
            "Council: {lapp_previous_permanence_la}",
        ),
    ),
    *_table(
        "ssd_cla_episodes",
        "Care episode",
        _on(
            "clae_cla_episode_start_date",
            "Care episode started",
            "Reason: {clae_cla_episode_start_reason}",
            "Category of need: {clae_cla_primary_need_code}",
        ),
        _on("clae_cla_episode_ceased_date", "Care episode ended", "Reason: {clae_cla_episode_ceased_reason}"),
    ),
    *_table(
        "ssd_legal_status",
        "Legal status",
        _on("lega_legal_status_start_date", "Legal status: {lega_legal_status}"),
        _on("lega_legal_status_end_date", "Legal status ended: {lega_legal_status}"),
    ),
    *_table(
        "ssd_cla_placement",
        "Placement",
        _on(
            "clap_cla_placement_start_date",
            "Placement started",
            "Type: {clap_cla_placement_type}",
            "Provider: {clap_cla_placement_provider}",
        ),
        _on("clap_cla_placement_end_date", "Placement ended", "Reason: {clap_cla_placement_change_reason}"),
    ),
    *_table(
        "ext_pwp_assessment",
        "Placement",
        _on("pwpa_assessment_completed_date", "Placement with parents: assessment completed"),
        _on("pwpa_approval_date", "Placement with parents approved"),
    ),
    *_table(
        "ssd_cla_care_plan",
        "Care plan",
        _on("lacp_cla_care_plan_start_date", "Care plan started"),
        _on("lacp_cla_care_plan_end_date", "Care plan ended"),
    ),
    *_table(
        "ssd_cla_visits",
        "Visit",
        _on("clav_cla_visit_date", "Visit to the child in care", *_seen("clav_cla_visit", bedroom=False)),
    ),
    *_table(
        "ssd_cla_reviews",
        "Review",
        _on(
            "clar_cla_review_date",
            "Review of the child in care",
            "Due: {clar_cla_review_due_date}",
            "Cancelled: {clar_cla_review_cancelled}",
            "Participation: {clar_cla_review_participation}",
        ),
    ),
    *_table(
        "ssd_cla_health",
        "Health",
        _on("clah_health_check_date", "{clah_health_check_type}", "Status: {clah_health_check_status}"),
    ),
    *_table(
        "ssd_sdq_scores",
        "Health",
        _on(
            "csdq_sdq_completed_date",
            "Strengths and difficulties questionnaire",
            "Score: {csdq_sdq_score}",
            "Reason: {csdq_sdq_reason}",
        ),
    ),
    *_table(
        "ssd_missing",
        "Missing episode",
        _on(
            "miss_missing_episode_start_date",
            "Went missing",
            "Type: {miss_missing_episode_type}",
            "Return interview offered: {miss_missing_rhi_offered}",
            "Return interview accepted: {miss_missing_rhi_accepted}",
        ),
        _on("miss_missing_episode_end_date", "Came back from missing"),
    ),
    *_table(
        "ssd_permanence",
        "Permanence",
        _on("perm_adm_decision_date", "Decision that the child should be placed for adoption"),
        _on(
            "perm_ffa_cp_decision_date", "Decision to place for fostering for adoption or concurrent planning"
        ),
        _on("perm_placement_order_date", "Placement order made"),
        _on(
            "perm_matched_date",
            "Matched with adopters",
            "Part of a sibling group: {perm_part_of_sibling_group}",
        ),
        _on("perm_placed_ffa_cp_date", "Placed for fostering for adoption or concurrent planning"),
        _on("perm_placed_foster_carer_date", "Placed with the foster carer"),
        _on(
            "perm_placed_for_adoption_date",
            "Placed for adoption",
            "Adopted by the foster carer: {perm_adopted_by_carer_flag}",
        ),
        _on(
            "perm_decision_reversed_date",
            "Adoption decision reversed",
            "Reason: {perm_decision_reversed_reason}",
        ),
        _on("perm_permanence_order_date", "Permanence order made", "Type: {perm_permanence_order_type}"),
        worker="perm_adoption_worker_id",
    ),
    *_table(
        "ext_life_story",
        "Permanence",
        _on("lifs_started_date", "Life-story work started"),
        _on("lifs_completed_date", "Life-story work completed"),
    ),
    *_table(
        "ssd_care_leavers",
        "Care leaver",
        _on(
            "clea_care_leaver_latest_contact",
            "Latest contact with the care leaver",
            "Eligibility: {clea_care_leaver_eligibility}",
            "In touch: {clea_care_leaver_in_touch}",
            "Accommodation: {clea_care_leaver_accommodation}",
            "Accommodation suitable: {clea_care_leaver_accom_suitable}",
            "Activity: {clea_care_leaver_activity}",
            "Personal adviser: {clea_care_leaver_personal_advisor}",
        ),
        _on("clea_pathway_plan_review_date", "Pathway plan reviewed"),
        team="clea_care_leaver_allocated_team",
        worker="clea_care_leaver_worker_id",
    ),
    *_table(
        "ssd_voice_of_child",
        "Child's views",
        _on(
            None,
            "Child's views recorded",
            "Explained their worries: {voch_explained_worries}",
            "The story helped them understand: {voch_story_help_understand}",
            "Agrees with the worker: {voch_agree_worker}",
            "The plan keeps them safe: {voch_plan_safe}",
            "The tablet helped them explain: {voch_tablet_help_explain}",
        ),
    ),
    *_table(
        "ssd_involvements",
        "Involvement",
        _on("invo_involvement_start_date", "Involvement started: {invo_professional_role_id}"),
        _on(
            "invo_involvement_end_date",
            "Involvement ended: {invo_professional_role_id}",
            "Reason: {invo_worker_change_reason}",
        ),
        team="invo_professional_team",
        worker="invo_professional_id",
    ),
    *_table(
        "ext_supervision",
        "Supervision",
        _on("supe_date", "Case supervision", "Supervisor: {supe_supervisor_id}"),
        worker="supe_worker_id",
    ),
    *_table(
        "ext_case_audit",
        "Audit",
        _on("audi_date", "Case audit", "Grade: {audi_grade}"),
        _on(
            "audi_moderation_date",
            "Case audit moderated",
            "Moderated grade: {audi_moderated_grade}",
            "Moderator: {audi_moderator_id}",
        ),
        team="audi_team_id",
        worker="audi_auditor_id",
    ),
)


@dataclass(frozen=True)
class Event:
    """One thing that happened to the child: when (None when the row records no date), its kind, a
    plain-English description, the row's primary key and table, and the team and worker it names."""

    date: dt.date | None
    kind: str
    what: str
    record_id: str
    table: str
    team: str | None = None
    worker: str | None = None


def _by_table() -> dict[str, list[tuple[int, EventSpec]]]:
    """Each table's events with their place in EVENTS."""
    by_table: dict[str, list[tuple[int, EventSpec]]] = {}
    for place, spec in enumerate(EVENTS):
        by_table.setdefault(spec.table, []).append((place, spec))
    return by_table


BY_TABLE = _by_table()


def _columns(table: str) -> list[str]:
    """The columns of a table that its events read."""
    return list(dict.fromkeys(c for _, spec in BY_TABLE[table] for c in spec.columns))


def _stored(column: Column, value: Any) -> Any:
    """A value as it came back in JSON, as its model type (dates come back as ISO text)."""
    return dt.date.fromisoformat(value) if column.type == DATETIME and value is not None else value


def _rows(con: duckdb.DuckDBPyConnection, snapshot: Snapshot, child_id: str) -> dict[str, list[dict]]:
    """The child's rows of every table with events, only the columns those events read: one statement,
    each table's rows as JSON so that one result holds them all."""
    parts = []
    for number, table in enumerate(BY_TABLE, start=2):
        columns = ", ".join(f'"{c}"' for c in _columns(table))
        parts.append(
            f"SELECT '{table}' AS source, to_json(struct_pack({columns})) AS row "
            f'FROM read_parquet(${number}) WHERE "{TABLES[table].person}" = $1'
        )
    found = con.execute(
        " UNION ALL ".join(parts), [child_id, *(str(snapshot.file(table)) for table in BY_TABLE)]
    ).fetchall()
    rows: dict[str, list[dict]] = {table: [] for table in BY_TABLE}
    for table, text in found:
        model = TABLES[table]
        rows[table].append({name: _stored(model.column(name), v) for name, v in json.loads(text).items()})
    return rows


def _names(
    con: duckdb.DuckDBPyConnection, snapshot: Snapshot, ids: Mapping[str, set[str]]
) -> dict[str, dict[str, str]]:
    """The names of the workers and teams these ids name, by the column they are the key of (`PROFESSIONAL`,
    `TEAM`); a worker or team not found keeps its id."""
    parts, params = [], []
    for reference, name in NAMES.items():
        table, key = reference.split(".")
        parts.append(
            f'SELECT \'{reference}\', "{key}", "{name}" FROM read_parquet(?) '
            f'WHERE "{key}" IN (SELECT unnest(?)) AND "{name}" IS NOT NULL'
        )
        params += [str(snapshot.file(table)), sorted(ids[reference])]
    names: dict[str, dict[str, str]] = {reference: {} for reference in NAMES}
    for reference, key, name in con.execute(" UNION ALL ".join(parts), params).fetchall():
        names[reference][key] = name
    return names


def _long_date(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


class _Text:
    """Turns a row's stored values into words: labels for codes, names for workers and teams."""

    def __init__(self, names: Mapping[str, Mapping[str, str]]) -> None:
        self.names = names

    def value(self, column: Column, value: Any) -> str:
        if isinstance(value, dt.date):
            return _long_date(value)
        text = str(value)
        if column.codes:
            return code_set(column.codes).get(text, text)
        if column.references in self.names:
            return self.names[column.references].get(text, text)
        return text

    def fill(self, table: str, text: str, row: Mapping[str, Any], *, required: bool) -> str | None:
        """`text` with its fields filled from `row`; a field with no value is "not recorded" when
        `required`, else the whole text is left out (None)."""
        values = {}
        for name in fields(text):
            if row[name] is None:
                if not required:
                    return None
                values[name] = NOT_RECORDED
            else:
                values[name] = self.value(TABLES[table].column(name), row[name])
        return text.format(**values)

    def event(self, spec: EventSpec, row: Mapping[str, Any]) -> Event:
        details = [self.fill(spec.table, part, row, required=False) for part in spec.details]
        what = ". ".join([self.fill(spec.table, spec.what, row, required=True), *filter(None, details)])
        team, worker = (row[c] if c else None for c in (spec.team, spec.worker))
        return Event(
            date=row[spec.date] if spec.date else None,
            kind=spec.kind,
            what=what,
            record_id=str(row[TABLES[spec.table].primary_key]),
            table=spec.table,
            team=None if team is None else self.names[TEAM].get(team, team),
            worker=None if worker is None else self.names[PROFESSIONAL].get(worker, worker),
        )


def _referenced(rows: Mapping[str, list[dict]], reference: str) -> set[str]:
    """Every id the rows hold in a column referring to `reference` (a worker's or a team's)."""
    found = set()
    for table, table_rows in rows.items():
        for column in TABLES[table].columns:
            if column.references == reference:
                found.update(row[column.name] for row in table_rows if row.get(column.name) is not None)
    return found


def _events(table: str, row: Mapping[str, Any]) -> list[tuple[int, EventSpec]]:
    """The events a row gives (with their place in EVENTS): each one it dates, else its first undated."""
    specs = BY_TABLE[table]
    return [(place, spec) for place, spec in specs if spec.date and row[spec.date] is not None] or specs[:1]


@cache
def _database() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB kept for the process: starting one takes longer than reading a child's rows,
    so each timeline reads through a cursor (its own connection) of this one."""
    return duckdb.connect()


def timeline(snapshot: Snapshot, child_id: str) -> list[Event]:
    """Every event of the child in the snapshot, newest first; undated ones last. Empty for a child with
    no rows (or an id that is nobody's)."""
    with _database().cursor() as con:
        rows = _rows(con, snapshot, child_id)
        names = _names(con, snapshot, {reference: _referenced(rows, reference) for reference in NAMES})
    text = _Text(names)
    found = [
        (place, text.event(spec, row))
        for table, table_rows in rows.items()
        for row in table_rows
        for place, spec in _events(table, row)
    ]
    found.sort(
        key=lambda item: (item[1].date is not None, item[1].date or dt.date.min, item[0], item[1].record_id),
        reverse=True,
    )
    return [event for _, event in found]


# Every kind of event, in the order EVENTS declares them.
KINDS = tuple(dict.fromkeys(spec.kind for spec in EVENTS))


def kinds(events: list[Event]) -> list[str]:
    """The kinds of these events, in the order of KINDS (for a filter)."""
    present = {event.kind for event in events}
    return [kind for kind in KINDS if kind in present]
