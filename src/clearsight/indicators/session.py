"""The DuckDB session every indicator runs in: the canonical tables, the run's parameters and settings,
the working calendar, and the derived concepts of indicators.md §1.4 as views and macros.

Tables are registered as given (absent tables as empty tables of the model's schema, so that no
indicator fails on a table a council does not supply) and read through views of the same names, which
apply the normalisation of §1.3 that the stored form leaves to the engine (D6: the seen flag of visits
read from Annex A). The shared derived concepts live in SQL files in `derived/`, run in name order.

SQL reads the run through macros: `as_at()`, `period_start()`, `period_end()`, and `cfg('key')` for a
configuration setting (`cfg('cp_visits.standard_wd')`). Must not import Django or the warehouse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.calendar import WorkingCalendar, add_months
from clearsight.indicators.config import Config
from clearsight.model import TABLES

DERIVED = Path(__file__).with_name("derived")
ANNEX_A = "annex_a"
# Visit tables and their seen flags: D6 reads a blank flag by the row's source format.
SEEN_FLAGS = {
    "ssd_cp_visits": ("cppv_cp_visit_seen",),
    "ssd_cin_visits": ("cinv_cin_visit_seen",),
    "ssd_cla_visits": ("clav_cla_visit_seen",),
}


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
    current = provenance.filter(pc.invert(provenance["superseded"]))
    pairs = (
        pa.table({name: current[name].cast(pa.string()) for name in ("table_name", "source_format")})
        .group_by(["table_name", "source_format"])
        .aggregate([])
    )
    found: dict[str, set[str]] = {}
    for table, source in zip(
        pairs["table_name"].to_pylist(), pairs["source_format"].to_pylist(), strict=True
    ):
        found.setdefault(table, set()).add(source)
    return {table: frozenset(sources) for table, sources in found.items()}


def _earliest_date(tables: Mapping[str, pa.Table], fallback: dt.date) -> dt.date:
    earliest = fallback
    for table in tables.values():
        for column in table.columns:
            if pa.types.is_date(column.type) and column.null_count < len(column):
                earliest = min(earliest, pc.min(column).as_py())
    return earliest


def _literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def open_session(
    tables: Mapping[str, pa.Table],
    run: Run,
    config: Config,
    *,
    provenance: pa.Table | None = None,
    sources: Mapping[str, frozenset[str]] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection holding the run's tables, parameters, calendar and derived views.

    `provenance` (PROVENANCE_SCHEMA) gives each row's source format; without it, `sources` gives the
    source formats of whole tables (a golden example's "every row of this table came from Annex A").
    """
    con = duckdb.connect()
    con.execute("SET threads = 2")
    for name, value in (
        ("as_at", run.as_at),
        ("period_start", run.period_start),
        ("period_end", run.period_end),
    ):
        con.execute(f"SET VARIABLE {name} = DATE '{value.isoformat()}'")
        con.execute(f"CREATE MACRO {name}() AS getvariable('{name}')")
    for key, value in config.flat().items():
        con.execute(f'SET VARIABLE "{key}" = ?', [value if value is not None else None])
    con.execute("CREATE MACRO cfg(key) AS getvariable(key)")
    extra = [dt.date.fromisoformat(str(d)) for d in config["workdays.extra_non_working_days"]]
    WorkingCalendar.covering(_earliest_date(tables, run.period_start), run.as_at, extra).register(con)
    _register_tables(con, tables, run, config, provenance, sources or {})
    for path in sorted(DERIVED.glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))
    return con


def _register_tables(
    con: duckdb.DuckDBPyConnection,
    tables: Mapping[str, pa.Table],
    run: Run,
    config: Config,
    provenance: pa.Table | None,
    sources: Mapping[str, frozenset[str]],
) -> None:
    rows_from_annex_a = _annex_a_rows(provenance)
    if rows_from_annex_a is not None:
        con.register("_annex_a_rows", rows_from_annex_a)
    for name, declared in TABLES.items():
        data = tables.get(name)
        con.register(f"_stored_{name}", data if data is not None else declared.empty())
        flags = [f for f in SEEN_FLAGS.get(name, ()) if data is not None]
        if not flags:
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM _stored_{name}")
            continue
        # D6: a blank seen flag counts as seen by the source's setting; Annex A carries no seen flag.
        whole_table = sources.get(name) == frozenset({ANNEX_A})
        key = declared.primary_key
        if whole_table or rows_from_annex_a is None:
            from_annex_a = "TRUE" if whole_table else "FALSE"
            source = f"_stored_{name} AS t"
        else:
            from_annex_a = "a.row_key IS NOT NULL"
            source = (
                f"_stored_{name} AS t LEFT JOIN _annex_a_rows AS a "
                f"ON a.table_name = '{name}' AND a.row_key = CAST(t.{key} AS VARCHAR)"
            )
        annex_a_seen = "Y" if config["visits.count_unknown_seen.annex_a"] else None
        other_seen = "Y" if config["visits.count_unknown_seen.ssd"] else None
        replaced = ", ".join(
            f"CASE WHEN t.{flag} IS NOT NULL THEN t.{flag} "
            f"WHEN {from_annex_a} THEN {_sql_value(annex_a_seen)} ELSE {_sql_value(other_seen)} END AS {flag}"
            for flag in flags
        )
        con.execute(
            f"CREATE VIEW {name} AS "
            f"SELECT t.* REPLACE ({replaced}), {from_annex_a} AS from_annex_a FROM {source}"
        )


def _sql_value(value: str | None) -> str:
    return "NULL" if value is None else _literal(value)


def _annex_a_rows(provenance: pa.Table | None) -> pa.Table | None:
    """(table_name, row_key) of the current visit rows that came from Annex A; None without provenance."""
    if provenance is None:
        return None
    wanted = pa.array(list(SEEN_FLAGS), pa.string())
    names = provenance["table_name"].cast(pa.string())
    mask = pc.and_(
        pc.and_(pc.is_in(names, value_set=wanted), pc.invert(provenance["superseded"])),
        pc.equal(provenance["source_format"].cast(pa.string()), ANNEX_A),
    )
    chosen = provenance.filter(mask)
    return pa.table({"table_name": names.filter(mask), "row_key": chosen["row_key"]})
