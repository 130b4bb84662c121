"""903 Reviews, Missing, OC2, OC3, PrevPerm, SWEpisodes and DoLo → canonical rows (formats.md §4.3–§4.12).

- Reviews: one `ssd_cla_reviews` row each, in the period of care that holds the review date.
- Missing: one `ssd_missing` row each (`M` missing, `A` away without authorisation).
- OC2 is a year summary with no dates: an `ssd_sdq_scores` row when a score or reason is given, and a
  dateless `ssd_cla_health` row, status `Completed`, for each check flagged 1 (`HEALTH_CHECK` →
  `SURVEILLANCE`, `TEETH_CHECK` → `DENTAL`, `HEALTH_ASSESSMENT` → `HEALTH`); their ids include the
  collection year, whose 31 March is their as-at date in provenance.
- OC3: one `ssd_care_leavers` row per child as at 31 March; `ACCOM` splits into the letter and the
  suitability digit, and `0` (not in touch) is empty.
- PrevPerm: one `ssd_cla_previous_permanence` row per child; a partial `DATE_PERM` stays text.
- SWEpisodes: an `ssd_professionals` row per `SW_ID`, which is its id (and its registration number
  only when it starts `SW`), and an `ssd_involvements` row each, role `SOCIAL_WORKER`.
- DoLo: legal-status rows with the local code `DOLO`, added with the Episodes' by the reader.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.common.codes import split_accommodation
from clearsight.formats.common.keys import derive_ids
from clearsight.formats.common.result import FormatResult
from clearsight.formats.ssda903.build import add, query
from clearsight.formats.ssda903.cells import report
from clearsight.model.issues import WARNING

OC2_CHECKS = {"HEALTH_CHECK": "SURVEILLANCE", "TEETH_CHECK": "DENTAL", "HEALTH_ASSESSMENT": "HEALTH"}
COMPLETED = "Completed"
SOCIAL_WORKER = "SOCIAL_WORKER"
DOLO = "DOLO"


def _repeat(value: str | None, n: int) -> pa.Array:
    return pa.array([value] * n, pa.string())


def add_reviews(reviews: pa.Table, periods: pa.Table, la_code: str, result: FormatResult) -> None:
    """Add the reviews, each linked to the period of care that holds it (§4.3, §4.13)."""
    placed = query(
        """select r.*, p.period_id, r.CHILD in (select CHILD from p) as has_periods from r
           left join p on p.CHILD = r.CHILD
               and r.REVIEW between p.period_start and coalesce(p.period_end, date '9999-12-31')
           qualify row_number() over (partition by r._n order by p.period_start desc) = 1
           order by r._n""",
        r=reviews.append_column("_n", pa.array(range(reviews.num_rows), pa.int64())),
        p=periods,
    )
    outside = pc.and_(pc.is_null(placed["period_id"]), pc.is_valid(placed["REVIEW"]))
    result.issues += report(
        placed,
        pc.and_(outside, placed["has_periods"]).combine_chunks(),
        problem="falls in none of the child's periods of care in the Episodes",
        severity=WARNING,
        table="Reviews",
        column="REVIEW",
        values=placed["raw_REVIEW"].combine_chunks(),
    )
    child = placed["CHILD"]
    add(
        result,
        "ssd_cla_reviews",
        placed,
        {
            "clar_cla_review_id": derive_ids(la_code, "ssd_cla_reviews", child, placed["REVIEW"]),
            "clar_cla_id": placed["period_id"],
            "clar_cla_review_date": placed["REVIEW"],
            "clar_cla_review_participation": placed["REVIEW_CODE"],
            "clar_cla_person_id": child,
        },
        {"clar_cla_review_date": "REVIEW", "clar_cla_review_participation": "REVIEW_CODE"},
    )


def add_missing(missing: pa.Table, la_code: str, result: FormatResult) -> None:
    """Add the missing and away-from-placement episodes (§4.10)."""
    child = missing["CHILD"]
    add(
        result,
        "ssd_missing",
        missing,
        {
            "miss_table_id": derive_ids(
                la_code, "ssd_missing", child, missing["MIS_START"], missing["MISSING"]
            ),
            "miss_person_id": child,
            "miss_missing_episode_start_date": missing["MIS_START"],
            "miss_missing_episode_type": missing["MISSING"],
            "miss_missing_episode_end_date": missing["MIS_END"],
        },
        {
            "miss_missing_episode_start_date": "MIS_START",
            "miss_missing_episode_type": "MISSING",
            "miss_missing_episode_end_date": "MIS_END",
        },
    )


def add_oc2(oc2: pa.Table, collection_year: int, la_code: str, result: FormatResult) -> None:
    """Add SDQ scores and dateless health-check rows from the OC2 year summary (§4.5)."""
    year = str(collection_year)
    scored = oc2.filter(pc.or_(pc.is_valid(oc2["SDQ_SCORE"]), pc.is_valid(oc2["SDQ_REASON"])))
    add(
        result,
        "ssd_sdq_scores",
        scored,
        {
            "csdq_table_id": derive_ids(
                la_code, "ssd_sdq_scores", scored["CHILD"], _repeat(year, scored.num_rows)
            ),
            "csdq_person_id": scored["CHILD"],
            "csdq_sdq_reason": scored["SDQ_REASON"],
            "csdq_sdq_score": pc.cast(scored["SDQ_SCORE"], pa.string()),
        },
        {"csdq_sdq_reason": "SDQ_REASON", "csdq_sdq_score": "SDQ_SCORE"},
    )
    parts = []
    for column, check in OC2_CHECKS.items():
        done = oc2.filter(pc.equal(oc2[column], "Y").fill_null(False))
        places = done.select(["CHILD", "_file", "_location", "_row"])
        parts.append(
            places.append_column("check", _repeat(check, done.num_rows)).append_column(
                "raw_check", done[f"raw_{column}"]
            )
        )
    checks = pa.concat_tables(parts)
    n = checks.num_rows
    add(
        result,
        "ssd_cla_health",
        checks,
        {
            "clah_health_check_id": derive_ids(
                la_code, "ssd_cla_health", checks["CHILD"], checks["check"], _repeat(year, n)
            ),
            "clah_person_id": checks["CHILD"],
            "clah_health_check_type": checks["check"],
            "clah_health_check_status": _repeat(COMPLETED, n),
        },
        {"clah_health_check_status": "check"},
    )


def add_oc3(oc3: pa.Table, as_at: dt.date, la_code: str, result: FormatResult) -> None:
    """Add care leavers as at 31 March of the collection year (§4.6)."""
    letters, digits = split_accommodation(oc3["ACCOM"].combine_chunks())
    add(
        result,
        "ssd_care_leavers",
        oc3,
        {
            "clea_table_id": derive_ids(
                la_code, "ssd_care_leavers", oc3["CHILD"], _repeat(as_at.isoformat(), oc3.num_rows)
            ),
            "clea_person_id": oc3["CHILD"],
            "clea_care_leaver_in_touch": oc3["IN_TOUCH"],
            "clea_care_leaver_accommodation": letters,
            "clea_care_leaver_accom_suitable": digits,
            "clea_care_leaver_activity": oc3["ACTIV"],
        },
        {
            "clea_care_leaver_in_touch": "IN_TOUCH",
            "clea_care_leaver_accommodation": "ACCOM",
            "clea_care_leaver_accom_suitable": "ACCOM",
            "clea_care_leaver_activity": "ACTIV",
        },
    )


def add_previous_permanence(prev: pa.Table, la_code: str, result: FormatResult) -> None:
    """Add each child's previous permanence option (§4.9)."""
    add(
        result,
        "ssd_cla_previous_permanence",
        prev,
        {
            "lapp_table_id": derive_ids(la_code, "ssd_cla_previous_permanence", prev["CHILD"]),
            "lapp_person_id": prev["CHILD"],
            "lapp_previous_permanence_order_date": prev["DATE_PERM"],
            "lapp_previous_permanence_option": prev["PREV_PERM"],
            "lapp_previous_permanence_la": prev["LA_PERM"],
        },
        {
            "lapp_previous_permanence_order_date": "DATE_PERM",
            "lapp_previous_permanence_option": "PREV_PERM",
        },
    )


