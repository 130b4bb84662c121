"""Read an SSD extract: one csv or Parquet file per canonical table, with no mapping (formats.md §6).

Table and column names are matched case-insensitively after trimming. A file named after a table
outside the model, or a column the model lacks, is reported (warning) and skipped. A model column
absent from its file is NULL, with one issue. A file without its primary key or person column
cannot be used. Every cell that cannot be read becomes NULL with an issue naming file, row and
column. csv rows are numbered as lines of the file (the header is line 1); Parquet rows from 1.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from clearsight.formats.common.codes import (
    ACCOMMODATION,
    ACCOMMODATION_DISAGREES,
    SUITABILITY,
    matcher_for,
    reconcile_suitability,
    split_accommodation,
)
from clearsight.formats.common.files import find_files
from clearsight.formats.common.issues import cell_issues
from clearsight.formats.common.limits import check_file_size
from clearsight.formats.common.result import FormatResult, origin_table
from clearsight.formats.common.values import cast_column
from clearsight.model import TABLES, Table
from clearsight.model.codes import code_set
from clearsight.model.issues import ERROR, WARNING, Issue, UnusableInput
from clearsight.sources import describe_source

SUFFIXES = (".csv", ".parquet")
SOURCE_FORMAT = "ssd"


def _csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


def _read_raw(path: Path) -> tuple[pa.Table, int]:
    """The file's cells as found, and the number of the first data row.

    csv cells are all read as text, so ids keep leading zeros and dates are never guessed.
    """
    try:
        if path.suffix.lower() == ".parquet":
            return pq.read_table(path), 1
        header = _csv_header(path)
        if not header:
            raise UnusableInput(str(path), "is empty: it has no header row")
        duplicated = sorted({name for name in header if header.count(name) > 1})
        if duplicated:
            raise UnusableInput(str(path), f"has the column {duplicated[0]!r} more than once")
        options = pacsv.ConvertOptions(
            column_types={name: pa.string() for name in header},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        return pacsv.read_csv(path, convert_options=options), 2
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as error:
        kind = path.suffix.lstrip(".")
        raise UnusableInput(str(path), f"cannot be read as {kind}: {error}") from error


def _csv_copy_of(csv_path: Path, parquet_path: Path) -> bool:
    """True when the two files are one table's csv and Parquet forms in the same folder."""
    return (
        csv_path.parent == parquet_path.parent
        and csv_path.suffix.lower() == ".csv"
        and parquet_path.suffix.lower() == ".parquet"
    )


def _table_for(path: Path) -> Table | None:
    return TABLES.get(path.stem.strip().lower())


def read_file(path: Path, table: Table, limit_mb: float, result: FormatResult) -> None:
    """Read one table's file into `result`, casting every column to the model's type."""
    check_file_size(path, limit_mb)
    raw, first_row = _read_raw(path)
    name = str(path)
    by_key = {c.strip().lower(): c for c in raw.column_names}
    for required in filter(None, (table.primary_key, table.person)):
        if required not in by_key:
            raise UnusableInput(name, f"has no {required} column, which the {table.name} table needs")
    for extra in sorted(set(by_key) - set(table.column_names)):
        result.issues.append(
            Issue(
                "column not in the model; skipped", WARNING, table=table.name, column=by_key[extra], file=name
            )
        )
    rows = pa.array(range(first_row, first_row + raw.num_rows), pa.int64())
    key_values = cast_column(raw[by_key[table.primary_key]], "nvarchar")[0]
    found = {}
    for column in table.columns:
        if column.name not in by_key:
            found[column.name] = pa.nulls(raw.num_rows, column.arrow_type)
            result.issues.append(
                Issue(
                    "column missing from the file; left empty",
                    WARNING,
                    table=table.name,
                    column=column.name,
                    file=name,
                )
            )
            continue
        source = raw[by_key[column.name]]
        values, failed = cast_column(source, column.type)
        problem = f"not a valid {column.type} value; stored as empty"
        if column.name == ACCOMMODATION:
            values, digits = split_accommodation(values)
        if column.codes and pa.types.is_string(values.type) and code_set(column.codes).closed:
            values, failed = matcher_for(column.codes).match(values)
            problem = f"not a known {column.codes.replace('_', ' ')} code; stored as empty"
        found[column.name] = values
        result.issues += cell_issues(
            failed,
            problem=problem,
            severity=ERROR,
            table=table.name,
            column=column.name,
            file=name,
            rows=rows,
            keys=key_values,
            values=source,
        )
    stored = pa.Table.from_arrays([found[c] for c in table.column_names], schema=table.arrow_schema)
    if ACCOMMODATION in by_key:
        stored, disagree = reconcile_suitability(stored, digits)
        result.issues += cell_issues(
            disagree,
            problem=ACCOMMODATION_DISAGREES,
            severity=WARNING,
            table=table.name,
            column=SUITABILITY,
            file=name,
            rows=rows,
            keys=key_values,
        )
    source = describe_source(path)
    result.files[source.name] = source
    result.add(table.name, stored, origin_table(source.name, None, rows))


def read(paths: Iterable[Path], *, limit_mb: float, la_code: str = "") -> FormatResult:
    """Read an SSD extract from files or folders. Raises UnusableInput for a file that cannot be used.

    `la_code` is accepted as every reader's is, and not needed: an extract keeps its own ids (§6).
    """
    result = FormatResult(SOURCE_FORMAT)
    files = find_files(paths, SUFFIXES)
    if not files:
        raise UnusableInput(", ".join(str(p) for p in paths), "holds no csv or Parquet files")
    chosen: dict[str, Path] = {}
    for path in files:
        table = _table_for(path)
        if table is None:
            result.issues.append(
                Issue("file is not named after a canonical table; skipped", WARNING, file=str(path))
            )
        elif table.name not in chosen:
            chosen[table.name] = path
        elif _csv_copy_of(path, chosen[table.name]) or _csv_copy_of(chosen[table.name], path):
            # `clearsight synth --csv` writes both forms side by side: read the typed Parquet.
            parquet, copy = sorted((path, chosen[table.name]), key=lambda p: p.suffix.lower() != ".parquet")
            chosen[table.name] = parquet
            result.issues.append(
                Issue(
                    f"csv copy of {parquet.name}; the Parquet file was read",
                    WARNING,
                    table=table.name,
                    file=str(copy),
                )
            )
        else:
            raise UnusableInput(
                str(path), f"is a second file for {table.name} (the first is {chosen[table.name]})"
            )
    for name, path in chosen.items():
        read_file(path, TABLES[name], limit_mb, result)
    if not result.tables:
        raise UnusableInput(", ".join(str(p) for p in paths), "holds no file named after a canonical table")
    return result


def recognise(path: Path) -> bool:
    """True for a csv or Parquet file named like an SSD or ext_ table (formats.md §6).

    Files named after SSD tables outside the model (`ssd_address.csv`) are recognised too, so that
    the reader reports and skips them.
    """
    stem = path.stem.strip().lower()
    return path.suffix.lower() in SUFFIXES and (stem.startswith(("ssd_", "ext_")) or stem in TABLES)
