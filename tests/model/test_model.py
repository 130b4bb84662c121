"""The declared model against the SSD's own definitions (formats.md §1, Appendix C) and against itself."""

from pathlib import Path

import pytest
import yaml

from clearsight.model import TABLES
from clearsight.model.codes import CODE_SETS, code_set
from clearsight.model.schema import DATETIME, INT
from clearsight.model.ssd_tables import PERSON, SSD_TABLES

# The shared folder sits beside the repository (../shared from its root), here and in CI.
REFERENCE = (Path(__file__).parents[2] / ".." / "shared" / "reference").resolve()

# The only columns clearsight adds to the SSD YAML, both from the SSD DDL (formats.md §1, Appendix B.2).
EXTRA_COLUMNS = {"ssd_person": ["pers_upn"], "ssd_cla_reviews": ["clar_cla_person_id"]}


def reference_columns(table: str) -> list[tuple[str, str]]:
    data = yaml.safe_load((REFERENCE / "ssd" / f"{table}.yml").read_text(encoding="utf-8"))
    (node,) = (n for n in data["nodes"] if n["name"] == table)
    return [(field["name"], field["type"].lower()) for field in node["fields"]]


def test_the_model_declares_the_32_ssd_tables():
    assert len(SSD_TABLES) == 32
    assert all(t.name.startswith("ssd_") for t in SSD_TABLES)


@pytest.mark.parametrize("table", SSD_TABLES, ids=lambda t: t.name)
def test_ssd_table_matches_the_reference_yaml(table):
    extras = EXTRA_COLUMNS.get(table.name, [])
    declared = [(c.name, c.type) for c in table.columns if c.name not in extras]
    assert declared == reference_columns(table.name)
    reference_names = {name for name, _ in reference_columns(table.name)}
    assert [c.name for c in table.columns if c.name not in reference_names] == extras


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda t: t.name)
def test_keys_and_dates_name_declared_columns(table):
    names = table.column_names
    assert len(set(names)) == len(names)
    assert table.primary_key in names
    if table.person:
        assert table.person in names
    if table.max_age:
        assert table.column(table.max_age[0]).type == DATETIME
    for start, end in table.end_dates:
        assert table.column(start).type == table.column(end).type == DATETIME


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda t: t.name)
def test_every_foreign_key_names_an_existing_column_of_the_same_type(table):
    for column in table.columns:
        if column.references:
            target_table, target_column = column.references.split(".")
            assert target_table in TABLES, column.name
            assert TABLES[target_table].column(target_column).type == column.type


@pytest.mark.parametrize(
    "table", [t for t in TABLES.values() if t.person and t.name != "ssd_person"], ids=lambda t: t.name
)
def test_every_person_column_refers_to_ssd_person(table):
    assert table.column(table.person).references == PERSON


@pytest.mark.parametrize(
    "column",
    [(t.name, c) for t in TABLES.values() for c in t.columns if c.codes],
    ids=lambda tc: f"{tc[0]}.{tc[1].name}",
)
def test_every_coded_column_names_an_existing_code_set(column):
    _, col = column
    assert col.codes in CODE_SETS
    if col.type == INT:
        # The validator compares an integer column's values as text, so its codes must be whole numbers.
        assert all(code.isdigit() for code in code_set(col.codes))
