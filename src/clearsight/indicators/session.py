"""The DuckDB session every indicator runs in: the canonical tables, the run's parameters and settings,
the working calendar, and the derived concepts of indicators.md §1.4 as views and macros.

Indicators run on several connections to one in-memory database (`session_cursor`), so the derived SQL
creates ordinary tables and views, never TEMP ones, which only their own connection could see.

Tables are registered as given (absent tables as empty tables of the model's schema, so that no
indicator fails on a table a council does not supply) and read through views of the same names, which
apply what the stored form leaves to the engine, from each row's provenance: D6, the seen flag of
visits read from Annex A (`from_annex_a`); D8, the extract a care leaver's row came from
(`extract_as_at`); §1.3 rule 8, a CP plan's category as found (`cppl_cp_plan_initial_category_raw`).
The shared derived concepts live in SQL files in `derived/`, run in name order (side by side by the
engine, each once the files it names have run).

SQL reads the run through macros: `as_at()`, `period_start()`, `period_end()`, `cfg('key')` for a
configuration setting (`cfg('cp_visits.standard_wd')`), and `target()`, the RAG target in force for the
indicator being run. Must not import Django or the warehouse.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.calendar import WorkingCalendar, add_months
from clearsight.indicators.config import Config
from clearsight.model import TABLES
from clearsight.model.schema import Table

DERIVED = Path(__file__).with_name("derived")
ANNEX_A = "annex_a"
# Between a council's tag and an identifier in a pooled run (`pool.py`): the unit separator, a control
# character no identifier holds, one byte so that identifiers stay short.
SEPARATOR = "\x1f"
# All the engine reads of provenance.
PROVENANCE_COLUMNS = ("table_name", "source_format", "superseded", "row_key", "as_at", "raw_values")
# Visit tables and their seen flags: D6 reads a blank flag by the row's source format.
SEEN_FLAGS = {
    "ssd_cp_visits": ("cppv_cp_visit_seen",),
    "ssd_cin_visits": ("cinv_cin_visit_seen",),
    "ssd_cla_visits": ("clav_cla_visit_seen",),
}
# D8: tables whose rows (one per extract) carry their extract's as-at date, from provenance, as extract_as_at.
EXTRACT_DATED = ("ssd_care_leavers",)
# §1.3 rule 8: columns whose value as found in the source is read beside the stored code, as <column>_raw.
RAW_READ = {"ssd_cp_plans": ("cppl_cp_plan_initial_category", "cppl_cp_plan_latest_category")}


@dataclass(frozen=True)
class Run:
    """The parameters of one run (indicators.md §2.1)."""

    as_at: dt.date
    period_start: dt.date
    period_end: dt.date


def default_period(as_at: dt.date) -> tuple[dt.date, dt.date]:
    """The rolling 12 months ending on the as-at date (§2.1): 1 Feb 2024 – 31 Jan 2025 for 31 Jan 2025."""
    return add_months(as_at, -12) + dt.timedelta(days=1), as_at


def table_sources(provenance: pa.Table | None) -> dict[str, frozenset[str]]:
    """For each table, the source formats of its current (not superseded) rows."""
    if provenance is None or not provenance.num_rows:
        return {}
    current = (
        provenance.select(["table_name", "source_format", "superseded"])
        .filter(pc.invert(provenance["superseded"]))
        .unify_dictionaries()
    )
    pairs = current.group_by(["table_name", "source_format"]).aggregate([])
    found: dict[str, set[str]] = {}
    for table, source in zip(
        pairs["table_name"].to_pylist(), pairs["source_format"].to_pylist(), strict=True
    ):
        found.setdefault(str(table), set()).add(str(source))
    return {table: frozenset(sources) for table, sources in found.items()}


def session_calendar(tables: Mapping[str, pa.Table], run: Run, config: Config) -> WorkingCalendar:
    """The working calendar §2.3 requires for these tables: from the earliest date to a year after as-at."""
    extra = [dt.date.fromisoformat(str(d)) for d in config["workdays.extra_non_working_days"]]
    return WorkingCalendar.covering(_earliest_date(tables, run.period_start), run.as_at, extra)


def _earliest_date(tables: Mapping[str, pa.Table], fallback: dt.date) -> dt.date:
    earliest = fallback
    for table in tables.values():
        for column in table.columns:
            if pa.types.is_date(column.type) and column.null_count < len(column):
                earliest = min(earliest, pc.min(column).as_py())
    return earliest


def literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def open_session(
    tables: Mapping[str, pa.Table],
    run: Run,
    config: Config,
    calendar: WorkingCalendar | None = None,
    *,
    provenance: pa.Table | None = None,
    sources: Mapping[str, frozenset[str]] | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the run's tables, parameters, calendar, views and the first derived
    file (the scalar macros); the caller runs the other derived files it needs (`derived_files`), each
    once the files it `needs` have run.

    `provenance` (PROVENANCE_SCHEMA) gives each row's source format; without it, `sources` gives the
    source formats of whole tables (a golden example's "every row of this table came from Annex A").
    `connection` is a new in-memory connection to use (made ahead, e.g. on another thread while the
    caller prepares), else one is made.
    """
    con = connection or duckdb.connect()
    calendar = calendar or session_calendar(tables, run, config)
    _bind(con, tables, run, config, calendar)
    for name in RUN_PARAMETERS:
        con.execute(f"CREATE MACRO {name}() AS getvariable('{name}')")
    con.execute("CREATE MACRO cfg(key) AS struct_extract(getvariable('_config'), key)")
    # The RAG target in force for the indicator being run (engine.py sets it), for lists drawn at the target.
    con.execute("CREATE MACRO target() AS getvariable('indicator_target')")
    _create_views(con, config, provenance, sources or {})
    con.execute(_derived()[0].text)
    return con


