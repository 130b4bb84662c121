"""The indicator engine: run the catalogue over a set of canonical tables and produce the results.

Each indicator's SQL yields its items (indicators.md §2.5); the engine gathers every indicator's items
into one table, and `results.py` computes from it, for all indicators at once:

- **values**: one row per indicator (`VALUE_COLUMNS`): value, numerator, denominator, not yet due,
  exclusions by reason, critical count, RAG status, direction of travel, availability and notes;
- **breakdowns**: numerator, denominator and value per cell of team, worker, age band, ethnicity and
  disability (§6); every item falls in exactly one cell of each breakdown, so cells add up;
- **exceptions**: the child-level rows of §7, with who must act now, days overdue and a stable key;
- **exclusions** and **data quality**: the log of §2.6 rule 6, every item an indicator's rule left out
  and every data-quality problem an indicator found, naming the record and the value seen.

The work (derived files, indicators, result tables) runs as tasks on two connections (`parallel.py`).

An indicator whose deciding source is unpopulated (§2.6 rule 5), or which needs history that an
Annex A-only table does not hold (§2.6 rule 7), is reported as not available, with no value and no
exceptions; it never reports a number the data cannot support. Must not import Django or the warehouse.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.calendar import add_months
from clearsight.indicators import results
from clearsight.indicators.catalogue import ITEM_COLUMNS, REQUIRED_ITEM_COLUMNS, STATES, Indicator, catalogue
from clearsight.indicators.config import Config, default_config
from clearsight.indicators.parallel import Task, run_tasks
from clearsight.indicators.results import NOT_AVAILABLE, Outcome, Results
from clearsight.indicators.session import (
    ANNEX_A,
    SEPARATOR,
    Run,
    default_period,
    derived_files,
    identifiers,
    literal,
    needs,
    open_session,
    reads_derived_data,
    session_calendar,
    session_cursor,
    table_sources,
    words,
)
from clearsight.model import TABLES

LATEST_ONLY = "latest recorded events only (Annex A)"
STATES_TEXT = ", ".join(STATES)
SESSIONS = 2  # DuckDB sessions the catalogue is shared between, one thread each
ANNEX_A_LOOKBACK_MONTHS = 6  # formats.md §3.0: lists 1-9 look back 6 months (10-11: 12)
ANNEX_A_LONG_LOOKBACK = frozenset({"ssd_permanence"})

Progress = Callable[[int, int], None]


class IndicatorError(RuntimeError):
    """An indicator's SQL failed or returned items that break the item contract (a catalogue defect)."""


def compute(
    tables: Mapping[str, pa.Table],
    as_at: dt.date,
    *,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    config: Config | None = None,
    provenance: pa.Table | None = None,
    sources: Mapping[str, frozenset[str]] | None = None,
    previous: Results | None = None,
    indicators: Iterable[Indicator] | None = None,
    progress: Progress | None = None,
    keep_items: bool = False,
    sessions: int = SESSIONS,
) -> Results:
    """Run the catalogue (or the indicators given) for one as-at date and reporting period.

    Args:
        tables: canonical table name → Arrow table; tables not given count as empty.
        period_start, period_end: the reporting period; by default the 12 months ending at `as_at`.
        provenance: the rows' provenance (formats.md §2.7), which tells Annex A rows apart; without
            it, `sources` gives the source formats of whole tables.
        previous: the results of the council's previous snapshot, for direction of travel and each
            exception's `first_seen_as_at`.
        keep_items: also return every indicator's items (the population behind each figure), each with
            its indicator's own columns; otherwise only exceptions keep those.
        sessions: connections (threads) to share the work between; 1 when the machine's cores are
            already busy, e.g. with other councils.
    """
    config = config or default_config()
    source_sets = dict(sources) if sources is not None else table_sources(provenance)
    return compute_councils(
        {None: tables},
        tables,
        reporting_run(as_at, period_start, period_end),
        config,
        source_sets,
        indicators,
        provenance=provenance,
        previous=previous,
        progress=progress,
        keep_items=keep_items,
        sessions=sessions,
    )[None]


