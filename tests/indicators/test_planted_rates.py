"""The county demo shows the synthetic council's planted practice problems as exceptions, at the planted
rates (`synth.PlantedRates`, each over the population its comment defines).

Chance-driven rates (each assessment, ICPC or missing episode late or not) are allowed a few standard
errors; quotas (visits, care leavers, audits) a point or two, since the indicator's population and the
generator's can differ at the edges (a plan that started on the as-at date, a child who turned 18).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

import pytest

from clearsight.calendar import WorkingCalendar
from clearsight.synth import PlantedRates

RATES = PlantedRates()


@pytest.fixture(scope="module")
def items(county_results):
    found = defaultdict(list)
    for item in county_results.items.to_pylist():
        item["details"] = json.loads(item["details"] or "{}")
        found[item["indicator_id"]].append(item)
    return found


@pytest.fixture(scope="module")
def values(county_results):
    return {row["id"]: row for row in county_results.values.to_pylist()}


def share(rows, flagged) -> float:
    rows = list(rows)
    assert rows, "no population"
    return sum(1 for row in rows if flagged(row)) / len(rows)


def judged(rows):
    return [r for r in rows if r["state"] in ("MET", "NOT_MET") and r["denominator"]]


def not_met(row) -> bool:
    return row["state"] == "NOT_MET"


@pytest.mark.parametrize(
    ("indicator", "rate", "tolerance"),
    [
        ("asmt_45wd", RATES.late_assessment, 0.02),
        ("s47_icpc_15wd", RATES.late_icpc, 0.03),
        ("cla_review_timely", RATES.late_cla_review, 0.02),
        ("cp_open_long", RATES.cp_drift, 0.025),
        ("cp_medical_decision", RATES.cp_medical_missing, 0.035),
        ("cla_missing_rhi_72h", RATES.missing_no_rhi_offer, 0.03),
        ("cla_pwp_assessed_approved", RATES.pwp_unapproved, 0.08),
        ("wf_worker_supervision_timely", RATES.worker_supervision_overdue, 0.02),
        ("qa_over_optimism", RATES.audit_over_optimism, 0.03),
    ],
)
def test_chance_and_quota_rates_show_as_exceptions(items, indicator, rate, tolerance):
    population = judged(items[indicator])
    assert share(population, not_met) == pytest.approx(rate, abs=tolerance)
    assert all(r["is_exception"] for r in population if not_met(r))


@pytest.mark.parametrize(
    ("indicator", "start", "standard_wd", "rate"),
    [
        ("cp_visit_timely", "plan_start", 10, RATES.cp_visit_overdue),
        ("cin_visit_timely", "cin_plan_start", 20, RATES.cin_visit_overdue),
    ],
)
def test_overdue_visits_at_the_planted_rate(county, items, indicator, start, standard_wd, rate):
    """Of children whose plan started more than the standard before as_at: not seen within it."""
    calendar = WorkingCalendar(county.as_at.year - 10, county.as_at.year + 1)
    due = [
        r
        for r in items[indicator]
        if calendar.wd_between(dt.date.fromisoformat(r["details"][start]), county.as_at) > standard_wd
    ]
    assert share(due, not_met) == pytest.approx(rate, abs=0.025)


def test_late_cp_reviews_at_the_planted_rate(county, items):
    """Of review occasions that fell due: held late or not held (A08). A conference held on the day the plan
    ended, before the next review fell due, is a review held in time but not an occasion that fell due."""
    plan_end = {
        plan: end
        for plan, end in zip(
            county.tables["ssd_cp_plans"]["cppl_cp_plan_id"].to_pylist(),
            county.tables["ssd_cp_plans"]["cppl_cp_plan_end_date"].to_pylist(),
            strict=True,
        )
    }
    reviews = judged(items["cp_rcpc_timely"])
    closing = [
        r
        for r in reviews
        if r["event_date"] is not None
        and r["event_date"] == plan_end[r["details"]["plan_id"]]
        and r["event_date"] <= r["due_date"]
    ]
    assert closing, "the county has plans that end at a review conference"
    assert all(r["state"] == "MET" for r in closing)
    closed = {r["record_id"] for r in closing}
    fell_due = [r for r in reviews if r["record_id"] not in closed]
    assert share(fell_due, not_met) == pytest.approx(RATES.late_cp_review, abs=0.02)
    assert all(r["is_exception"] for r in fell_due if not_met(r))


def test_case_supervision_overdue_at_least_the_planted_rate(items):
    overdue = share(judged(items["wf_case_supervision_timely"]), not_met)
    assert overdue >= RATES.case_supervision_overdue - 0.01


def test_unallocated_children_at_the_planted_rate(items, values):
    population = judged(items["wf_unallocated_cases"])
    assert share(population, lambda r: r["numerator"] == 1) == pytest.approx(RATES.unallocated, abs=0.01)
    assert values["cp_no_allocated_worker"]["critical_count"] == values["cp_no_allocated_worker"]["value"]


def test_care_leavers_homeless_in_custody_or_in_bed_and_breakfast_are_critical(items):
    kpi = [r for r in items["cl_suitable_accommodation"] if r["details"].get("in_kpi_cohort", True)]
    planted = RATES.care_leaver_homeless + RATES.care_leaver_bed_and_breakfast + RATES.care_leaver_custody
    unsafe = [r for r in kpi if r["details"].get("k1_condition") in ("S", "W", "X")]
    assert len(unsafe) / len(judged(kpi)) == pytest.approx(planted, abs=0.02)
    assert all(r["severity"] == "critical" and r["condition"] == "K1" for r in unsafe)


def test_care_leavers_not_in_touch_are_critical(items):
    kpi = judged(items["cl_in_touch"])
    out_of_touch = [r for r in kpi if r["reason"] == "NOT_IN_TOUCH"]
    assert len(out_of_touch) / len(kpi) == pytest.approx(RATES.care_leaver_not_in_touch, abs=0.02)
    assert all(r["severity"] == "critical" and r["condition"] == "K2" for r in out_of_touch)


def test_overdue_cla_visits_at_the_planted_rate(county, items):
    """Of children in care (not placed for adoption) whose placement started more than 7 days before as_at:
    statutory visit overdue (B01). A newer placement's first visit is not yet due."""
    settled = [
        r
        for r in judged(items["cla_visit_timely"])
        if (county.as_at - dt.date.fromisoformat(r["details"]["placement_start"])).days > 7
    ]
    assert share(settled, not_met) == pytest.approx(RATES.cla_visit_overdue, abs=0.01)
    assert all(r["is_exception"] for r in settled if not_met(r))
