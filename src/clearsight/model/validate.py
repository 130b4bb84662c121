"""Validation of canonical tables: report every broken rule as an `Issue`, and never change a row.

`validate` checks a set of canonical tables (the SSD tables and the `ext_` tables of `model/`) against the
model's declarations, as SQL in an in-process DuckDB over the Arrow tables (so a county-sized set of about
2 million rows takes seconds). It reads the tables; it never drops, alters or reorders a row.
`summarise` counts the issues for the CLI's data-quality summary.

Checks and severities (error unless said otherwise):

- **Shape.** A table the model does not declare (warning; not checked further). A declared column missing
  from a table, or stored as an Arrow type other than the declared one (one issue per column; the value
  names the type found). An undeclared column (warning). A missing or wrongly typed column takes no part
  in the checks below; the issue about it says so.
- **Primary keys.** A blank key (one issue per row). A key shared by several rows: one issue per key, the
  value being the number of rows and `row` the first of them. If those rows are identical the issue is a
  warning, because the indicator engine collapses exact duplicates; if they differ it is an error, because
  they are a load error there (indicators.md §2.7).
- **Foreign keys.** A non-blank value not found in the referenced column (which need not be unique, e.g.
  `clae_cla_id`). When the referenced table was not supplied, one warning per column that holds values.
- **Codes.** A non-blank value outside the column's code set (`model/codes.py`). Open sets (`closed: false`,
  the professional roles an SSD extract carries as CMS labels, indicators.md §1.4 D7) are not checked.
- **Date order.** An end date before its start date (`Table.end_dates`).
- **Future dates** (warning). A date after the as-at date in any date column except the planned dates in
  `PLANNED_DATES`: indicators.md §2.6 rule 3 reads a future date as an event that has not yet happened, so
  the row is usable, but it usually means a typing error.
- **Implausible age.** The person's age in completed years (indicators.md §2.4) at the table's `max_age`
  date is greater than the limit: a CP plan starting for a 25-year-old. An age equal to the limit is
  allowed, since records run past the 18th birthday (indicators.md §1.4 D9). Rows whose person has no
  date of birth are not judged. When `ssd_person` was not supplied, one warning per table with rows.

Tables absent from the input are not reported: the caller says which tables it has, and a check that
needs an absent table says it could not run. Every row-level issue names the table, the primary-key
value (`key`), the column, the offending value as text, and `row`, the row's 1-based position in its
table, which is the only handle on a row whose key is blank or shared.

Must not import Django or any layer above the model (formats, warehouse, indicators, web).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.model import TABLES
from clearsight.model.codes import code_set
from clearsight.model.issues import ERROR, SEVERITIES, WARNING, Issue
from clearsight.model.schema import DATETIME, Table

# Dates of things planned rather than done, which are expected to lie after the as-at date.
PLANNED_DATES = frozenset(
    {"cppr_cp_review_due", "clar_cla_review_due_date", "icpc_icpc_target_date", "pers_expected_dob"}
)

UNKNOWN_TABLE = "Not a table of the canonical model, so it was not checked."
MISSING_COLUMN = "The column is missing from the table."
EXTRA_COLUMN = "Not a column of the canonical model, so it was not checked."
WRONG_TYPE = "The column has the wrong type (the value is the type found), so its values were not checked."
BLANK_KEY = "The primary key is blank."
DUPLICATE_KEY = "Different rows share this primary key (the value is how many)."
REPEATED_ROW = "Identical rows repeat this primary key and will count once (the value is how many)."
ORPHAN = "Refers to a record that is not in {target}."
TARGET_ABSENT = "Not checked: the referenced table {table} was not supplied."
UNKNOWN_CODE = "Not a valid code for this column (code set {code_set})."
END_BEFORE_START = "The end date is before the start date in {start}."
FUTURE_DATE = "The date is after the as-at date, so it counts as not yet happened."
TOO_OLD = "The person is older than {limit} on this date, which is implausible for this table."
PERSON_ABSENT = "Not checked: ssd_person was not supplied, so ages are unknown."

PERSON_DOB = "_person_dob"  # DuckDB table: each person's latest date of birth


@dataclass(frozen=True)
class IssueCount:
    """How many issues share a table, column, problem and severity."""

    severity: str
    file: str | None
    table: str | None
    column: str | None
    problem: str
    count: int


@dataclass(frozen=True)
class _Probe:
    """One check as SQL returning (row, key, value) for each offending row, plus what the issue says."""

    sql: str
    column: str | None
    problem: str
    severity: str = ERROR


def validate(tables: Mapping[str, pa.Table], as_at: datetime.date) -> list[Issue]:
    """Check canonical tables against the model and return every issue found.

    `tables` maps table names to Arrow tables (any subset of the model); `as_at` is the snapshot date that
    future dates are judged against. The tables are only read.
    """
    issues: list[Issue] = []
    usable: dict[str, set[str]] = {}  # table → its columns present with the declared type
    for name, data in tables.items():
        if name in TABLES:
            usable[name] = _check_shape(TABLES[name], data.schema, issues)
        else:
            issues.append(Issue(UNKNOWN_TABLE, WARNING, table=name))
    evidence = _Evidence(tables, usable)
    rows = {name: _row_column(tables[name]) for name in usable}
    planned = {
        name: _probes(TABLES[name], columns, usable, as_at, rows[name], evidence)
        for name, columns in usable.items()
    }
    if not any(planned.values()):
        return issues  # Arrow showed that no probe could find anything, so DuckDB is not needed
    with duckdb.connect() as con:
        for name in usable:
            con.register(name, _with_positions(tables[name], rows[name]))
        if {"pers_person_id", "pers_dob"} <= usable.get("ssd_person", set()):
            # The latest birth date per person, computed once for every table's age check.
            con.execute(
                f"CREATE TABLE {PERSON_DOB} AS SELECT pers_person_id, max(pers_dob) AS pers_dob "
                "FROM ssd_person GROUP BY pers_person_id"
            )
        for name, probes in planned.items():
            issues.extend(_run(con, TABLES[name], probes))
    return issues


def summarise(issues: Iterable[Issue]) -> list[IssueCount]:
    """Count issues by severity, file, table, column and problem: worst severity first, then the largest."""
    counts = Counter((i.severity, i.file, i.table, i.column, i.problem) for i in issues)
    rows = [IssueCount(*key, count=n) for key, n in counts.items()]
    return sorted(
        rows,
        key=lambda c: (
            SEVERITIES.index(c.severity),
            -c.count,
            c.file or "",
            c.table or "",
            c.column or "",
            c.problem,
        ),
    )


def _check_shape(table: Table, schema: pa.Schema, issues: list[Issue]) -> set[str]:
    """Report missing, wrongly typed and undeclared columns; return the columns fit for the value checks."""
    declared = set(table.column_names)
    usable = set()
    for column in table.columns:
        index = schema.get_field_index(column.name)
        if index < 0:
            issues.append(Issue(MISSING_COLUMN, ERROR, table=table.name, column=column.name))
        elif (found := schema.field(index).type) != column.arrow_type:
            value = f"{found} (expected {column.arrow_type})"
            issues.append(Issue(WRONG_TYPE, ERROR, table=table.name, column=column.name, value=value))
        else:
            usable.add(column.name)
    for name in schema.names:
        if name not in declared:
            issues.append(Issue(EXTRA_COLUMN, WARNING, table=table.name, column=name))
    return usable


def _row_column(data: pa.Table) -> str:
    """A name for the extra column of row positions that no column of the table has."""
    row_column = "_row"
    while row_column in data.schema.names:
        row_column += "_"
    return row_column


def _with_positions(data: pa.Table, row_column: str) -> pa.Table:
    """The table with its 1-based row positions in an extra column.

    The new Arrow table shares the caller's buffers, so the caller's table is untouched.
    """
    positions = pa.array(np.arange(1, data.num_rows + 1, dtype=np.int64))
    return data.append_column(row_column, positions)


class _Evidence:
    """What Arrow shows of the tables, to leave out SQL probes that cannot find anything.

    Each check answers True only when no row can offend; for column types whose Arrow comparison might
    differ from DuckDB's it answers False, and the SQL probe decides. Each probe costs DuckDB several
    milliseconds however small the table, and on clean data nearly every probe finds nothing.
    """

    def __init__(self, tables: Mapping[str, pa.Table], usable: Mapping[str, set[str]]) -> None:
        self.tables = tables
        self.usable = usable
        self.targets: dict[str, pa.Array] = {}  # referenced columns' distinct values
        self.births: pa.Table | None = None  # each person's latest date of birth

    def all_found(self, values: pa.ChunkedArray, references: str) -> bool:
        """Whether every non-blank value is in the referenced column, so no value is an orphan.

        Only for the same type on both sides, and types whose Arrow equality is DuckDB's (text compared
        byte by byte, integers, dates).
        """
        target_table, target_column = references.split(".")
        if target_column not in self.usable.get(target_table, set()):
            return False
        target = self.tables[target_table][target_column]
        if values.type != target.type or not _comparable(values.type):
            return False
        present = values.drop_null()
        if not len(present):
            return True
        if references not in self.targets:
            self.targets[references] = pc.unique(target.drop_null())
        return pc.all(pc.is_in(present, value_set=self.targets[references])).as_py()

    @staticmethod
    def all_codes(values: pa.ChunkedArray, allowed: pa.Array) -> bool:
        """Whether every non-blank value, as text, is one of the allowed codes."""
        if not (pa.types.is_string(values.type) or pa.types.is_integer(values.type)):
            return False
        present = values.drop_null()
        return not len(present) or pc.all(pc.is_in(present.cast(pa.string()), value_set=allowed)).as_py()

    @staticmethod
    def none_after(values: pa.ChunkedArray, as_at: datetime.date) -> bool:
        """Whether no date is after the as-at date."""
        if values.type != pa.date32():
            return False
        latest = pc.max(values).as_py()
        return latest is None or latest <= as_at

    @staticmethod
    def none_before(end: pa.ChunkedArray, start: pa.ChunkedArray) -> bool:
        """Whether no end date is before its start date."""
        if not end.type == start.type == pa.date32():
            return False
        return not pc.any(pc.less(end, start)).as_py()

    def none_older(self, data: pa.Table, person: str, date_column: str, limit: int) -> bool:
        """Whether nobody is older than `limit` at the date, judged by the latest birth date.

        Ages in completed years as the SQL probe counts them (indicators.md §2.4).
        """
        people = self.tables["ssd_person"]
        if not (
            data[person].type == people["pers_person_id"].type
            and data[date_column].type == people["pers_dob"].type == pa.date32()
        ):
            return False
        if self.births is None:
            self.births = people.group_by("pers_person_id").aggregate([("pers_dob", "max")])
        ids, dobs = self.births["pers_person_id"], self.births["pers_dob_max"]
        born = pc.take(dobs, pc.index_in(data[person], value_set=ids.combine_chunks(), skip_nulls=True))
        when = data[date_column]
        before_birthday = pc.less(_month_day(when), _month_day(born))
        ages = pc.subtract(pc.years_between(born, when), pc.cast(before_birthday, pa.int64()))
        oldest = pc.max(ages).as_py()
        return oldest is None or oldest <= limit


def _month_day(dates: pa.ChunkedArray) -> pa.ChunkedArray:
    """Each date's month and day as one comparable number (29 February is 229)."""
    return pc.add(pc.multiply(pc.month(dates), 100), pc.day(dates))


