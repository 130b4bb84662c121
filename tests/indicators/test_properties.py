"""Properties every indicator keeps on a synthetic county (indicators.md §2.5, §6, §7): numerators within
denominators, breakdown cells that add up, exceptions drawn from the population, and days overdue that
grow with the as-at date."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from clearsight.indicators.catalogue import catalogue


def test_every_indicator_gives_a_result(county_results):
    assert county_results.values.column("id").to_pylist() == [i.id for i in catalogue()]


def test_percent_numerators_never_exceed_denominators(county_results):
    for row in county_results.values.to_pylist():
        if row["available"] and row["unit"] == "percent" and row["denominator"]:
            assert 0 <= row["numerator"] <= row["denominator"], row["id"]
            assert 0.0 <= row["value"] <= 100.0, row["id"]


def test_breakdown_cells_add_up_to_the_whole(county_results):
    totals = {r["id"]: r for r in county_results.values.to_pylist() if r["available"]}
    sums: dict = defaultdict(lambda: [0.0, 0.0])
    for cell in county_results.breakdowns.to_pylist():
        key = (cell["indicator_id"], cell["breakdown"])
        sums[key][0] += cell["numerator"]
        sums[key][1] += cell["denominator"] or 0.0
    for (indicator_id, breakdown), (numerator, denominator) in sums.items():
        whole = totals.get(indicator_id)
        if whole is None:
            continue
        assert numerator == pytest.approx(whole["numerator"]), (indicator_id, breakdown)
        if whole["unit"] != "rate_10k":
            assert denominator == pytest.approx(whole["denominator"]), (indicator_id, breakdown)


def test_exceptions_are_drawn_from_the_population(county_results):
    population = defaultdict(set)
    for item in county_results.items.to_pylist():
        population[item["indicator_id"]].add(item["record_id"])
    for row in county_results.exceptions.to_pylist():
        assert row["record_id"] in population[row["indicator_id"]], row["exception_key"]


def test_critical_exceptions_name_their_condition(county_results):
    declared = {i.id: i.critical for i in catalogue()}
    for row in county_results.exceptions.to_pylist():
        if row["severity"] == "critical":
            assert row["condition"] in ("K1", "K2", "K3", "K4", "K5", "K6", "K7", "K8"), row["exception_key"]
            assert declared[row["indicator_id"]] is not None, row["indicator_id"]


def test_days_overdue_grow_with_the_as_at_date(county_results, county_later, later_days):
    before = {
        r["exception_key"]: r["days_overdue"]
        for r in county_results.exceptions.to_pylist()
        if r["event_date"] is None and r["days_overdue"] is not None
    }
    after = {r["exception_key"]: r["days_overdue"] for r in county_later.exceptions.to_pylist()}
    still_open = [key for key in before if key in after]
    assert still_open, "no open exception is still open a fortnight later"
    for key in still_open:
        assert after[key] == before[key] + later_days, key


def test_exception_details_are_json_objects(county_results):
    for row in county_results.exceptions.to_pylist()[:500]:
        assert isinstance(json.loads(row["details"] or "{}"), dict)


def test_every_exclusion_is_logged_with_its_rule(county_results):
    """§2.6 rule 6: the log holds each excluded item, and agrees with the counts by reason."""
    logged: dict = defaultdict(lambda: defaultdict(int))
    for row in county_results.exclusions.to_pylist():
        logged[row["indicator_id"]][row["rule"]] += 1
    for row in county_results.values.to_pylist():
        assert dict(logged[row["id"]]) == json.loads(row["excluded_by_reason"]), row["id"]
    assert sum(len(rules) for rules in logged.values()), "the county has exclusions (short breaks, ...)"
