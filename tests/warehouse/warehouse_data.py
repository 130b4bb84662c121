"""Synthetic canonical tables for the warehouse tests, built fast with numpy (no Python loop per row)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.model import TABLES
from clearsight.model.schema import DATETIME, FLOAT, INT

AS_AT = date(2025, 3, 31)

WORDS = pa.array(["Y", "N", "NEG", "S", "Former Relevant", "1A", "U6", "Team A"])
EPOCH = np.datetime64("2020-01-01", "D")


def _column(rng: np.random.Generator, ssd_type: str, n: int) -> pa.Array:
    nulls = rng.random(n) < 0.1
    if ssd_type == DATETIME:
        values = pa.array(EPOCH + rng.integers(0, 2000, n), mask=nulls).cast(pa.date32())
    elif ssd_type == INT:
        values = pa.array(rng.integers(0, 1000, n), mask=nulls)
    elif ssd_type == FLOAT:
        values = pa.array(rng.random(n) * 100, mask=nulls)
    else:
        values = pc.take(WORDS, pa.array(rng.integers(0, len(WORDS), n), mask=nulls))
    return values


def model_table(name: str, n: int, seed: int = 0) -> pa.Table:
    """`n` rows of a model table: unique text keys ('<table>-<i>'), other columns random, 10% null."""
    table = TABLES[name]
    rng = np.random.default_rng(seed)
    columns = []
    for column in table.columns:
        if column.name == table.primary_key:
            numbers = pa.array(np.arange(n)).cast(pa.string())
            columns.append(pc.binary_join_element_wise(f"{name}-", numbers, ""))
        else:
            columns.append(_column(rng, column.type, n))
    return pa.Table.from_arrays(columns, schema=table.arrow_schema)


def model_tables(total_rows: int, seed: int = 0) -> dict[str, pa.Table]:
    """Every model table, `total_rows` spread evenly across them."""
    per_table = total_rows // len(TABLES)
    return {name: model_table(name, per_table, seed + i) for i, name in enumerate(TABLES)}


def file_provenance(tables: dict[str, pa.Table], la_code: str, as_at: date) -> pa.Table:
    """Provenance for `tables` as if each came from `<table>.csv` of an SSD extract."""
    from clearsight.formats.common.result import FormatResult, origin_table
    from clearsight.sources import SourceFile

    result = FormatResult("ssd")
    for i, (name, table) in enumerate(tables.items()):
        result.files[f"{name}.csv"] = SourceFile(f"{name}.csv", 0, f"{i:064x}")
        result.add(name, table, origin_table(f"{name}.csv", None, pa.array(np.arange(2, table.num_rows + 2))))
    return result.provenance(la_code, as_at)


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in a folder, by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def temp_folders(root: Path) -> list[Path]:
    """Every `.tmp-` folder under any council folder of `root`."""
    return sorted(root.glob("*/.tmp-*"))
