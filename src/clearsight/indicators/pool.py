"""Many councils' catalogue in one run: regional and national pooling (architecture.md, Storage).

Run one council at a time and most of the time goes on the fixed cost of each of its ~75 statements
(planning and starting them), not on the data. So a pool is computed as one run over every council's
rows together, each query planned once for all of them:

- every identifier (each table's keys and the keys they refer to) is prefixed with a short tag for its
  council and SEPARATOR, so that no two councils' records ever meet in a join, and every item's council
  is read back from its identifiers (the tag is one or two characters, so that most identifiers stay
  within the 12 bytes DuckDB keeps inline, which keeps joins fast);
- the unpopulated-source test (§2.6 rule 5) and the child population are each council's own, and so are
  the conditional notes and supporting figures, each worked out from the council's own items and rows;
- each council's results are then taken apart and the prefixes removed.

A council's results are those of its own run (tested), except for the few notes and supporting figures
whose SQL reads a derived table (seven: B09's counts of missing and away episodes, A15's undated legal
decisions, A20's unborn-children note, B12's foster-carer note): a pool cannot tell whose those rows
are, so it leaves them out, and they stay with each council's own snapshot. Every council in a pool
shares one configuration, one as-at date and one set of source formats. Must not import Django or the
warehouse.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Mapping

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.indicators.catalogue import Indicator
from clearsight.indicators.config import Config, default_config
from clearsight.indicators.engine import SESSIONS, Progress, compute_councils, reporting_run
from clearsight.indicators.results import Results
from clearsight.indicators.session import SEPARATOR, identifiers, table_sources
from clearsight.model import TABLES


def compute_pool(
    councils: Mapping[str, Mapping[str, pa.Table]],
    as_at: dt.date,
    *,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    config: Config | None = None,
    provenance: Mapping[str, pa.Table] | None = None,
    indicators: Iterable[Indicator] | None = None,
    progress: Progress | None = None,
    sessions: int = SESSIONS,
) -> dict[str, Results]:
    """Run the catalogue for every council given (LA code → its canonical tables) in one run.

    `provenance` gives each council's rows' provenance, as `engine.compute` takes it. Raises ValueError
    for an empty pool, or councils whose tables come from different formats.
    """
    if not councils:
        raise ValueError("a pool needs at least one council")
    provenance = provenance or {}
    formats = {code: table_sources(provenance.get(code)) for code in councils}
    if len({tuple(sorted(f.items())) for f in formats.values()}) > 1:
        raise ValueError("every council in a pool must have its tables from the same source formats")
    tags = dict(zip(councils, _tags(len(councils)), strict=True))
    tagged = {tags[code]: tables for code, tables in councils.items()}
    found = compute_councils(
        tagged,
        pooled_tables(tagged),
        reporting_run(as_at, period_start, period_end),
        config or default_config(),
        next(iter(formats.values())),
        indicators,
        provenance=_pooled_provenance({tags[code]: p for code, p in provenance.items()}),
        progress=progress,
        sessions=sessions,
    )
    return {code: _without_prefix(found[tag], tag) for code, tag in tags.items()}


# SEPARATOR as written, or as JSON escapes it (in an exception's details), in either case.
ESCAPED_SEPARATOR = r"(?:\x1f|\\u001[fF])"
TAG_CHARACTERS = string.digits + string.ascii_letters


def _tags(count: int) -> list[str]:
    """`count` distinct short tags: 0-9, a-z, A-Z, then two characters."""
    singles = list(TAG_CHARACTERS)
    return (singles + [a + b for a in singles for b in singles])[:count]


def pooled_tables(councils: Mapping[str, Mapping[str, pa.Table]]) -> dict[str, pa.Table]:
    """Every council's rows of each canonical table together (tag → tables), each identifier prefixed with
    its council's tag."""
    pooled = {}
    for name, declared in TABLES.items():
        parts = [
            _prefixed(tables[name], identifiers(declared), tag)
            for tag, tables in councils.items()
            if tables.get(name) is not None and tables[name].num_rows
        ]
        if parts:
            pooled[name] = pa.concat_tables(parts, promote_options="permissive")
    return pooled


def _prefixed(table: pa.Table, columns: Iterable[str], tag: str) -> pa.Table:
    for column in columns:
        if column in table.column_names:
            values = pc.binary_replace_slice(table[column].cast(pa.string()), 0, 0, tag + SEPARATOR)
            table = table.set_column(table.column_names.index(column), column, values)
    return table


def _pooled_provenance(provenance: Mapping[str, pa.Table]) -> pa.Table | None:
    """Every council's provenance together, each row key prefixed as its row's identifier is."""
    parts = [_prefixed(table, ["row_key"], tag) for tag, table in provenance.items() if table is not None]
    return pa.concat_tables(parts, promote_options="permissive") if parts else None


def _without_prefix(results: Results, tag: str) -> Results:
    """A council's results with its tag and SEPARATOR removed from every text (as written, or escaped
    in JSON), its identifiers as given."""
    prefix = re.escape(tag) + ESCAPED_SEPARATOR

    def strip(table: pa.Table | None) -> pa.Table | None:
        if table is None:
            return None
        for i, field in enumerate(table.schema):
            if pa.types.is_string(field.type):
                table = table.set_column(i, field, pc.replace_substring_regex(table[i], prefix, ""))
        return table

    return Results(
        strip(results.values),
        strip(results.breakdowns),
        strip(results.exceptions),
        strip(results.exclusions),
        strip(results.data_quality),
    )
