"""The catalogue reads only the columns `columns_read` names: given nothing else, a run gives the same
results, so a snapshot read for the catalogue can leave the other columns on disk."""

from __future__ import annotations

from clearsight.indicators.catalogue import catalogue
from clearsight.indicators.engine import columns_read, compute
from clearsight.model import TABLES


def test_the_county_gives_the_same_results_from_the_columns_read_alone(county, county_results):
    read = columns_read()
    fewer = {name: table.select(read[name]) for name, table in county.tables.items()}
    assert sum(t.num_columns for t in fewer.values()) < 0.8 * sum(
        t.num_columns for t in county.tables.values()
    )
    results = compute(fewer, county.as_at)
    for name in ("values", "breakdowns", "exceptions", "exclusions", "data_quality"):
        assert getattr(results, name).equals(getattr(county_results, name)), name


def test_one_indicators_columns_include_its_requirements_and_every_key():
    (cp_visits,) = [i for i in catalogue() if i.code == "A09"]
    read = columns_read([cp_visits])
    assert "cppv_cp_visit_date" in read["ssd_cp_visits"]
    assert all(table.primary_key in read[name] for name, table in TABLES.items())
    assert sum(map(len, read.values())) < sum(map(len, columns_read().values()))
