"""One recognised Annex A sheet's cells, checked and put in stored form (formats.md §1, §2.4, §2.6).

Each column is converted by its type in spec/lists.yml. Codes go through the common matcher
(formats/common/codes.py) with Annex A's synonyms (spec/values.yml); dates through the common casting
(formats/common/values.py), after the Annex A rules the common parser lacks: a time part after a
dd/mm/yyyy date is dropped, and a two-digit year is read with the POSIX pivot (00-68 → 2000s, 69-99 →
1900s) and reported, since only a person can tell 01/02/15 from 1915. Every cell that cannot be used
becomes NULL with an issue naming file, sheet, row and column; rows without a child id are skipped with
an error. The header itself is reported too: missing, extra and repeated columns, and derived columns
that are checked but not loaded.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.annex_a.files import Sheet
from clearsight.formats.annex_a.profiles import (
    ColumnSpec,
    Recognised,
    choices,
    matcher,
    normalise_value,
    values,
)
from clearsight.formats.common.codes import matcher_for, split_accommodation
from clearsight.formats.common.excel import cells_to_array
from clearsight.formats.common.issues import cell_issues
from clearsight.formats.common.result import origin_table
from clearsight.formats.common.values import cast_column
from clearsight.model.issues import ERROR, INFO, WARNING, Issue
from clearsight.model.schema import DATETIME, FLOAT, INT, NVARCHAR

_WITH_TIME = r"^(\d{1,2}/\d{1,2}/\d{2,4})[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$"
_TWO_DIGIT_YEARS = (
    (r"^(\d{1,2})/(\d{1,2})/([0-6]\d)$", r"\1/\2/20\3"),
    (r"^(\d{1,2})/(\d{1,2})/([7-9]\d)$", r"\1/\2/19\3"),
)
_POSTCODE = r"^[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$"
_SPACES = r"[\s\x{00a0}]+"

TEXT = pa.string()

# Problems, worded once so that issues can be counted by problem.
NOT_A_DATE = "not a date (dd/mm/yyyy); stored as empty"
TWO_DIGIT_YEAR = "two-digit year: 00-68 read as 20xx, 69-99 as 19xx; check it"
NOT_A_COUNT = "not a whole number of 0 or more"
NOT_AN_AGE = "not an age in years"
NOT_A_CODE = "not a known {set} value; stored as empty"
GROUP_ONLY = "an older template's group label with no {set} code; code stored as empty, label kept"
AMBIGUOUS = "names no single {set} code; stored as empty, value kept"
NOT_IN_ANNEX_A = "a {set} code that Annex A does not allow; stored as empty"
NOT_A_CHOICE = "not a value the template allows"
NOT_A_POSTCODE = "not a UK postcode; kept as found"
BLANK_REQUIRED = "blank, though the template requires a value"  # reported for loaded columns only
NO_CHILD = "no identifier in this row; row skipped"


@dataclass
class Cells:
    """A recognised sheet's rows: stored-form values and raw text by column key, with their origin."""

    recognised: Recognised
    file: str  # the file's name, a key of the reader's SourceFiles
    path: str  # the file's path, for issues
    location: str  # the sheet name, or `List N` for a csv file
    rows: pa.Array
    values: dict[str, pa.Array] = field(default_factory=dict)
    raw: dict[str, pa.Array] = field(default_factory=dict)

    @property
    def number(self) -> int:
        return self.recognised.spec.number

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, key: str, type_: pa.DataType = TEXT) -> pa.Array:
        """The column's stored-form values, or nulls when the sheet lacks it."""
        return self.values[key] if key in self.values else pa.nulls(len(self), type_)

    def origin(self) -> pa.Table:
        return origin_table(self.file, self.location, self.rows)

    def filter(self, keep: pa.Array) -> Cells:
        """The same sheet with only the rows where `keep` is true."""
        return Cells(
            self.recognised,
            self.file,
            self.path,
            self.location,
            self.rows.filter(keep),
            {k: v.filter(keep) for k, v in self.values.items()},
            {k: v.filter(keep) for k, v in self.raw.items()},
        )


