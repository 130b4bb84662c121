"""Read an SSDA903 return (csv files or one XML file) into the canonical tables (formats.md §4).

`read(paths, *, la_code, limit_mb)` takes files or folders. Each csv is recognised by its columns,
not its name (`inputs.py`); an XML file is split into the same tables. The collection year is found
as `years.py` describes, and that year's spec (`spec/`) gives the columns and codes. Every cell is
typed (`cells.py`): a bad one becomes NULL with an issue naming the file, row and column. Rows that
repeat a table's natural key are not loaded (with an issue). Then each table is mapped:

- Header, UASC → ssd_person, ssd_immigration_status (`children.py`), with DOB/SEX cross-checks;
- Episodes → ssd_cla_episodes, ssd_cla_placement, ssd_legal_status (`episodes.py`, §4.13);
- AD1 + PlacedAdoption → ssd_permanence (`adoption.py`);
- Reviews, Missing, OC2, OC3, PrevPerm, SWEpisodes, DoLo (`events.py`).

`FormatResult.as_at` is 31 March of the collection year. Columns with no home in the canonical
tables (Episodes `HOME_POST`, Header `MC_DOB`, OC2's convictions, immunisations and substance misuse)
are reported once per file (info) and not stored.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.common.files import find_files
from clearsight.formats.common.result import FormatResult
from clearsight.formats.common.xml import parse
from clearsight.formats.ssda903 import inputs
from clearsight.formats.ssda903.adoption import add_permanence
from clearsight.formats.ssda903.build import drop_repeats
from clearsight.formats.ssda903.cells import combine, type_cells
from clearsight.formats.ssda903.children import add_immigration_status, add_persons, cross_check
from clearsight.formats.ssda903.episodes import CareHistory, add_legal_statuses, build_care
from clearsight.formats.ssda903.events import (
    add_missing,
    add_oc2,
    add_oc3,
    add_previous_permanence,
    add_reviews,
    add_social_workers,
    dolo_legal_statuses,
)
from clearsight.formats.ssda903.inputs import Found
from clearsight.formats.ssda903.spec import Spec, TableSpec, every_table, spec_for, year_bounds
from clearsight.formats.ssda903.years import detect_year
from clearsight.model import TABLES
from clearsight.model.issues import INFO, WARNING, Issue, UnusableInput
from clearsight.sources import describe_source

SOURCE_FORMAT = "ssda903"
UNMAPPED = {
    "Header": ("MC_DOB",),
    "Episodes": ("HOME_POST",),
    "OC2": (
        "CONVICTED",
        "IMMUNISATIONS",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ),
}


NOT_903 = "is not a csv or XML file, so it cannot be a 903 return"


def recognise(path: Path) -> bool:
    """True for a 903 csv table (by its columns) or a 903 XML file (by its root); reads only the start."""
    return inputs.recognise(Path(path))


def _open(paths: list[Path], limit_mb: float, issues: list[Issue]) -> list[Found]:
    found: list[Found] = []
    for path in paths:
        if path.suffix.lower() == ".xml":
            tables = inputs.xml_tables(parse(path, limit_mb=limit_mb), path)
            if not tables:
                issues.append(Issue("a 903 XML file with no children", WARNING, file=str(path)))
            found += tables
        elif (table := inputs.read_csv(path, limit_mb, issues)) is not None:
            found.append(table)
    return found


def _table_spec(name: str, spec: Spec) -> TableSpec:
    """The year's definition of a table, or its newest one when the year does not collect it."""
    return spec.tables.get(name) or every_table()[name]


def _empty(name: str, spec: Spec) -> pa.Table:
    """A typed table with no rows, for a table none of the files holds."""
    table = _table_spec(name, spec)
    cells = pa.table({c: pa.array([], pa.string()) for c in table.columns})
    return type_cells(Found(name, Path(name), cells, pa.array([], pa.int64()), name), table, spec, [])


def _filled(cells: pa.ChunkedArray) -> pa.ChunkedArray:
    return pc.not_equal(pc.utf8_trim_whitespace(cells), "")


