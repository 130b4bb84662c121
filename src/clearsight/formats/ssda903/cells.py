"""Every cell of a 903 table read by its column's type in the year's spec; a bad cell is NULL plus an issue.

formats.md §2.4, §4.0. Dates are strictly dd/mm/yyyy (a day or month may have one digit); ISO dates,
two-digit years and impossible dates (31/02/2024) are refused. `PrevPerm.DATE_PERM` may be partial
(`zz/05/2020`) and stays text. Codes are matched with the common matcher (any case, the year's
synonyms such as SEX `1` → `M`) and must be codes the collection year allows. A date after the end of
the collection year is kept with a warning (some columns, such as UASC `DUC`, may be in the future).

The typed table has, per spec column, the stored value and `raw_<column>` (the cell as found, for
provenance), plus where each row came from: `_file` (name), `_path`, `_location`, `_sheet`, `_row`.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.common.codes import matcher_for
from clearsight.formats.common.issues import cell_issues
from clearsight.formats.common.values import cast_column
from clearsight.formats.ssda903.inputs import Found
from clearsight.formats.ssda903.spec import ColumnSpec, Spec, TableSpec, year_bounds
from clearsight.model.issues import ERROR, WARNING, Issue, UnusableInput
from clearsight.model.schema import DATETIME, INT, NVARCHAR

CHILD = "CHILD"
PLACES = ("_file", "_path", "_location", "_sheet", "_row")
_UK_DATE = r"^\d{1,2}/\d{1,2}/\d{4}$"
_PARTIAL_DATE = r"^(?:\d{2}/\d{2}/\d{4}|zz/\d{2}/\d{4}|zz/zz/\d{4}|zz/zz/zzzz)$"

Failures = list[tuple[pa.Array, str, str]]  # (failed, problem, severity)


def report(
    data: pa.Table,
    failed: pa.Array,
    *,
    problem: str,
    severity: str,
    table: str,
    column: str | None,
    values: pa.Array | None = None,
) -> list[Issue]:
    """Issues for the rows of a typed table where `failed` is true, naming each row's own file and row."""
    if not pc.any(failed).as_py():
        return []
    issues: list[Issue] = []
    for path in pc.unique(pc.filter(data["_path"], failed)).to_pylist():
        here = pc.and_(failed, pc.equal(data["_path"], path)).combine_chunks()
        sheet = pc.filter(data["_sheet"], here)[0].as_py()
        issues += cell_issues(
            here,
            problem=problem,
            severity=severity,
            table=table,
            column=column,
            file=path,
            sheet=sheet,
            rows=data["_row"].combine_chunks(),
            keys=data[CHILD].combine_chunks(),
            values=values,
        )
    return issues


def _text(raw: pa.Array) -> pa.Array:
    return cast_column(raw, NVARCHAR)[0]