def reporting_run(as_at: dt.date, period_start: dt.date | None, period_end: dt.date | None) -> Run:
    start, end = default_period(as_at)
    run = Run(as_at, period_start or start, period_end or end)
    if run.period_end > run.as_at or run.period_start > run.period_end:
        raise ValueError(
            f"the period {run.period_start} to {run.period_end} must end by the as-at date {as_at}"
        )
    return run


def compute_councils(
    councils: Mapping[str | None, Mapping[str, pa.Table]],
    tables: Mapping[str, pa.Table],
    run: Run,
    config: Config,
    sources: Mapping[str, frozenset[str]],
    indicators: Iterable[Indicator] | None = None,
    *,
    provenance: pa.Table | None = None,
    previous: Results | None = None,
    progress: Progress | None = None,
    keep_items: bool = False,
    sessions: int = SESSIONS,
) -> dict[str | None, Results]:
    """Run the catalogue once over `tables`, which hold every council's rows, and return each council's
    results (`compute` for one council, keyed None; `pool.compute_pool` for many).

    `councils` gives each council's own tables, for what is decided per council: the unpopulated-source
    test (§2.6 rule 5) and the child population. With more than one council, every identifier in `tables`
    starts with its council's tag and SEPARATOR, and the notes and supporting figures whose SQL reads a
    derived table are left out; see `pool.py`.
    """
    pooled = None not in councils
    # DuckDB starts its database without holding the GIL: meanwhile the catalogue and the calendar.
    with ThreadPoolExecutor(1) as starter:
        database = starter.submit(duckdb.connect)
        chosen = list(indicators) if indicators is not None else list(catalogue())
        calendar = session_calendar(tables, run, config)
        named = {i.id: words(*i.sql_texts) for i in chosen}  # what each indicator's SQL may name
        connection = database.result()
    con = open_session(
        tables, run, config, calendar, provenance=provenance, sources=sources, connection=connection
    )
    cursors: list[duckdb.DuckDBPyConnection] = []

    def cursor() -> duckdb.DuckDBPyConnection:
        cursors.append(session_cursor(con, tables, run, config, calendar))
        return cursors[-1]

    try:
        _create_items_table(con)
        if pooled:
            _create_councils(con, councils)
        results.register_order(con, chosen)
        population = {c: results.population(own.get("ext_population")) for c, own in councils.items()}
        derived = derived_files(frozenset().union(*named.values()))[1:]  # the first ran in open_session
        scheduled = {f.name for f in derived}
        finished = itertools.count(1)

        def indicator_task(indicator: Indicator) -> Task:
            def run_one(c: duckdb.DuckDBPyConnection) -> Outcome:
                outcome = _run_indicator(
                    c, indicator, run, config, councils, sources, every_detail=keep_items
                )
                done_so_far = next(finished)
                if progress:
                    progress(done_so_far, len(chosen))
                return outcome

            return Task(indicator.id, run_one, needs(named[indicator.id]) & scheduled)

        tasks = [Task(f.name, partial(_execute, f.text), f.needs & scheduled) for f in derived]
        tasks += [indicator_task(i) for i in chosen]
        everything = frozenset(t.name for t in tasks)
        tasks += [
            Task("_breakdowns", lambda c: results.breakdowns(c, chosen, population), everything),
            Task("_exceptions", lambda c: results.exceptions(c, chosen, run, previous), everything),
            Task("_exclusions", results.exclusions, everything),
            Task("_data_quality", results.data_quality, everything),
        ]
        connections = [lambda: con] + [cursor] * (min(sessions, len(chosen)) - 1)
        done = run_tasks(tasks, connections)
        totals = results.item_totals(con)
        items = con.sql("SELECT * EXCLUDE (council) FROM _items").to_arrow_table() if keep_items else None
        found = {}
        for council in councils:
            outcomes = [done[i.id].of(council, run) for i in chosen]
            own = totals.get(council, results.Totals())
            found[council] = Results(
                results.values(outcomes, own, run, config, population[council], previous),
                *(_rows_of(done[name], council) for name in RESULT_TABLES),
                items,
            )
        return found
    finally:
        for other in cursors:
            other.close()
        con.close()


