"""Every catalogue file is a valid indicator, and every worked example gives its expected result through
the real engine (indicators.md Appendix A: values compared unrounded to 1e-9)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from indicator_examples import run_example

from clearsight.indicators.catalogue import AREAS, catalogue
from clearsight.indicators.config import default_config
from clearsight.model import TABLES

EXAMPLES = [
    pytest.param(indicator, example, id=f"{indicator.code}-{indicator.id}-{example.name}")
    for indicator in catalogue()
    for example in indicator.examples
]
SCALARS = (
    "numerator",
    "denominator",
    "not_yet_due",
    "critical_count",
    "exception_count",
    "status",
    "available",
)


def test_the_catalogue_has_one_file_per_indicator_in_its_area_folder():
    indicators = catalogue()
    assert indicators, "the catalogue is empty"
    for indicator in indicators:
        assert indicator.path.parent.name == AREAS[indicator.area]
        assert indicator.path.stem == indicator.id


@pytest.mark.parametrize("indicator", catalogue(), ids=lambda i: i.code)
def test_every_indicator_has_a_worked_example_and_names_real_tables(indicator):
    assert indicator.examples, f"{indicator.path.name} has no worked example"
    defaults = default_config()
    for requirement in indicator.requires:
        if not isinstance(requirement, str):  # {setting: key}: the tables that setting names by default
            assert all(name in TABLES for name in defaults[requirement["setting"]]), indicator.path.name
            continue
        table, _, column = requirement.partition(".")
        assert table in TABLES, f"{indicator.path.name}: requires unknown table {table}"
        if column:
            assert column in TABLES[table].column_names, f"{indicator.path.name}: no column {requirement}"


def _same(found, expected) -> bool:
    if isinstance(expected, float) and found is not None:
        return abs(found - expected) <= 1e-9
    if isinstance(expected, dt.date) and isinstance(found, str):
        return found == expected.isoformat()
    return found == expected


@pytest.mark.parametrize(("indicator", "example"), EXAMPLES)
def test_worked_example(indicator, example):
    results = run_example(indicator, example)
    (value,) = results.values.to_pylist()
    expect = example.expect
    if "value" in expect:
        assert _same(value["value"], expect["value"]), f"value {value['value']} != {expect['value']}"
    for key in SCALARS:
        if key in expect:
            assert _same(value[key], expect[key]), f"{key}: {value[key]!r} != {expect[key]!r}"
    if "excluded_by_reason" in expect:
        assert json.loads(value["excluded_by_reason"]) == expect["excluded_by_reason"]
    for text in expect.get("notes", []):
        assert text in (value["note"] or ""), f"note {value['note']!r} lacks {text!r}"
    for key, wanted in (expect.get("supporting") or {}).items():
        assert _same(json.loads(value["supporting"])[key], wanted), f"supporting {key}"
    if "exceptions" in expect:
        found = results.exceptions.to_pylist()
        for row in found:
            row.update(json.loads(row.pop("details") or "{}"))
        wanted = expect["exceptions"]
        assert sorted(r["record_id"] for r in found) == sorted(str(w["record_id"]) for w in wanted)
        by_record = {r["record_id"]: r for r in found}
        for w in wanted:
            row = by_record[str(w["record_id"])]
            for key, expected in w.items():
                assert _same(row[key], expected), f"{w['record_id']} {key}: {row[key]!r} != {expected!r}"
    if "data_quality" in expect:
        logged = sorted((r["code"], r["record_id"], r["value"]) for r in results.data_quality.to_pylist())
        wanted = sorted(
            (w["code"], str(w["record_id"]), None if w.get("value") is None else str(w["value"]))
            for w in expect["data_quality"]
        )
        assert logged == wanted, f"data quality {logged} != {wanted}"
    for breakdown, cells in (expect.get("breakdowns") or {}).items():
        found = {
            r["cell"]: [r["numerator"], r["denominator"]]
            for r in results.breakdowns.to_pylist()
            if r["breakdown"] == breakdown
        }
        assert found == {cell: [float(n), float(d)] for cell, (n, d) in cells.items()}