def strict_dates(raw: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(dates, trimmed text, shaped) for cells that must be dd/mm/yyyy; others are NULL dates."""
    text = _text(raw)
    shaped = pc.match_substring_regex(text, _UK_DATE)
    return cast_column(pc.if_else(shaped, text, None), DATETIME)[0], text, shaped


def _dates(raw: pa.Array) -> tuple[pa.Array, Failures]:
    parsed, text, shaped = strict_dates(raw)
    wrong_shape = pc.and_(pc.is_valid(text), pc.invert(shaped.fill_null(False)))
    impossible = pc.and_(shaped.fill_null(False), pc.is_null(parsed))
    return parsed, [
        (wrong_shape, "not a date written dd/mm/yyyy; stored as empty", ERROR),
        (impossible, "not a real date; stored as empty", ERROR),
    ]


def _partial_dates(raw: pa.Array) -> tuple[pa.Array, Failures]:
    text = pc.utf8_lower(_text(raw))
    shaped = pc.match_substring_regex(text, _PARTIAL_DATE).fill_null(False)
    full = pc.match_substring_regex(text, r"^\d").fill_null(False)
    real = pc.is_valid(cast_column(pc.if_else(full, text, None), DATETIME)[0])
    month_text = pc.utf8_slice_codeunits(pc.if_else(pc.match_substring(text, "zz/zz"), None, text), 3, 5)
    month = cast_column(month_text, INT)[0]
    month_ok = pc.and_kleene(pc.greater_equal(month, 1), pc.less_equal(month, 12)).fill_null(True)
    ok = pc.and_(pc.and_(shaped, month_ok), pc.or_(pc.invert(full), real))
    bad = pc.and_(pc.is_valid(text), pc.invert(ok))
    problem = "not a date written dd/mm/yyyy, zz/mm/yyyy, zz/zz/yyyy or zz/zz/zzzz; stored as empty"
    return pc.if_else(ok, text, None), [(bad, problem, ERROR)]


def _integers(raw: pa.Array, spec: ColumnSpec) -> tuple[pa.Array, Failures]:
    values, failed = cast_column(raw, INT)
    low = spec.min if spec.min is not None else -(2**62)
    high = spec.max if spec.max is not None else 2**62
    outside = pc.or_(pc.less(values, low), pc.greater(values, high)).fill_null(False)
    return pc.if_else(outside, None, values), [
        (failed, "not a whole number; stored as empty", ERROR),
        (outside, f"outside {spec.min}–{spec.max}; stored as empty", ERROR),
    ]


def _none_codes(text: pa.Array, spec: ColumnSpec) -> pa.Array:
    empty = [code for code, stored in spec.codes.items() if stored is None]
    if not empty:
        return text
    return pc.if_else(pc.is_in(pc.utf8_upper(text), pa.array(empty)), None, text)


def _codes(raw: pa.Array, spec: ColumnSpec, label: str) -> tuple[pa.Array, Failures]:
    text = _none_codes(_text(raw), spec)
    synonyms = {code: stored for code, stored in spec.codes.items() if stored not in (None, code)}
    codes, unknown = matcher_for(spec.code_set, synonyms).match(text)
    other_year = pc.and_(pc.is_valid(codes), pc.invert(pc.is_in(codes, pa.array(sorted(spec.stored_codes)))))
    return pc.if_else(other_year, None, codes), [
        (unknown, f"not one of the {spec.name} codes; stored as empty", ERROR),
        (other_year, f"not one of the {label} {spec.name} codes; stored as empty", ERROR),
    ]


def _accommodation(raw: pa.Array, spec: ColumnSpec, label: str) -> tuple[pa.Array, Failures]:
    text = _none_codes(pc.utf8_upper(_text(raw)), spec)
    allowed = pc.is_in(text, pa.array([c for c, stored in spec.codes.items() if stored is not None]))
    bad = pc.and_(pc.is_valid(text), pc.invert(allowed))
    problem = f"not one of the {label} {spec.name} codes; stored as empty"
    return pc.if_else(bad, None, text), [(bad, problem, ERROR)]


def _typed(raw: pa.Array, spec: ColumnSpec, label: str) -> tuple[pa.Array, Failures]:
    if spec.type == "date":
        return _dates(raw)
    if spec.type == "partial_date":
        return _partial_dates(raw)
    if spec.type == "integer":
        return _integers(raw, spec)
    if spec.type == "code":
        return _codes(raw, spec, label)
    if spec.type == "accommodation":
        return _accommodation(raw, spec, label)
    text = _text(raw)
    if spec.placeholders:
        text = pc.if_else(pc.is_in(pc.utf8_upper(text), pa.array(spec.placeholders)), None, text)
    return text, []


def _places(found: Found, n: int) -> dict[str, pa.Array]:
    def same(value: str | None) -> pa.Array:
        return pa.array([value] * n, pa.string())

    return {
        "_file": same(found.path.name),
        "_path": same(str(found.path)),
        "_location": same(found.location),
        "_sheet": same(found.sheet),
        "_row": found.rows,
    }


def type_cells(found: Found, table: TableSpec, spec: Spec, issues: list[Issue]) -> pa.Table:
    """The typed table for one file's rows, appending an issue for every cell that could not be used.

    Raises UnusableInput when the file lacks a column of the table's natural key.
    """
    path, label = str(found.path), spec.label
    present = set(found.cells.column_names)
    for column in table.key:
        if column not in present:
            raise UnusableInput(path, f"has no {column} column, which identifies each {table.name} row")
    for extra in sorted(present - set(table.columns)):
        problem = f"not a column of the {label} {table.name} table; skipped"
        issues.append(Issue(problem, WARNING, table=table.name, column=extra, file=path))
    n = found.cells.num_rows
    columns = _places(found, n)
    raws = {
        c: found.cells[c].combine_chunks() if c in present else pa.nulls(n, pa.string())
        for c in table.columns
    }
    columns[CHILD] = _text(raws[CHILD])
    data = pa.table(columns)
    end = year_bounds(spec.collection_year)[1]
    for name, column in table.columns.items():
        if name not in present:
            needs = f", which the {label} return requires" if column.required else ""
            problem = f"the file has no {name} column{needs}; left empty"
            severity = ERROR if column.required else WARNING
            issues.append(Issue(problem, severity, table=table.name, column=name, file=path))
            data = data.append_column(name, pa.nulls(n, _ARROW[column.type]))
            data = data.append_column(f"raw_{name}", pa.nulls(n, pa.string()))
            continue
        values, failures = _typed(raws[name], column, label) if name != CHILD else (columns[CHILD], [])
        raw = _text(raws[name])
        if column.required and name != CHILD:
            failures.append((pc.is_null(raw), f"blank, but the {label} return requires it", ERROR))
        if column.type == "date" and not column.future:
            late = pc.greater(values, pa.scalar(end, pa.date32())).fill_null(False)
            problem = f"after the end of the {label} collection year ({end:%d/%m/%Y}); kept"
            failures.append((late, problem, WARNING))
        for failed, problem, severity in failures:
            issues += report(
                data, failed, problem=problem, severity=severity, table=table.name, column=name, values=raw
            )
        if name != CHILD:
            data = data.append_column(name, values)
        data = data.append_column(f"raw_{name}", raw)
    no_child = pc.is_null(data[CHILD]).combine_chunks()
    problem = "no CHILD, so the row cannot belong to a child; row skipped"
    issues += report(data, no_child, problem=problem, severity=ERROR, table=table.name, column=CHILD)
    return data.filter(pc.invert(no_child))


_ARROW = {
    "text": pa.string(),
    "date": pa.date32(),
    "partial_date": pa.string(),
    "integer": pa.int64(),
    "code": pa.string(),
    "accommodation": pa.string(),
}


def combine(parts: list[pa.Table]) -> pa.Table:
    """One typed table from several files' typed tables of the same 903 table."""
    return pa.concat_tables(parts, promote_options="default")
