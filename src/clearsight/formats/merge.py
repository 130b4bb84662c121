"""Merging what several readers found into one set of canonical tables (formats.md §2.1).

Readers derive the same primary key for the same record from the natural keys of §2.3, so a
referral seen in Annex A List 3 and in the CIN census is one row. Where sources disagree, the
event-level sources win over the Annex A snapshot: an SSD extract, then the CIN census and the 903,
then Annex A. The merge works column by column: each column of a merged row takes the value of the
highest-ranked source that has one, so a field only Annex A carries survives beside the CIN's.
A disagreement between two non-empty values is reported (warning) and the losing rows are marked
`superseded` in provenance, which keeps every source's row and raw values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from clearsight.formats.common.result import FormatResult
from clearsight.formats.rekey import link_periods, rekey
from clearsight.model import TABLES
from clearsight.model.issues import WARNING, Issue
from clearsight.model.provenance import PROVENANCE_SCHEMA

# formats.md §2.1: lower wins.
PRECEDENCE = {"ssd": 0, "cin": 1, "ssda903": 1, "annex_a": 2}

DISAGREE = "sources disagree on this value; kept the one from {winner}"


@dataclass
class Merged:
    tables: dict[str, pa.Table] = field(default_factory=dict)
    provenance: pa.Table = field(default_factory=PROVENANCE_SCHEMA.empty_table)
    issues: list[Issue] = field(default_factory=list)


def _merge_table(
    con: duckdb.DuckDBPyConnection, name: str, parts: list[tuple[int, pa.Table]], sources: list[str]
) -> tuple[pa.Table, list[Issue]]:
    """One table merged column by column, and an issue for each value two sources disagree on."""
    table = TABLES[name]
    key = table.primary_key
    staged = pa.concat_tables(
        [t.append_column("_rank", pa.repeat(pa.scalar(rank, pa.int32()), t.num_rows)) for rank, t in parts]
    )
    con.register("staged", staged)
    others = [c for c in table.column_names if c != key]
    picks = ", ".join(f'arg_min("{c}", _rank) FILTER (WHERE "{c}" IS NOT NULL) AS "{c}"' for c in others)
    merged = con.sql(f'SELECT "{key}", {picks} FROM staged GROUP BY ALL ORDER BY "{key}"').to_arrow_table()
    issues = []
    for c in others:
        text = f'CAST("{c}" AS VARCHAR)'
        rows = con.execute(
            f"SELECT \"{key}\", min(_rank), string_agg(DISTINCT {text}, ' | ' ORDER BY {text}) "
            f'FROM staged WHERE "{c}" IS NOT NULL GROUP BY "{key}" HAVING count(DISTINCT "{c}") > 1 '
            f'ORDER BY "{key}"'
        ).fetchall()
        issues += [
            Issue(DISAGREE.format(winner=sources[rank]), WARNING, table=name, key=k, column=c, value=values)
            for k, rank, values in rows
        ]
    con.unregister("staged")
    return merged.select(table.column_names).cast(table.arrow_schema), issues


def _mark_superseded(con: duckdb.DuckDBPyConnection, ranked_provenance: pa.Table) -> pa.Table:
    """Provenance with `superseded` set where a higher-ranked source has the same row (§2.1, §2.7)."""
    con.register("provenance", ranked_provenance)
    marked = con.sql(
        "SELECT * REPLACE (_rank > min(_rank) OVER (PARTITION BY table_name, row_key) AS superseded) "
        "FROM provenance ORDER BY _rank, table_name, source_row"
    ).to_arrow_table()
    con.unregister("provenance")
    return marked.drop_columns(["_rank"]).cast(PROVENANCE_SCHEMA)


def merge(results: Sequence[FormatResult], la_code: str, as_at: dt.date) -> Merged:
    """One set of canonical tables, their provenance and the merge's issues, from every reader's result.

    Within a format, results rank in the order given: put the newest extract first.
    """
    order = sorted(range(len(results)), key=lambda i: (PRECEDENCE[results[i].source_format], i))
    ranked = [results[i] for i in order]
    if len(ranked) > 1:  # one id per record across sources (rekey.py); results are re-keyed in place
        for result in ranked:
            if result.source_format != "ssd":
                rekey(result, la_code)
        link_periods(ranked)
    sources = [r.source_format for r in ranked]
    out = Merged(issues=[issue for r in ranked for issue in r.issues])
    with duckdb.connect() as con:
        for name in TABLES:
            parts = [(rank, r.tables[name]) for rank, r in enumerate(ranked) if name in r.tables]
            if len(parts) == 1:
                out.tables[name] = parts[0][1]
            elif parts:
                out.tables[name], conflicts = _merge_table(con, name, parts, sources)
                out.issues += conflicts
        provenance = [
            p.append_column("_rank", pa.repeat(pa.scalar(rank, pa.int32()), p.num_rows))
            for rank, r in enumerate(ranked)
            if (p := r.provenance(la_code, as_at)).num_rows
        ]
        if len(ranked) > 1 and provenance:
            out.provenance = _mark_superseded(con, pa.concat_tables(provenance))
        elif provenance:
            out.provenance = provenance[0].drop_columns(["_rank"])
    return out
