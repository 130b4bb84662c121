"""A pooled run gives each council the results of its own run.

Three synthetic councils whose identifiers are the same strings (each numbers its children P000001, …),
so any join that crossed councils would show; one has no case audits and one no child population, so the
indicators those decide are unavailable for that council alone; one has personal advisers who resolve
to nobody, so its data-quality log has rows.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from clearsight import synth
from clearsight.indicators.catalogue import catalogue
from clearsight.indicators.engine import IndicatorError, compute
from clearsight.indicators.pool import ESCAPED_SEPARATOR, compute_pool
from clearsight.indicators.session import identifiers, reads_derived_data
from clearsight.model import TABLES

ITEM_TABLES = ("breakdowns", "exceptions", "exclusions", "data_quality")


def _unresolved_advisers(table: pa.Table) -> pa.Table:
    """Every tenth care leaver's personal adviser recorded as an id no worker has."""
    column = table.column_names.index("clea_care_leaver_personal_advisor")
    advisers = table["clea_care_leaver_personal_advisor"].to_pylist()
    changed = [f"NOBODY{i}" if i % 10 == 0 else a for i, a in enumerate(advisers)]
    return table.set_column(column, "clea_care_leaver_personal_advisor", pa.array(changed, pa.string()))


@pytest.fixture(scope="module")
def councils():
    made = {f"L{seed}": synth.generate("small", seed=seed) for seed in range(3)}
    tables = {code: dict(council.tables) for code, council in made.items()}
    del tables["L1"]["ext_case_audit"]
    del tables["L2"]["ext_population"]
    tables["L0"]["ssd_care_leavers"] = _unresolved_advisers(tables["L0"]["ssd_care_leavers"])
    return tables, made["L0"].as_at


@pytest.fixture(scope="module")
def own(councils):
    tables, as_at = councils
    return {code: compute(council, as_at) for code, council in tables.items()}


@pytest.fixture(scope="module")
def pooled(councils):
    tables, as_at = councils
    return compute_pool(tables, as_at)


def test_the_councils_share_identifiers(councils):
    tables, _ = councils
    people = [set(t["ssd_person"]["pers_person_id"].to_pylist()) for t in tables.values()]
    assert len(set.intersection(*people)) > 1000


@pytest.mark.parametrize("code", ["L0", "L1", "L2"])
@pytest.mark.parametrize("name", ITEM_TABLES)
def test_each_council_gets_its_own_rows(own, pooled, code, name):
    mine, from_pool = getattr(own[code], name), getattr(pooled[code], name)
    assert from_pool.num_rows == mine.num_rows
    assert from_pool.equals(mine)


@pytest.mark.parametrize("code", ["L0", "L1", "L2"])
def test_each_council_gets_its_own_values(own, pooled, code):
    mine = own[code].values.drop_columns(["note", "supporting"]).to_pylist()
    assert pooled[code].values.drop_columns(["note", "supporting"]).to_pylist() == mine


def test_notes_and_supporting_figures_are_each_councils_own(own, pooled):
    """All but those whose SQL reads a derived table, which a pooled run leaves out."""
    beyond = {i.id: i for i in catalogue()}
    for code, results in own.items():
        rows = zip(results.values.to_pylist(), pooled[code].values.to_pylist(), strict=True)
        for mine, from_pool in rows:
            indicator = beyond[mine["id"]]
            left_out = {n["note"] for n in indicator.conditional_notes if reads_derived_data(n["when"])}
            mine_notes = set((mine["note"] or "").split("; "))
            assert set((from_pool["note"] or "").split("; ")) == mine_notes - left_out, mine["id"]
            kept = {k for k, sql in indicator.supporting.items() if not reads_derived_data(sql)}
            mine_supporting = json.loads(mine["supporting"])
            expected = {k: v for k, v in mine_supporting.items() if k in kept}
            assert json.loads(from_pool["supporting"]) == expected, mine["id"]


def test_some_supporting_figures_and_notes_come_from_the_pool(pooled):
    supporting = {row["code"]: json.loads(row["supporting"]) for row in pooled["L0"].values.to_pylist()}
    assert "open_assessments" in supporting["A05"]
    assert supporting["D09"]["agency_workers"]  # worker identifiers, prefix removed
    assert supporting["D05"]["moderation_coverage"] > 0  # read from the council's own audits
    notes = {row["code"]: row["note"] or "" for row in pooled["L0"].values.to_pylist()}
    assert "outside C02's KPI cohort" in notes["C07"]