class _Reporter:
    """Builds the issues of one sheet."""

    def __init__(self, sheet: Sheet, location: str, rows: pa.Array, keys: pa.Array) -> None:
        self.path, self.location, self.rows, self.keys = str(sheet.path), location, rows, keys
        self.issues: list[Issue] = []

    def cells(self, failed: pa.Array, spec: ColumnSpec, problem: str, raw: pa.Array, severity: str = ERROR):
        self.issues += cell_issues(
            failed,
            problem=problem,
            severity=severity,
            table=None,
            column=spec.name,
            file=self.path,
            rows=self.rows,
            keys=self.keys,
            values=raw,
            sheet=self.location,
        )

    def sheet(self, problem: str, severity: str, column: str | None = None) -> None:
        self.issues.append(Issue(problem, severity, column=column, file=self.path, sheet=self.location))


def _text(values: pa.Array) -> pa.Array:
    return cast_column(values, NVARCHAR)[0]


def _date(values: pa.Array, spec: ColumnSpec, report: _Reporter) -> pa.Array:
    if pa.types.is_date(values.type):
        return values
    text = pc.replace_substring_regex(_text(values), _WITH_TIME, r"\1")
    for pattern, replacement in _TWO_DIGIT_YEARS:
        short = pc.match_substring_regex(text, pattern).fill_null(False)
        report.cells(short, spec, TWO_DIGIT_YEAR, text, WARNING)
        text = pc.replace_substring_regex(text, pattern, replacement)
    dates, failed = cast_column(text, DATETIME)
    report.cells(failed, spec, NOT_A_DATE, values)
    return dates


def _number(values: pa.Array, spec: ColumnSpec, report: _Reporter) -> pa.Array:
    count = spec.type == "count"
    numbers, failed = cast_column(values, INT if count else FLOAT)
    negative = pc.less(numbers, 0).fill_null(False)
    failed = pc.or_(failed, negative)
    report.cells(failed, spec, NOT_A_COUNT if count else NOT_AN_AGE, values, ERROR if count else WARNING)
    return pc.if_else(negative, pa.scalar(None, numbers.type), numbers)


def _code(text: pa.Array, spec: ColumnSpec, report: _Reporter) -> pa.Array:
    """Codes by the common matcher; Annex A's blank, ambiguous, group and invalid values reported apart."""
    set_name = spec.codes or "yes_no"
    accepted = values(set_name)
    match = matcher(set_name)
    also = matcher_for(spec.yes_codes) if spec.yes_codes else None
    distinct = pc.unique(text).drop_null()
    codes, problems = [], []
    for value in distinct.to_pylist():
        normal = normalise_value(value)
        code, unknown = (None, False) if normal in accepted.blank else match.match_one(value)
        problem = None
        if normal in accepted.ambiguous:
            code, problem = None, (AMBIGUOUS, WARNING)
        elif code in accepted.invalid:
            code, problem = None, (NOT_IN_ANNEX_A, ERROR)
        elif unknown and also is not None and (also_code := also.match_one(value)[0]):
            # A disability code answers "Does the Child have a Disability" (Appendix A.1); NONE is no.
            code = "N" if also_code == "NONE" else "Y"
        elif unknown:
            grouped = normal in accepted.groups
            problem = (GROUP_ONLY, WARNING) if grouped else (NOT_A_CODE, ERROR)
        codes.append(code)
        problems.append(problem)
    position = pc.index_in(text, distinct)
    for problem in {p for p in problems if p}:
        flags = pa.array([p == problem for p in problems], pa.bool_())
        failed = pc.take(flags, position).fill_null(False)
        report.cells(failed, spec, problem[0].format(set=set_name.replace("_", " ")), text, problem[1])
    return pc.take(pa.array(codes, pa.string()), position)


def _choice(text: pa.Array, spec: ColumnSpec, report: _Reporter) -> pa.Array:
    allowed = choices(spec.choices)
    distinct = pc.unique(text).drop_null()
    bad = pa.array([normalise_value(v) not in allowed for v in distinct.to_pylist()], pa.bool_())
    report.cells(
        pc.take(bad, pc.index_in(text, distinct)).fill_null(False), spec, NOT_A_CHOICE, text, WARNING
    )
    return text


ACCOMMODATION = "accommodation"  # the code set whose values may carry a suitability digit (S2, §4.6)
DIGIT = "{key}_digit"  # where a split-off suitability digit is kept