ITEMS_WORD = re.compile(r"\bitems\b")  # where a note's or supporting figure's SQL reads the items
# Where such SQL reads a table (or the table as stored), of those whose key is an identifier.
TABLE_WORD = re.compile(
    r"\b(?:_stored_)?(?:"
    + "|".join(name for name, t in TABLES.items() if t.primary_key in identifiers(t))
    + r")\b"
)


def _rows_of_council(table: re.Match[str]) -> str:
    """A table named in a pooled figure's SQL, as its rows of the council `k.council`."""
    key = TABLES[table[0].removeprefix("_stored_")].primary_key
    return f"(SELECT * FROM {table[0]} WHERE council_of(CAST({key} AS VARCHAR)) = k.council)"


IDENTIFIERS = ("child_id", "record_id", "worker_id", "team_id")  # an item's, its council read from the first
RESULT_TABLES = ("_breakdowns", "_exceptions", "_exclusions", "_data_quality")


def _rows_of(table: pa.Table, council: str | None) -> pa.Table:
    """A council's rows of a result table, without the council column."""
    if council is not None:
        table = table.filter(pc.equal(table[results.COUNCIL], council))
    return table.drop_columns([results.COUNCIL])


def columns_read(indicators: Iterable[Indicator] | None = None) -> dict[str, list[str]]:
    """The columns of each canonical table that a run of the catalogue (or the indicators given) reads:
    those its SQL, the derived SQL, the result tables and the unpopulated-source tests name, and each
    table's key. A run given only these columns gives the same results (tested), so a snapshot read for
    the catalogue need hold nothing else."""
    chosen = list(indicators) if indicators is not None else list(catalogue())
    named = words(
        *(text for i in chosen for text in i.sql_texts),
        *(f.text for f in derived_files(frozenset().union(*(words(*i.sql_texts) for i in chosen)))),
        *(str(requirement) for i in chosen for requirement in i.requires),
        *results.NAME_COLUMNS,
    )
    return {
        name: [c.name for c in table.columns if c.name in named or c.name == table.primary_key]
        for name, table in TABLES.items()
    }


def _create_councils(con: duckdb.DuckDBPyConnection, councils: Iterable[str]) -> None:
    """A pooled run's councils (`_councils`) and `council_of(identifier)`, the council an identifier's
    tag names (an identifier with no council's tag stops the run)."""
    codes = ", ".join(literal(code) for code in councils)
    tag = f"split_part(x, '{SEPARATOR}', 1)"
    con.execute(
        f"CREATE MACRO council_of(x) AS CASE WHEN {tag} IN ({codes}) THEN {tag} "
        "ELSE error('no council tag in ' || coalesce(x, 'NULL')) END"
    )
    con.execute(f"CREATE TABLE _councils AS SELECT unnest([{codes}]) AS council")


def _execute(sql: str, con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql)


def _create_items_table(con: duckdb.DuckDBPyConnection) -> None:
    """The tables every connection adds to: the items, and the data-quality log (§2.6 rule 6)."""
    columns = ", ".join(f"{name} {kind}" for name, kind in ITEM_COLUMNS.items())
    con.execute(
        f"CREATE TABLE _items (indicator_id VARCHAR, {columns}, details VARCHAR, is_exception BOOLEAN, "
        "council VARCHAR)"
    )
    con.execute(
        "CREATE TABLE _data_quality (indicator_id VARCHAR, code VARCHAR, problem VARCHAR, record_id VARCHAR, "
        "child_id VARCHAR, value VARCHAR, council VARCHAR)"
    )


def _unavailable(
    requirement: str | Mapping[str, str], tables: Mapping[str, pa.Table], config: Config, threshold: float
) -> bool:
    """§2.6 rule 5 for one requirement: a table or column, or every table a setting names, unpopulated."""
    if isinstance(requirement, str):
        return _unpopulated(requirement, tables, threshold)
    return all(_unpopulated(str(name), tables, threshold) for name in config[requirement["setting"]])


def _unpopulated(requirement: str, tables: Mapping[str, pa.Table], threshold: float) -> bool:
    """§2.6 rule 5: the table is empty or absent, or the column is blank in more than `threshold` of rows."""
    table_name, _, column = requirement.partition(".")
    table = tables.get(table_name)
    if table is None or table.num_rows == 0:
        return True
    if not column:
        return False
    if column not in table.column_names:
        return True
    return table[column].null_count / table.num_rows > threshold