def _typed(found: list[Found], spec: Spec, result: FormatResult) -> dict[str, pa.Table]:
    parts: dict[str, list[pa.Table]] = {}
    for item in found:
        table = _table_spec(item.table, spec)
        if item.table not in spec.tables:
            problem = f"the {spec.label} return has no {item.table} table; read with its newest columns"
            result.issues.append(Issue(problem, WARNING, table=item.table, file=str(item.path)))
        parts.setdefault(item.table, []).append(type_cells(item, table, spec, result.issues))
        if item.path.name not in result.files:
            result.files[item.path.name] = describe_source(item.path)
        for column in UNMAPPED.get(item.table, ()):
            if column in item.cells.column_names and pc.any(_filled(item.cells[column])).as_py():
                problem = "has no place in the canonical tables (formats.md §1); not stored"
                result.issues.append(
                    Issue(problem, INFO, table=item.table, column=column, file=str(item.path))
                )
    typed = {}
    for name, tables in parts.items():
        typed[name] = drop_repeats(combine(tables), _table_spec(name, spec).key, name, result.issues)
    return typed


def read(
    paths: Iterable[Path],
    *,
    la_code: str,
    limit_mb: float,
    collection_year: int | None = None,
    today: dt.date | None = None,
) -> FormatResult:
    """Read a 903 return from files or folders into canonical tables, with an issue for every problem.

    `collection_year` (2025 for 2024/25) overrides detection; `today` (default: the clock) is the
    latest date that may decide the year. Raises UnusableInput for input that cannot be used at all.
    """
    paths = list(map(Path, paths))
    result = FormatResult(SOURCE_FORMAT, la_code=la_code)
    files = find_files(paths, inputs.SUFFIXES, other_named=NOT_903)
    found = _open(files, limit_mb, result.issues)
    if not found:
        raise UnusableInput(", ".join(map(str, paths)), "holds no SSDA903 table (csv or XML)")
    year = detect_year(
        found, collection_year=collection_year, today=today or dt.date.today(), issues=result.issues
    )
    spec = spec_for(year)
    result.collection_year = year
    result.as_at = year_bounds(year)[1]
    typed = _typed(found, spec, result)
    _map(typed, spec, la_code, result)
    return result


def _map(typed: dict[str, pa.Table], spec: Spec, la_code: str, result: FormatResult) -> None:
    def table(name: str) -> pa.Table:
        return typed[name] if name in typed else _empty(name, spec)

    header = typed.get("Header")
    if header is not None:
        add_persons(header, result)
    for name, data in typed.items():
        if name != "Header":
            result.issues += cross_check(name, data, header)
    if header is None:
        result.issues.append(
            Issue(f"no Header table: the children have no ssd_person rows ({spec.label})", WARNING)
        )
    care = build_care(typed["Episodes"], la_code, result) if "Episodes" in typed else CareHistory.empty()
    legal = [care.legal] if "Episodes" in typed else []
    if "DoLo" in typed:
        legal.append(dolo_legal_statuses(typed["DoLo"]))
    if legal:
        add_legal_statuses(result, pa.concat_tables(legal), la_code)
    if "UASC" in typed:
        add_immigration_status(typed["UASC"], la_code, result)
    if "Reviews" in typed:
        add_reviews(typed["Reviews"], care.periods, la_code, result)
    if "Missing" in typed:
        add_missing(typed["Missing"], la_code, result)
    if "OC2" in typed:
        add_oc2(typed["OC2"], spec.collection_year, la_code, result)
    if "OC3" in typed:
        add_oc3(typed["OC3"], year_bounds(spec.collection_year)[1], la_code, result)
    if "PrevPerm" in typed:
        add_previous_permanence(typed["PrevPerm"], la_code, result)
    if "SWEpisodes" in typed:
        add_social_workers(typed["SWEpisodes"], la_code, result)
    if "AD1" in typed or "PlacedAdoption" in typed:
        episodes = result.tables.get("ssd_cla_episodes", TABLES["ssd_cla_episodes"].empty())
        add_permanence(table("AD1"), table("PlacedAdoption"), care, episodes, la_code, result)
