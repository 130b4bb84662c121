"""Provenance: the schema publish checks against, and file-level provenance for an SSD extract."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st
from warehouse_data import model_table

from clearsight.formats.common.result import FormatResult, origin_table
from clearsight.model.provenance import ProvenanceError, provenance_rows, raw_values_json
from clearsight.sources import SourceFile
from clearsight.warehouse import PROVENANCE_SCHEMA, WarehouseError
from clearsight.warehouse.provenance import conform_provenance

AS_AT = date(2025, 3, 31)


def _provenance(tables: dict[str, pa.Table], raw: dict[str, pa.Table] | None = None) -> pa.Table:
    result = FormatResult("ssd")
    for name, table in tables.items():
        result.files[f"{name}.csv"] = SourceFile(f"{name}.csv", 0, "ab" * 32)
        rows = pa.array(np.arange(2, table.num_rows + 2))
        result.add(name, table, origin_table(f"{name}.csv", None, rows), (raw or {}).get(name))
    return result.provenance("926", AS_AT)


def test_one_row_per_canonical_row_with_file_hash_row_as_at_and_council() -> None:
    tables = {"ssd_person": model_table("ssd_person", 3), "ssd_cp_plans": model_table("ssd_cp_plans", 2)}
    provenance = _provenance(tables)
    assert provenance.schema == PROVENANCE_SCHEMA
    rows = provenance.to_pylist()
    assert [(r["table_name"], r["row_key"], r["source_row"]) for r in rows] == [
        ("ssd_person", "ssd_person-0", 2),
        ("ssd_person", "ssd_person-1", 3),
        ("ssd_person", "ssd_person-2", 4),
        ("ssd_cp_plans", "ssd_cp_plans-0", 2),
        ("ssd_cp_plans", "ssd_cp_plans-1", 3),
    ]
    assert {
        (r["source_format"], r["source_sha256"], r["as_at"], r["la_code"], r["superseded"]) for r in rows
    } == {("ssd", "ab" * 32, AS_AT, "926", False)}
    assert {r["source_file"] for r in rows} == {"ssd_person.csv", "ssd_cp_plans.csv"}
    assert all(r["raw_values"] is None and r["source_location"] is None for r in rows)
    assert conform_provenance(provenance).to_pylist() == rows


def test_raw_values_hold_only_the_cells_that_differ_from_the_stored_value() -> None:
    stored = pa.table(
        {
            "pers_person_id": ["1", "2", "3", "4"],
            "pers_sex": ["M", "F", None, None],
            "pers_dob": pa.array([date(2010, 1, 2), None, None, date(2011, 5, 6)]),
        }
    )
    raw = pa.table(
        {
            "pers_sex": ["M", "Female", "", "n/a"],
            "pers_dob": ["2010-01-02", None, "", "06/05/2011"],
        }
    )
    assert raw_values_json(stored, raw).to_pylist() == [
        None,
        '{"pers_sex":"Female"}',
        None,
        '{"pers_sex":"n/a","pers_dob":"06/05/2011"}',
    ]


@given(st.lists(st.tuples(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text())), max_size=20))
def test_raw_values_are_valid_json_for_any_text(pairs: list[tuple[str | None, str | None]]) -> None:
    stored = pa.table({"c": pa.array([s for s, _ in pairs], pa.string())})
    raw = pa.table({"c": pa.array([r for _, r in pairs], pa.string())})
    for (value, raw_value), result in zip(pairs, raw_values_json(stored, raw).to_pylist(), strict=True):
        same = value == raw_value or (value is None and raw_value in (None, ""))
        assert (None if result is None else json.loads(result)) == (None if same else {"c": raw_value})


def test_raw_values_for_a_whole_table_are_vectorised_and_aligned() -> None:
    person = model_table("ssd_person", 50_000)
    sex = person["pers_sex"].to_pylist()
    raw = pa.table({"pers_sex": [("raw " + s) if s == "Y" else s for s in (v or "" for v in sex)]})
    provenance = _provenance({"ssd_person": person}, raw={"ssd_person": raw})
    expected = [json.dumps({"pers_sex": "raw Y"}, separators=(",", ":")) if s == "Y" else None for s in sex]
    assert provenance["raw_values"].to_pylist() == expected


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.set_column(0, "table_name", pa.array(["ssd_nothing"] * t.num_rows)), "ssd_nothing"),
        (lambda t: t.set_column(2, "source_format", pa.array(["excel"] * t.num_rows)), "excel"),
        (
            lambda t: t.set_column(9, "la_code", pa.nulls(t.num_rows, pa.string())),
            "la_code must have a value",
        ),
        (
            lambda t: t.set_column(6, "source_row", pa.array(["x"] * t.num_rows)),
            "source_row cannot be stored",
        ),
    ],
)
def test_publish_refuses_provenance_outside_the_schema(change, message: str) -> None:
    provenance = _provenance({"ssd_person": model_table("ssd_person", 2)})
    with pytest.raises(WarehouseError, match=message):
        conform_provenance(change(provenance))


def test_mismatched_inputs_are_clear_errors() -> None:
    person = model_table("ssd_person", 2)
    with pytest.raises(ProvenanceError, match="2 rows but 1 origins"):
        provenance_rows(
            "ssd_person",
            person,
            origin_table("p.csv", None, pa.array([2])),
            source_format="ssd",
            files={"p.csv": SourceFile("p.csv", 0, "0" * 64)},
            la_code="926",
        )
    with pytest.raises(ProvenanceError, match="columns the table lacks: pers_colour"):
        _provenance({"ssd_person": person}, raw={"ssd_person": pa.table({"pers_colour": ["a", "b"]})})