def _run_indicator(
    con: duckdb.DuckDBPyConnection,
    indicator: Indicator,
    run: Run,
    config: Config,
    councils: Mapping[str | None, Mapping[str, pa.Table]],
    sources: Mapping[str, frozenset[str]],
    every_detail: bool = False,
) -> Outcome:
    notes = list(indicator.notes)
    annex_a_only = [t for t in indicator.annex_a_tables if sources.get(t) == frozenset({ANNEX_A})]
    threshold = float(config["dq.unpopulated_threshold"])
    unavailable = frozenset(
        council
        for council, tables in councils.items()
        if any(_unavailable(r, tables, config, threshold) for r in indicator.requires)
    )
    if (indicator.annex_a == "unavailable" and annex_a_only) or unavailable == set(councils):
        return Outcome(indicator, False, [NOT_AVAILABLE], run.period_start, {})
    period_start = run.period_start
    if annex_a_only:
        if indicator.annex_a == "latest_only":
            notes.append(LATEST_ONLY)
        if indicator.type == "period":
            months = 12 if set(annex_a_only) <= ANNEX_A_LONG_LOOKBACK else ANNEX_A_LOOKBACK_MONTHS
            window_start = _months_before(run.as_at, months)
            if window_start > period_start:
                period_start = window_start
                notes.append(
                    f"period {period_start:%d %b %Y} to {run.period_end:%d %b %Y} (Annex A look-back)"
                )
    con.execute("SET VARIABLE indicator_target = ?", [results.target_in_force(indicator, config, run.as_at)])
    moved = period_start != run.period_start
    if moved:
        con.execute(f"SET VARIABLE period_start = DATE '{period_start.isoformat()}'")
    pooled = None not in councils
    # Each item's council, from the first of its identifiers; a pooled run keeps only the items (and
    # data-quality rows) of the councils the indicator is available for.
    council = "council_of(coalesce({}))" if pooled else "CAST(NULL AS VARCHAR)"
    kept = f" WHERE council NOT IN ({', '.join(literal(c) for c in unavailable)})" if unavailable else ""
    name = f"_items_{indicator.id}"
    try:
        con.execute(f"CREATE TEMP TABLE {name} AS {indicator.sql}")
        found = con.table(name).columns
        missing = [c for c in REQUIRED_ITEM_COLUMNS if c not in found]
        if missing:
            raise IndicatorError(
                f"{indicator.path.name}: the item SQL returns no {', '.join(missing)} column"
            )
        figures = _figures(indicator, pooled)
        per_council = {}
        if figures or indicator.data_quality:
            con.execute(f"CREATE OR REPLACE TEMP VIEW items AS SELECT * FROM {name}")
            if figures:
                per_council = _council_figures(con, name, found, figures, council if pooled else None)
            for entry in indicator.data_quality:
                con.execute(
                    "INSERT INTO _data_quality SELECT * FROM (SELECT ?, ?, ?, "
                    "CAST(record_id AS VARCHAR) AS r, CAST(child_id AS VARCHAR) AS c, "
                    "CAST(value AS VARCHAR), "
                    f"{council.format('c, r')} AS council FROM ({entry['sql']})){kept}",
                    [indicator.id, entry["code"], " ".join(entry["problem"].split())],
                )
        con.execute(_insert_items(indicator, name, found, every_detail, council, kept))
        con.execute(f"DROP TABLE {name}")
    except duckdb.Error as error:
        raise IndicatorError(f"{indicator.path.name} ({indicator.code}): {error}") from error
    finally:
        if moved:
            con.execute(f"SET VARIABLE period_start = DATE '{run.period_start.isoformat()}'")
    return Outcome(indicator, True, notes, period_start, {}, unavailable, per_council)


def _figures(indicator: Indicator, pooled: bool) -> list[tuple[str, str, str]]:
    """The indicator's conditional notes and supporting figures, as (kind, note or name, SQL expression).

    Each is worked out for each council from that council's items and rows. A pooled run leaves out those
    whose SQL reads a derived table (which it cannot tell one council's rows of), keeping the rest.
    """
    figures = [
        ("note", n["note"], f"({n['when']})")
        for n in indicator.conditional_notes
        if not (pooled and reads_derived_data(n["when"]))
    ]
    figures += [
        ("supporting", key, f"({sql})")
        for key, sql in indicator.supporting.items()
        if not (pooled and reads_derived_data(sql))
    ]
    return figures