_CREATED = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TABLE|VIEW|MACRO)\s+(\w+)", re.IGNORECASE)
SHARED = "0"  # derived files whose names start so hold what every indicator and the engine read


@cache  # the same catalogue texts are read on every run
def words(*texts: str) -> frozenset[str]:
    """The words of SQL texts: what they may name."""
    return frozenset(re.findall(r"\w+", " ".join(texts)))


@dataclass(frozen=True)
class DerivedFile:
    """One file of derived SQL: its name, text, the tables, views and macros it creates, and the earlier
    files it names (which must have run first)."""

    name: str
    text: str
    creates: frozenset[str]
    needs: frozenset[str]


@cache
def _derived() -> tuple[DerivedFile, ...]:
    """Every derived SQL file, in run order."""
    files: list[DerivedFile] = []
    for path in sorted(DERIVED.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        files.append(
            DerivedFile(path.stem, text, frozenset(_CREATED.findall(text)), needs(words(text), files))
        )
    return tuple(files)


def reads_derived_data(sql: str) -> bool:
    """Whether SQL names a derived table, view or macro (all but those of the first file, whose macros
    read no data)."""
    return bool(needs(words(sql), _derived()[1:]))


# Identifiers the model does not declare as keys: a care leaver's personal adviser is a worker's id
# (or, when it does not resolve, a name, which the prefix leaves readable once removed).
UNDECLARED = {"ssd_care_leavers": ("clea_care_leaver_personal_advisor",)}


@cache
def identifiers(table: Table) -> tuple[str, ...]:
    """The columns of a table that hold identifiers: its keys, the keys other tables' rows refer to, and
    those in UNDECLARED (not a key that is a code, such as ext_population's age band)."""
    referred = {c.references for t in TABLES.values() for c in t.columns if c.references}
    return tuple(
        c.name
        for c in table.columns
        if c.codes is None
        and (
            c.name == table.primary_key
            or c.references
            or f"{table.name}.{c.name}" in referred
            or c.name in UNDECLARED.get(table.name, ())
        )
    )


def needs(named: frozenset[str], files: Iterable[DerivedFile] | None = None) -> frozenset[str]:
    """The derived files (by default, all) that create something the given words name."""
    return frozenset(f.name for f in (_derived() if files is None else files) if f.creates & named)


def derived_files(named: frozenset[str]) -> list[DerivedFile]:
    """The derived SQL files that SQL naming these words needs, with those they need in turn, in run
    order. The shared files (named 0x) always run; another runs only when something that runs names one
    of its tables, views or macros."""
    files = _derived()
    wanted = {f.name for f in files if f.name.startswith(SHARED)} | needs(named)
    for file in reversed(files):  # a file names only earlier ones
        if file.name in wanted:
            wanted |= file.needs
    return [f for f in files if f.name in wanted]


def session_cursor(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[str, pa.Table],
    run: Run,
    config: Config,
    calendar: WorkingCalendar,
) -> duckdb.DuckDBPyConnection:
    """Another connection to a session's database, for running indicators on another thread.

    Tables, views and macros are shared through the database; what belongs to a connection (the
    registered tables, the run's variables, the calendar's functions) is set up again on it.
    """
    cursor = con.cursor()
    _bind(cursor, tables, run, config, calendar)
    return cursor


RUN_PARAMETERS = ("as_at", "period_start", "period_end")
NO_CHECKPOINT = "1TB"  # a checkpoint threshold no session reaches
# DuckDB optimizer passes that cost the catalogue more planning time than they save on tables of a
# council's size (about 4 % of the county run): IN lists as joins, statistics propagation, common
# subplans and projection pull-up. Each leaves results unchanged.
SKIPPED_OPTIMIZERS = "in_clause,statistics_propagation,common_subplan,projection_pullup"


def _bind(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[str, pa.Table],
    run: Run,
    config: Config,
    calendar: WorkingCalendar,
) -> None:
    """What each connection holds for itself: the tables as given, the run's variables, the calendar."""
    con.execute("SET threads = 1")  # small tables: run queries side by side, not split
    # An in-memory session never needs a checkpoint, and DuckDB's automatic one (after 16 MB of changes)
    # compresses every table built so far: about a sixth of a pooled run's time, more than the county's.
    con.execute(f"SET checkpoint_threshold = '{NO_CHECKPOINT}'")
    con.execute(f"SET disabled_optimizers = '{SKIPPED_OPTIMIZERS}'")
    for name in RUN_PARAMETERS:
        con.execute(f"SET VARIABLE {name} = DATE '{getattr(run, name).isoformat()}'")
    con.execute("SET VARIABLE _config = ?", [config.flat()])
    calendar.register(con, name=None)  # wd_between and wd_add; no SQL reads the calendar table
    for name, declared in TABLES.items():
        data = tables.get(name)
        con.register(f"_stored_{name}", data if data is not None else declared.empty())


def _current_rows_of(provenance: pa.Table, names: Iterable[str]) -> pa.ChunkedArray:
    """Whether each provenance row is a current (not superseded) row of one of the tables named; the
    table names are matched once per dictionary entry rather than once per row."""
    wanted = pa.array(list(names), pa.string())
    column = provenance["table_name"]
    if pa.types.is_dictionary(column.type):
        of_tables = pa.chunked_array(
            [pc.take(pc.is_in(c.dictionary.cast(pa.string()), wanted), c.indices) for c in column.chunks],
            pa.bool_(),
        )
    else:
        of_tables = pc.is_in(column, wanted)
    return pc.and_(of_tables, pc.invert(provenance["superseded"]))


def _create_views(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    provenance: pa.Table | None,
    sources: Mapping[str, frozenset[str]],
) -> None:
    """One view per table over the registered data, with what rows' provenance tells (D6, D8, §1.3 rule 8)."""
    # Only a visit table whose rows come partly from Annex A needs each row's source looked up.
    mixed = [
        name
        for name in SEEN_FLAGS
        if provenance is not None and ANNEX_A in sources.get(name, ()) and sources[name] != {ANNEX_A}
    ]
    looked_up = _create_row_provenance(con, provenance, mixed)
    annex_a_seen = _sql_value("Y" if config["visits.count_unknown_seen.annex_a"] else None)
    other_seen = _sql_value("Y" if config["visits.count_unknown_seen.ssd"] else None)
    for name, declared in TABLES.items():
        facts = name in looked_up
        replaced, added = [], []
        if name in SEEN_FLAGS:
            # D6: a blank seen flag counts as seen by the source's setting; Annex A carries no seen flag.
            if facts:
                from_annex_a = "coalesce(r.from_annex_a, FALSE)"
            else:
                from_annex_a = "TRUE" if sources.get(name) == {ANNEX_A} else "FALSE"
            replaced = [
                f"CASE WHEN t.{flag} IS NOT NULL THEN t.{flag} "
                f"WHEN {from_annex_a} THEN {annex_a_seen} ELSE {other_seen} END AS {flag}"
                for flag in SEEN_FLAGS[name]
            ]
            added.append(f"{from_annex_a} AS from_annex_a")
        if name in EXTRACT_DATED:
            added.append(("r.extract_as_at" if facts else "CAST(NULL AS DATE)") + " AS extract_as_at")
        for column in RAW_READ.get(name, ()):
            raw = f"json_extract_string(r.raw_values, '$.{column}')"
            added.append((f"coalesce({raw}, t.{column})" if facts else f"t.{column}") + f" AS {column}_raw")
        columns = ", ".join([f"t.* REPLACE ({', '.join(replaced)})" if replaced else "t.*", *added])
        join = (
            f" LEFT JOIN _row_provenance AS r "
            f"ON r.table_name = '{name}' AND r.row_key = CAST(t.{declared.primary_key} AS VARCHAR)"
            if facts
            else ""
        )
        con.execute(f"CREATE VIEW {name} AS SELECT {columns} FROM _stored_{name} AS t{join}")


def _create_row_provenance(
    con: duckdb.DuckDBPyConnection, provenance: pa.Table | None, mixed: Iterable[str]
) -> set[str]:
    """What views read of rows' provenance, one row per current row that has something to tell: the
    Annex A rows of the `mixed` visit tables (D6); each row's extract as-at date where a table's rows
    come from more than one extract (D8); raw values where a RAW_READ table has any (§1.3 rule 8).
    Returns the tables that have such rows (the others need no lookup)."""
    schema = pa.schema(
        [
            ("table_name", pa.string()),
            ("row_key", pa.string()),
            ("from_annex_a", pa.bool_()),
            ("extract_as_at", pa.date32()),
            ("raw_values", pa.string()),
        ]
    )
    rows = schema.empty_table()
    wanted = []
    if provenance is not None and mixed:
        annex_a = pc.equal(provenance["source_format"].cast(pa.string()), ANNEX_A)
        wanted.append(pc.and_(_current_rows_of(provenance, mixed), annex_a))
    if provenance is not None and {"as_at", "raw_values"} <= set(provenance.column_names):
        for name in EXTRACT_DATED:
            mine = _current_rows_of(provenance, [name])
            if len(pc.unique(provenance["as_at"].filter(mine))) > 1:
                wanted.append(mine)
        if RAW_READ:
            wanted.append(
                pc.and_(_current_rows_of(provenance, RAW_READ), pc.is_valid(provenance["raw_values"]))
            )
    if wanted:
        chosen = provenance.filter(functools.reduce(pc.or_, wanted))
        empty = pa.nulls(chosen.num_rows)
        columns = [
            chosen["table_name"].cast(pa.string()),
            chosen["row_key"],
            pc.equal(chosen["source_format"].cast(pa.string()), ANNEX_A),
            chosen["as_at"] if "as_at" in chosen.column_names else empty.cast(pa.date32()),
            chosen["raw_values"] if "raw_values" in chosen.column_names else empty.cast(pa.string()),
        ]
        rows = pa.table(columns, schema=schema)
    con.register("_row_facts", rows)
    con.execute("CREATE TABLE _row_provenance AS SELECT * FROM _row_facts")
    con.unregister("_row_facts")
    return set(rows["table_name"].unique().to_pylist())


def _sql_value(value: str | None) -> str:
    return "NULL" if value is None else literal(value)
