"""Run a catalogue example through the real engine: its rows become canonical tables of the model's
schema (columns a row leaves out are null), and its parameters the run's."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa

from clearsight.indicators.catalogue import Example, Indicator
from clearsight.indicators.config import make_config
from clearsight.indicators.engine import compute
from clearsight.indicators.results import Results
from clearsight.indicators.session import PROVENANCE_COLUMNS
from clearsight.model import TABLES
from clearsight.model.provenance import PROVENANCE_SCHEMA


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _provenance(example: Example) -> pa.Table | None:
    """The provenance an example gives its rows (source format, extract as-at date, raw values), else
    None."""
    rows = [
        {
            "table_name": table,
            "row_key": str(key),
            "source_format": facts.get("source_format", "ssd"),
            "superseded": False,
            "as_at": _date(facts.get("as_at")),
            "raw_values": json.dumps(facts["raw_values"]) if "raw_values" in facts else None,
        }
        for table, keyed in example.provenance.items()
        for key, facts in keyed.items()
    ]
    # the provenance schema's own columns, those the engine reads
    schema = pa.schema([PROVENANCE_SCHEMA.field(name) for name in PROVENANCE_COLUMNS])
    return pa.Table.from_pylist(rows, schema=schema) if rows else None


def run_example(indicator: Indicator, example: Example) -> Results:
    tables = {name: TABLES[name].from_rows(rows) for name, rows in example.tables.items()}
    return compute(
        tables,
        _date(example.as_at),
        period_start=_date(example.period_start),
        period_end=_date(example.period_end),
        config=make_config(example.config, f"{indicator.path.name} example {example.name!r}"),
        # whole tables' sources as the example states them, else as its provenance gives them
        sources={name: frozenset({fmt}) for name, fmt in example.sources.items()} or None,
        provenance=_provenance(example),
        indicators=[indicator],
    )