def _council_figures(
    con: duckdb.DuckDBPyConnection,
    name: str,
    found: list[str],
    figures: list[tuple[str, str, str]],
    council: str | None,
) -> dict[str | None, tuple[list[str], dict[str, object]]]:
    """Each council's notes that apply and supporting figures, in one statement. For one council they read
    `items` and the tables; in a pooled run (`council`, the template for an item's council) each figure's
    SQL reads `items_of(k.council)`, the items of one council of `_councils`, and each table's rows of
    that council, instead."""
    columns = ", ".join(sql for _, _, sql in figures)
    statement = f"SELECT NULL, {columns}"
    if council is not None:
        ids = ", ".join(f"CAST({c} AS VARCHAR)" for c in IDENTIFIERS if c in found)
        con.execute(
            f"CREATE OR REPLACE TEMP MACRO items_of(c) AS TABLE SELECT * FROM {name} "
            f"WHERE {council.format(ids)} = c"
        )
        columns = TABLE_WORD.sub(_rows_of_council, ITEMS_WORD.sub("items_of(k.council)", columns))
        statement = f"SELECT k.council, {columns} FROM _councils k"
    found_per_council = {}
    for council_code, *row in con.execute(statement).fetchall():
        pairs = [(kind, text, value) for (kind, text, _), value in zip(figures, row, strict=True)]
        notes = [text for kind, text, value in pairs if kind == "note" and value]
        supporting = {key: value for kind, key, value in pairs if kind == "supporting"}
        found_per_council[council_code] = (notes, supporting)
    return found_per_council


def _months_before(day: dt.date, months: int) -> dt.date:
    return add_months(day, -months) + dt.timedelta(days=1)


def _insert_items(
    indicator: Indicator, name: str, found: list[str], every_detail: bool, council: str, kept: str
) -> str:
    """The INSERT that copies one indicator's items into `_items`, defaults filled and extras as JSON,
    with each item's council (`council`, a template for the identifiers it is read from) and only the
    rows `kept` (a WHERE clause on `council`, or empty).

    The extra columns are kept, as JSON, for the exceptions only (they are what the lists show), or for
    every item when `every_detail` (items asked for whole).
    """
    defaults = {
        "numerator": "CASE WHEN state = 'MET' THEN 1.0 ELSE 0.0 END",
        "denominator": "CASE WHEN state IN ('MET', 'NOT_MET') THEN 1.0 ELSE 0.0 END",
    }
    columns = []
    for column, kind in ITEM_COLUMNS.items():
        if column in found:
            columns.append(f"CAST({column} AS {kind})")
        else:
            columns.append(defaults.get(column, f"CAST(NULL AS {kind})"))
    extras = [c for c in found if c not in ITEM_COLUMNS]
    details = (
        "to_json(struct_pack(" + ", ".join(f'"{c}" := "{c}"' for c in extras) + "))::VARCHAR"
        if extras
        else "NULL"
    )
    allowed = ", ".join(f"'{state}'" for state in STATES)
    # An item in a state outside the contract stops the run, naming the indicator.
    columns[list(ITEM_COLUMNS).index("state")] = (
        f"CASE WHEN state IN ({allowed}) THEN state ELSE error('{indicator.path.name}: an item has state ' "
        f"|| coalesce(CAST(state AS VARCHAR), 'NULL') || ' (allowed: {STATES_TEXT})') END"
    )
    flagged = f"coalesce(({indicator.exceptions_when}), false)" if indicator.exceptions_when else "false"
    if extras and not every_detail:
        details = f"CASE WHEN {flagged} THEN {details} END"
    ids = ", ".join(columns[list(ITEM_COLUMNS).index(c)] for c in IDENTIFIERS)
    return (
        f"INSERT INTO _items SELECT * FROM (SELECT '{indicator.id}', {', '.join(columns)}, {details}, "
        f"{flagged}, {council.format(ids)} AS council FROM {name}){kept}"
    )
