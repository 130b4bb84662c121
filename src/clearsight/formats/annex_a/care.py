"""Annex A Lists 8-11 (children in care, care leavers, adoption, adopters) mapped into canonical rows.

List 8 gives a snapshot of each child's current or just-ended period of care (formats.md §3.8): one
`ssd_cla_episodes`, one `ssd_cla_placement` and one `ssd_legal_status` row, the period keyed on the date
the child started to be looked after, the episode starting at the later of the placement and legal
status start dates, and one row for each "date of last …" column. List 9 gives one `ssd_care_leavers`
row per child per extract (§3.9). List 10 gives `ssd_permanence` rows (§3.10); its period of care, kept
apart under PERIODS, becomes an episode only when List 8 has no such period (`link.py`). List 11 rows
are adults and become nobody (§3.11): they are kept under ADOPTERS for the few child-side facts `link.py`
copies to a linked List 10 child.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.annex_a.assemble import Builder
from clearsight.formats.annex_a.cells import DIGIT, Cells
from clearsight.formats.annex_a.lists import DATE, allocation, constant, person_facts, raw_names, team, worker
from clearsight.formats.common.codes import ACCOMMODATION_DISAGREES, SUITABILITY, reconcile_suitability
from clearsight.formats.common.issues import cell_issues
from clearsight.model.issues import WARNING

PERIOD = "cla_period"  # the namespace of derived clae_cla_id values
PERIODS = "List 10 periods of care"
FAMILIES = "List 10 families"
ADOPTERS = "List 11 adopters"


def period_ids(b: Builder, cells: Cells, key: str) -> pa.Array:
    """The period of care (`clae_cla_id`) from the child and the date care began (§3.8, §3.10)."""
    entered = cells.get(key, DATE)
    ids = b.ids(PERIOD, cells.get("child_id"), entered)
    return pc.if_else(pc.is_valid(entered), ids, pa.scalar(None, pa.string()))


def children_in_care(b: Builder, cells: Cells) -> None:
    """List 8 → the current episode, placement and legal status, and the latest events (§3.8)."""
    person_facts(b, cells, disability="disability", uasc="uasc_12m")
    child, entered, period = (
        cells.get("child_id"),
        cells.get("care_start", DATE),
        period_ids(b, cells, "care_start"),
    )
    placed, legal_start = cells.get("placement_start", DATE), cells.get("legal_start", DATE)
    # A new 903 episode starts at any change of placement or legal status: the current one at the later.
    start = pc.max_element_wise(placed, legal_start)
    placement = b.ids("ssd_cla_placement", child, placed)
    ceased = cells.get("care_end", DATE)
    b.add(
        "ssd_cla_episodes",
        cells,
        {
            "clae_cla_episode_id": b.ids("ssd_cla_episodes", child, start),
            "clae_person_id": child,
            "clae_cla_episode_start_date": start,
            "clae_cla_episode_start_reason": pc.if_else(
                pc.equal(start, entered), "S", pa.scalar(None, pa.string())
            ),
            "clae_cla_primary_need_code": cells.get("need"),
            "clae_cla_episode_ceased_date": ceased,
            "clae_cla_episode_ceased_reason": cells.get("care_end_reason"),
            "clae_cla_id": period,
            "clae_cla_placement_id": placement,
            "clae_entered_care_date": entered,
            "clae_cla_last_iro_contact_date": cells.get("iro_contact", DATE),
        },
        raw=raw_names(
            cells, clae_cla_primary_need_code="need", clae_cla_episode_ceased_reason="care_end_reason"
        ),
    )
    b.add(
        "ssd_cla_placement",
        cells,
        {
            "clap_cla_placement_id": placement,
            "clap_cla_placement_start_date": placed,
            "clap_cla_placement_type": cells.get("placement_type"),
            "clap_cla_placement_urn": cells.get("placement_urn"),
            "clap_cla_id": period,
            "clap_cla_placement_provider": cells.get("placement_provider"),
            "clap_cla_placement_postcode": cells.get("placement_postcode"),
            "clap_cla_placement_end_date": ceased,
            "clap_person_id": child,
        },
        raw=raw_names(
            cells, clap_cla_placement_type="placement_type", clap_cla_placement_provider="placement_provider"
        ),
    )
    status = cells.get("legal_status")
    b.add(
        "ssd_legal_status",
        cells,
        {
            "lega_legal_status_id": b.ids("ssd_legal_status", child, status, legal_start),
            "lega_person_id": child,
            "lega_legal_status": status,
            "lega_legal_status_start_date": legal_start,
            "lega_legal_status_end_date": ceased,
        },
        raw=raw_names(cells, lega_legal_status="legal_status"),
        where=pc.or_(pc.is_valid(status), pc.is_valid(legal_start)),
    )
    _latest_events(b, cells, child, period)
    allocation(b, cells)


def _latest_events(b: Builder, cells: Cells, child: pa.Array, period: pa.Array) -> None:
    """List 8's "date of last …" columns, one event row each (§2.5, §3.8)."""
    review = cells.get("cla_review", DATE)
    b.add(
        "ssd_cla_reviews",
        cells,
        {
            "clar_cla_review_id": b.ids("ssd_cla_reviews", child, period, review),
            "clar_cla_id": period,
            "clar_cla_review_date": review,
            "clar_cla_person_id": child,
        },
        where=pc.is_valid(review),
    )
    visit = cells.get("cla_visit", DATE)
    b.add(
        "ssd_cla_visits",
        cells,
        {
            "clav_cla_visit_id": b.ids("ssd_cla_visits", child, period, visit),
            "clav_cla_id": period,
            "clav_person_id": child,
            "clav_cla_visit_date": visit,
        },
        where=pc.is_valid(visit),
    )
    for key, kind in (("health_check", "HEALTH"), ("dental_check", "DENTAL")):
        date, kind_ = cells.get(key, DATE), constant(cells, kind)
        b.add(
            "ssd_cla_health",
            cells,
            {
                "clah_health_check_id": b.ids("ssd_cla_health", child, kind_, date),
                "clah_person_id": child,
                "clah_health_check_type": kind_,
                "clah_health_check_date": date,
                "clah_health_check_status": constant(cells, "Completed"),
            },
            where=pc.is_valid(date),
        )