def add_social_workers(sw: pa.Table, la_code: str, result: FormatResult) -> None:
    """Add social workers and their involvements from SWEpisodes (§4.11)."""
    sw_id = pc.utf8_upper(sw["SW_ID"].combine_chunks())
    odd = pc.invert(pc.match_substring_regex(sw_id, r"^(SW|XX)")).fill_null(False)
    result.issues += report(
        sw,
        odd,
        problem="does not start SW (a Social Work England number) or XX; kept",
        severity=WARNING,
        table="SWEpisodes",
        column="SW_ID",
        values=sw["raw_SW_ID"].combine_chunks(),
    )
    # The SW_ID is the worker's id (§4.11): national for SW numbers, the council's own for XX ones.
    professional = sw_id
    workers = query(
        """select SW_ID, professional, arg_min(_file, _n) as _file, arg_min(_location, _n) as _location,
               arg_min(_row, _n) as _row, arg_min(raw_SW_ID, _n) as raw_SW_ID
           from s group by SW_ID, professional order by SW_ID""",
        s=pa.table(
            {
                "SW_ID": sw_id,
                "professional": professional,
                "raw_SW_ID": sw["raw_SW_ID"],
                "_file": sw["_file"],
                "_location": sw["_location"],
                "_row": sw["_row"],
                "_n": pa.array(range(sw.num_rows), pa.int64()),
            }
        ),
    )
    registered = pc.starts_with(workers["SW_ID"], "SW")
    add(
        result,
        "ssd_professionals",
        workers,
        {
            "prof_professional_id": workers["professional"],
            "prof_social_worker_registration_no": pc.if_else(registered, workers["SW_ID"], None),
        },
        {"prof_social_worker_registration_no": "SW_ID"},
    )
    role = _repeat(SOCIAL_WORKER, sw.num_rows)
    add(
        result,
        "ssd_involvements",
        sw,
        {
            "invo_involvements_id": derive_ids(
                la_code, "ssd_involvements", sw["CHILD"], role, professional, sw["SW_DECOM"]
            ),
            "invo_professional_id": professional,
            "invo_professional_role_id": role,
            "invo_involvement_start_date": sw["SW_DECOM"],
            "invo_involvement_end_date": sw["SW_DEC"],
            "invo_worker_change_reason": sw["SW_REASON"],
            "invo_person_id": sw["CHILD"],
        },
        {
            "invo_involvement_start_date": "SW_DECOM",
            "invo_involvement_end_date": "SW_DEC",
            "invo_worker_change_reason": "SW_REASON",
        },
    )


def dolo_legal_statuses(dolo: pa.Table) -> pa.Table:
    """DoLo orders as legal-status rows (episodes.LEGAL_COLUMNS) with the local code DOLO (§4.12)."""
    n = dolo.num_rows
    return pa.table(
        {
            "CHILD": dolo["CHILD"],
            "LS": _repeat(DOLO, n),
            "raw_LS": _repeat(None, n),
            "legal_start": dolo["DOLO_START"],
            "legal_end": dolo["DOLO_END"],
            "_file": dolo["_file"],
            "_location": dolo["_location"],
            "_row": dolo["_row"],
        }
    )