def _comparable(kind: pa.DataType) -> bool:
    """Whether Arrow's equality on the type is DuckDB's."""
    return pa.types.is_string(kind) or pa.types.is_integer(kind) or kind == pa.date32()


def _probes(
    table: Table,
    columns: set[str],
    usable: Mapping[str, set[str]],
    as_at: datetime.date,
    row: str,
    evidence: _Evidence,
) -> list[_Probe]:
    """The SQL checks for one table, given which of its columns (and of other tables') are usable.

    Every probe reads the table as `t`; `head` selects the row position and the key. A probe that the
    Arrow data shows cannot find anything (no blank key, no repeated key, every reference found, every
    code known, no date out of place, nobody too old) is left out.
    """
    data = evidence.tables[table.name]
    all_columns = data.schema.names
    source = f"FROM {_q(table.name)} AS t"
    pk = f"t.{_q(table.primary_key)}"
    key = f"CAST({pk} AS VARCHAR)" if table.primary_key in columns else "NULL"
    head = f"SELECT t.{_q(row)}, {key}"
    probes = []
    keys = data[table.primary_key] if table.primary_key in columns else None
    if keys is not None and keys.null_count:
        probes.append(_Probe(f"{head}, NULL {source} WHERE {pk} IS NULL", table.primary_key, BLANK_KEY))
    if keys is not None and _repeats(keys):
        content = ", ".join(f"t.{_q(c)}" for c in all_columns)
        # Only keys that repeat are grouped again to compare whole rows, which keeps this cheap.
        grouped = (
            f"SELECT min(t.{_q(row)}), {key}, CAST(count(*) AS VARCHAR) {source} WHERE {pk} IN "
            f"(SELECT {pk} {source} GROUP BY {pk} HAVING count(*) > 1) "
            f"GROUP BY {pk} HAVING count(DISTINCT row({content}))"
        )
        probes.append(_Probe(f"{grouped} > 1", table.primary_key, DUPLICATE_KEY))
        probes.append(_Probe(f"{grouped} = 1", table.primary_key, REPEATED_ROW, WARNING))
    for column in table.columns:
        if column.name not in columns:
            continue
        col = f"t.{_q(column.name)}"
        if column.references:
            found = evidence.all_found(data[column.name], column.references)
            probes.extend(_reference_probes(column.name, column.references, usable, head, source, found))
        if (
            column.codes
            and (codes := code_set(column.codes)).closed
            and not evidence.all_codes(data[column.name], pa.array(list(codes), pa.string()))
        ):
            allowed = ", ".join(_literal(c) for c in codes)
            value = f"CAST({col} AS VARCHAR)"
            sql = f"{head}, {value} {source} WHERE {value} NOT IN ({allowed})"
            probes.append(_Probe(sql, column.name, UNKNOWN_CODE.format(code_set=codes.name)))
        if (
            column.type == DATETIME
            and column.name not in PLANNED_DATES
            and not evidence.none_after(data[column.name], as_at)
        ):
            sql = f"{head}, CAST({col} AS VARCHAR) {source} WHERE {col} > DATE '{as_at.isoformat()}'"
            probes.append(_Probe(sql, column.name, FUTURE_DATE, WARNING))
    for start, end in table.end_dates:
        if {start, end} <= columns and not evidence.none_before(data[end], data[start]):
            s, e = f"t.{_q(start)}", f"t.{_q(end)}"
            value = f"CAST({e} AS VARCHAR) || ' (start ' || CAST({s} AS VARCHAR) || ')'"
            probes.append(
                _Probe(f"{head}, {value} {source} WHERE {e} < {s}", end, END_BEFORE_START.format(start=start))
            )
    if table.max_age and {table.person, table.max_age[0]} <= columns:
        probes.extend(_age_probes(table, usable, head, source, evidence))
    return probes