def test_what_one_council_lacks_is_unavailable_for_it_alone(pooled):
    def available(code: str) -> dict[str, bool]:
        return {row["code"]: row["available"] for row in pooled[code].values.to_pylist()}

    assert available("L0")["D03"] and available("L2")["D03"]  # audits graded good or better
    assert not available("L1")["D03"]
    assert available("L0")["A03"] and not available("L2")["A03"]  # referrals per 10,000 children


def test_the_data_quality_log_has_the_unresolved_advisers(pooled):
    problems = pooled["L0"].data_quality.filter(pc.equal(pooled["L0"].data_quality["code"], "UNRESOLVED_PA"))
    assert problems.num_rows > 0
    assert set(problems["value"].to_pylist()) <= {f"NOBODY{i}" for i in range(0, 10_000, 10)}
    assert pooled["L1"].data_quality.num_rows == 0


def test_no_prefix_is_left_in_any_text(pooled):
    for results in pooled.values():
        for name in ("values", *ITEM_TABLES):
            table = getattr(results, name)
            for column in table.columns:
                if pa.types.is_string(column.type):
                    assert not pc.any(pc.match_substring_regex(column, ESCAPED_SEPARATOR)).as_py()


def test_identifiers_are_keys_and_what_they_refer_to():
    assert identifiers(TABLES["ssd_person"]) == ("pers_person_id",)
    assert "clae_cla_id" in identifiers(TABLES["ssd_cla_episodes"])  # placements refer to it
    assert "clea_care_leaver_personal_advisor" in identifiers(TABLES["ssd_care_leavers"])
    assert identifiers(TABLES["ext_population"]) == ()  # its key is an age band


def test_a_pool_refuses_what_it_cannot_compute(councils):
    tables, as_at = councils
    with pytest.raises(ValueError, match="at least one council"):
        compute_pool({}, as_at)
    provenance = pa.table(
        {
            "table_name": ["ssd_cp_visits"],
            "source_format": ["annex_a"],
            "superseded": [False],
            "row_key": ["V1"],
        }
    )
    with pytest.raises(ValueError, match="same source formats"):
        compute_pool(tables, as_at, provenance={"L0": provenance})


def _plan_provenance(plans: pa.Table, as_at, physical: bool) -> pa.Table:
    """Provenance for a council's CP plans, every one from an SSD extract; when `physical`, each MUL plan's
    category as found names physical abuse (§1.3 rule 8: it counts as physical)."""
    categories = plans["cppl_cp_plan_initial_category"].to_pylist()
    raw = [
        json.dumps({"cppl_cp_plan_initial_category": "Multiple: physical, neglect"})
        if physical and category == "MUL"
        else None
        for category in categories
    ]
    return pa.table(
        {
            "table_name": ["ssd_cp_plans"] * plans.num_rows,
            "source_format": ["ssd"] * plans.num_rows,
            "superseded": [False] * plans.num_rows,
            "row_key": plans["cppl_cp_plan_id"],
            "as_at": [as_at] * plans.num_rows,
            "raw_values": pa.array(raw, pa.string()),
        }
    )


def test_each_councils_provenance_stays_its_own(councils, own):
    tables, as_at = councils
    provenance = {
        code: _plan_provenance(council["ssd_cp_plans"], as_at, physical=code != "L1")
        for code, council in tables.items()
    }
    mine = {code: compute(tables[code], as_at, provenance=provenance[code]) for code in tables}
    pooled = compute_pool(tables, as_at, provenance=provenance)
    assert not mine["L0"].exceptions.equals(own["L0"].exceptions)  # the raw categories count
    for code in tables:
        for name in ITEM_TABLES:
            assert getattr(pooled[code], name).equals(getattr(mine[code], name)), (code, name)


def test_an_item_whose_council_cannot_be_told_stops_the_run(councils):
    tables, as_at = councils
    (a04,) = [i for i in catalogue() if i.code == "A04"]
    untagged = replace(a04, sql="SELECT 'made up' AS record_id, 'MET' AS state")
    with pytest.raises(IndicatorError, match="no council tag in made up"):
        compute_pool(tables, as_at, indicators=[untagged])