def care_leavers(b: Builder, cells: Cells) -> None:
    """List 9 → one ssd_care_leavers row per child per extract (§3.9)."""
    person_facts(b, cells, disability="disability", uasc="uasc_ever")
    child = cells.get("child_id")
    suitability = pa.table({SUITABILITY: cells.get("suitability")})
    digits = cells.get(DIGIT.format(key="accommodation"))
    suitability, disagree = reconcile_suitability(suitability, digits)
    b.issues += cell_issues(
        disagree,
        problem=ACCOMMODATION_DISAGREES,
        severity=WARNING,
        table="ssd_care_leavers",
        column="Suitability of Accommodation",
        file=cells.path,
        rows=cells.rows,
        keys=child,
        values=cells.raw.get("accommodation"),
        sheet=cells.location,
    )
    b.add(
        "ssd_care_leavers",
        cells,
        {
            "clea_table_id": b.ids("ssd_care_leavers", child, constant(cells, b.as_at, DATE)),
            "clea_person_id": child,
            "clea_care_leaver_eligibility": cells.get("eligibility"),
            "clea_care_leaver_in_touch": cells.get("in_touch"),
            "clea_care_leaver_latest_contact": cells.get("latest_contact", DATE),
            "clea_care_leaver_accommodation": cells.get("accommodation"),
            SUITABILITY: suitability[SUITABILITY].combine_chunks(),
            "clea_care_leaver_activity": cells.get("activity"),
            "clea_pathway_plan_review_date": cells.get("pathway_review", DATE),
            # SSD-AA-SQL joins the personal adviser to ssd_professionals, so an id is stored (§3.9).
            "clea_care_leaver_personal_advisor": worker(b, cells, key="advisor"),
            "clea_care_leaver_allocated_team": team(b, cells),
            "clea_care_leaver_worker_id": worker(b, cells),
        },
        raw=raw_names(
            cells,
            clea_care_leaver_eligibility="eligibility",
            clea_care_leaver_in_touch="in_touch",
            clea_care_leaver_accommodation="accommodation",
            clea_care_leaver_accom_suitable="suitability",
            clea_care_leaver_activity="activity",
            clea_care_leaver_personal_advisor="advisor",
            clea_care_leaver_allocated_team="team",
            clea_care_leaver_worker_id="worker",
        ),
    )


def adoption(b: Builder, cells: Cells) -> None:
    """List 10 → ssd_permanence, and the period of care it names, kept apart under PERIODS (§3.10)."""
    person_facts(b, cells, disability="disability")
    child, decision = cells.get("child_id"), cells.get("adm_decision", DATE)
    entered, period, order = (
        cells.get("entered_care", DATE),
        period_ids(b, cells, "entered_care"),
        cells.get("adoption_order", DATE),
    )
    permanence = b.ids("ssd_permanence", child, decision)
    b.add(
        "ssd_permanence",
        cells,
        {
            "perm_table_id": permanence,
            "perm_person_id": child,
            "perm_cla_id": period,
            "perm_adm_decision_date": decision,
            "perm_placement_order_date": cells.get("placement_order", DATE),
            "perm_matched_date": cells.get("matched", DATE),
            "perm_placed_for_adoption_date": cells.get("placed", DATE),
            "perm_placed_ffa_cp_date": cells.get("ffa_placed", DATE),
            "perm_decision_reversed_date": cells.get("reversed", DATE),
            "perm_decision_reversed_reason": cells.get("reversed_reason"),
            "perm_permanence_order_date": order,
            "perm_permanence_order_type": pc.if_else(
                pc.is_valid(order), "Adoption", pa.scalar(None, pa.string())
            ),
        },
        raw=raw_names(cells, perm_decision_reversed_reason="reversed_reason"),
    )
    b.add(
        "ssd_cla_episodes",
        cells,
        {
            "clae_cla_episode_id": b.ids("ssd_cla_episodes", child, entered),
            "clae_person_id": child,
            "clae_cla_episode_start_date": entered,
            "clae_cla_episode_start_reason": constant(cells, "S"),
            "clae_cla_id": period,
            "clae_entered_care_date": entered,
        },
        where=pc.is_valid(entered),
        slot=PERIODS,
    )
    family = cells.get("family_id")
    keep = pc.is_valid(family)
    b.stash.setdefault(FAMILIES, []).append(
        pa.table(
            {
                "family": family.filter(keep),
                "perm_table_id": permanence.filter(keep),
                "child": child.filter(keep),
            }
        )
    )


def adopters(b: Builder, cells: Cells) -> None:
    """List 11: nobody is made from it (§3.11); the rows are kept for `link.py`."""
    b.stash.setdefault(ADOPTERS, []).append(
        pa.table(
            {
                "family": cells.get("adopter_family_id"),
                "perm_matched_date": cells.get("adopter_matched", DATE),
                "perm_placed_for_adoption_date": cells.get("adopter_placed", DATE),
                "perm_siblings_placed_together": cells.get("children_placed", pa.int64()),
                "perm_permanence_order_date": cells.get("adopter_order", DATE),
            }
        )
    )