def _reference_probes(
    column: str,
    references: str,
    usable: Mapping[str, set[str]],
    head: str,
    source: str,
    all_found: bool,
) -> list[_Probe]:
    """The orphan check for one foreign-key column; the referenced column need not be unique."""
    target_table, target_column = references.split(".")
    col = f"t.{_q(column)}"
    if target_table not in usable:
        sql = f"SELECT NULL, NULL, NULL {source} WHERE {col} IS NOT NULL LIMIT 1"
        return [_Probe(sql, column, TARGET_ABSENT.format(table=target_table), WARNING)]
    if target_column not in usable[target_table]:
        return []  # the shape issue on the referenced table already says the column could not be used
    if all_found:
        return []  # every value is in the referenced column, so the probe would find nothing
    sql = (
        f"{head}, {col} {source} WHERE {col} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {_q(target_table)} AS u WHERE u.{_q(target_column)} = {col})"
    )
    return [_Probe(sql, column, ORPHAN.format(target=references))]


def _repeats(keys: pa.ChunkedArray) -> bool:
    """Whether some non-blank key occurs more than once."""
    return pc.count_distinct(keys, mode="only_valid").as_py() < len(keys) - keys.null_count


def _age_probes(
    table: Table, usable: Mapping[str, set[str]], head: str, source: str, evidence: _Evidence
) -> list[_Probe]:
    """The implausible-age check: completed years at the date, as indicators.md §2.4 counts them.

    A person with several rows (a duplicate key, reported on its own) is judged by the latest birth date.
    """
    date_column, limit = table.max_age
    if "ssd_person" not in usable:
        return [_Probe(f"SELECT NULL, NULL, NULL {source} LIMIT 1", date_column, PERSON_ABSENT, WARNING)]
    if not {"pers_person_id", "pers_dob"} <= usable["ssd_person"]:
        return []  # the shape issue on ssd_person already says these columns could not be used
    if evidence.none_older(evidence.tables[table.name], table.person, date_column, limit):
        return []
    d, dob = f"t.{_q(date_column)}", "p.pers_dob"
    age = (
        f"(year({d}) - year({dob}) - CASE WHEN month({d}) < month({dob}) OR "
        f"(month({d}) = month({dob}) AND day({d}) < day({dob})) THEN 1 ELSE 0 END)"
    )
    value = f"'age ' || CAST({age} AS VARCHAR) || ' (born ' || CAST({dob} AS VARCHAR) || ')'"
    sql = (
        f"{head}, {value} {source} JOIN {PERSON_DOB} AS p ON p.pers_person_id = t.{_q(table.person)} "
        f"WHERE {age} > {limit}"
    )
    return [_Probe(sql, date_column, TOO_OLD.format(limit=limit))]


def _run(con: duckdb.DuckDBPyConnection, table: Table, probes: list[_Probe]) -> list[Issue]:
    """Run one table's probes as a single query and turn each result row into an issue."""
    if not probes:
        return []
    union = " UNION ALL ".join(
        f"SELECT {i} AS probe, * FROM ({p.sql}) AS p{i}(r, k, v)" for i, p in enumerate(probes)
    )
    rows = con.execute(f"SELECT * FROM ({union}) ORDER BY probe, r").fetchall()
    return [
        Issue(
            probes[i].problem,
            probes[i].severity,
            table=table.name,
            key=k,
            column=probes[i].column,
            value=v,
            row=r,
        )
        for i, r, k, v in rows
    ]


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