def _convert(
    values: pa.Array, spec: ColumnSpec, report: _Reporter, cells: Cells
) -> tuple[pa.Array, pa.Array | None]:
    """(stored-form values, raw text where the conversion reduces the value, else None)."""
    kind = spec.type
    if kind == "date":
        return _date(values, spec, report), None
    if kind in ("count", "age"):
        return _number(values, spec, report), None
    text = _text(values)
    if kind == "name":
        return pc.utf8_trim_whitespace(pc.replace_substring_regex(text, _SPACES, " ")), text
    if spec.codes == ACCOMMODATION:
        letters, cells.values[DIGIT.format(key=spec.key)] = split_accommodation(text)
        return _code(letters, spec, report), text
    if kind in ("code", "yes_no"):
        return _code(text, spec, report), text
    if kind == "choice":
        return _choice(text, spec, report), text
    if kind == "postcode":
        bad = pc.invert(pc.match_substring_regex(text, _POSTCODE)).fill_null(False)
        report.cells(bad, spec, NOT_A_POSTCODE, text, WARNING)
    return text, None


def _report_header(recognised: Recognised, sheet: Sheet, report: _Reporter) -> None:
    spec, match = recognised.spec, recognised.match
    if recognised.by_name:
        report.sheet(f"recognised as {spec.sheet_name} by its name only: its columns do not fit", WARNING)
    for key in match.missing:
        report.sheet("required column missing; left empty", ERROR, spec.columns[key].name)
    for key in match.absent:
        report.sheet("column missing; left empty", WARNING, spec.columns[key].name)
    for position in match.extra:
        name = str(sheet.header[position]).strip() or f"(unnamed column {position + 1})"
        report.sheet(f"column not in the {spec.sheet_name} template; ignored", WARNING, name)
    for position in match.repeated:
        report.sheet(
            "column appears more than once; the first was read", WARNING, str(sheet.header[position])
        )
    derived = [spec.columns[k].name for k in match.columns if spec.columns[k].derived]
    if derived:
        report.sheet(
            "derived columns (counts, ages, flags) have no canonical home: checked, not loaded (§2.5)",
            INFO,
            "; ".join(derived),
        )


def convert(sheet: Sheet, recognised: Recognised) -> tuple[Cells, list[Issue]]:
    """The sheet's cells in stored form, and every issue found in its header and cells.

    Rows with no value in any of the list's columns are dropped without an issue (formatting below the
    data); rows with values but no identifier are dropped with one.
    """
    spec, match = recognised.spec, recognised.match
    found = {
        key: _array(sheet, position, dates=spec.columns[key].type == "date")
        for key, position in match.columns.items()
    }
    filled = _any_value(found.values(), len(sheet.rows))
    found = {key: values.filter(filled) for key, values in found.items()}
    rows = pa.array(sheet.rows, pa.int64()).filter(filled)
    id_key = spec.current.columns[0].key  # the child (or adopter) identifier comes first
    ids = _text(found[id_key]) if id_key in found else pa.nulls(len(rows), pa.string())
    location = sheet.name if sheet.name is not None else spec.sheet_name
    report = _Reporter(sheet, location, rows, ids)
    _report_header(recognised, sheet, report)
    cells = Cells(recognised, sheet.path.name, str(sheet.path), location, rows)
    for key, cells_found in found.items():
        column = spec.columns[key]
        stored, raw = _convert(cells_found, column, report, cells)
        if column.required and not column.derived and key != id_key:
            blank = pc.and_(pc.is_null(stored), pc.is_null(cells_found))
            report.cells(blank, column, BLANK_REQUIRED, cells_found, WARNING)
        cells.values[key] = stored
        if raw is not None:
            cells.raw[key] = raw
    has_id = pc.is_valid(ids)
    if id_key in found:
        report.cells(pc.invert(has_id), spec.columns[id_key], NO_CHILD, ids)
    return cells.filter(has_id), report.issues


def _any_value(columns, n: int) -> pa.Array:
    """Rows with a value in at least one of the columns."""
    filled = pa.array(np.zeros(n, bool))
    for column in columns:
        text = (
            column if not pa.types.is_string(column.type) else pc.if_else(pc.equal(column, ""), None, column)
        )
        filled = pc.or_(filled, pc.is_valid(text))
    return filled


def _array(sheet: Sheet, position: int, dates: bool = False) -> pa.Array:
    cells = sheet.columns[position]
    if sheet.excel:
        return cells_to_array(cells, dates=dates)
    text = pa.array(cells, pa.string())
    return pc.if_else(pc.equal(pc.utf8_trim_whitespace(text), ""), pa.scalar(None, pa.string()), text)
