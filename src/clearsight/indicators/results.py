"""Indicator results from the items of a run: values with RAG and direction of travel, breakdowns, and
exception lists (indicators.md §2.5, §3, §4, §6, §7), all computed in SQL over the one `_items` table the
engine gathers. Also the critical register (§7) read back from stored exceptions.

Must not import Django or the warehouse.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import duckdb
import pyarrow as pa

from clearsight.indicators import rag
from clearsight.indicators.catalogue import Indicator, catalogue
from clearsight.indicators.config import Config
from clearsight.indicators.session import Run
from clearsight.model.issues import WARNING, Issue

POPULATION_BAND = "0-17"
NOT_AVAILABLE = "not available from this data"
COUNCIL = "council"  # the column that says whose a row is, in the tables computed here (None for one council)


@dataclass(frozen=True)
class Results:
    """The results of one run: values, breakdowns, exceptions and exclusions, as Arrow tables."""

    values: pa.Table
    breakdowns: pa.Table
    exceptions: pa.Table
    exclusions: pa.Table | None = None  # the log of every item an indicator's rule left out (§2.6 rule 6)
    data_quality: pa.Table | None = None  # the data-quality problems indicators found (§2.6 rule 6)
    items: pa.Table | None = None  # every indicator's items, when asked for (not stored)


@dataclass
class Outcome:
    """What running one indicator gave besides its items: availability, notes, period, supporting figures."""

    indicator: Indicator
    available: bool
    notes: list[str]
    period_start: dt.date
    supporting: dict[str, object]
    unavailable_in: frozenset[str | None] = frozenset()  # a pooled run's councils it is unavailable for
    # each council's conditional notes that apply and supporting figures
    figures: Mapping[str | None, tuple[list[str], dict[str, object]]] = field(default_factory=dict)

    def of(self, council: str | None, run: Run) -> Outcome:
        """The outcome for one council of the run, with its own notes and supporting figures."""
        if council in self.unavailable_in:
            return Outcome(self.indicator, False, [NOT_AVAILABLE], run.period_start, {})
        notes, supporting = self.figures.get(council, ([], {}))
        return replace(self, notes=[*self.notes, *notes], supporting=supporting)


def population(table: pa.Table | None) -> dict[str, float]:
    """Child population by age band (ext_population), with 0-17 summed from the bands when not given."""
    rows: dict[str, float] = {}
    if table is not None and table.num_rows:
        sums = table.group_by("age_band").aggregate([("count", "sum")])
        rows = dict(zip(sums["age_band"].to_pylist(), sums["count_sum"].to_pylist(), strict=True))
    if POPULATION_BAND not in rows:
        bands = [v for k, v in rows.items() if k in ("under 1", "1-4", "5-9", "10-15", "16-17")]
        if bands:
            rows[POPULATION_BAND] = sum(bands)
    return {k: float(v) for k, v in rows.items() if v is not None}


def _value(unit: str, numerator: float, denominator: float) -> float | None:
    if unit == "count":
        return numerator
    if not denominator:
        return None
    scale = {"percent": 100.0, "rate_10k": 10_000.0}.get(unit, 1.0)
    return scale * numerator / denominator


VALUE_COLUMNS = pa.schema(
    [
        ("id", pa.string()),
        ("code", pa.string()),
        ("title", pa.string()),
        ("area", pa.string()),
        ("unit", pa.string()),
        ("polarity", pa.string()),
        ("type", pa.string()),
        ("value", pa.float64()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("available", pa.bool_()),
        ("note", pa.string()),
        ("status", pa.string()),
        ("direction", pa.string()),
        ("previous_value", pa.float64()),
        ("target", pa.float64()),
        ("tolerance", pa.float64()),
        ("not_yet_due", pa.int64()),
        ("excluded_by_reason", pa.string()),
        ("critical_count", pa.int64()),
        ("exception_count", pa.int64()),
        ("supporting", pa.string()),
        ("as_at", pa.date32()),
        ("period_start", pa.date32()),
        ("period_end", pa.date32()),
        ("config_version", pa.string()),
    ]
)


@dataclass
class Totals:
    """One council's sums over its items, by indicator: (numerator, denominator, not yet due), the
    exclusions by reason, and (exceptions, critical exceptions)."""

    sums: dict[str, tuple[float, float, int]] = field(default_factory=dict)
    excluded: dict[str, dict[str, int]] = field(default_factory=dict)
    flagged: dict[str, tuple[int, int]] = field(default_factory=dict)


def item_totals(con: duckdb.DuckDBPyConnection) -> dict[str | None, Totals]:
    """Each council's sums over the items, in one pass per sum (one council, `None`, unless pooled)."""
    found: dict[str | None, Totals] = {}
    for council, indicator_id, numerator, denominator, not_yet_due in con.execute(
        """
        SELECT council, indicator_id, sum(numerator), sum(denominator),
            count(*) FILTER (state = 'NOT_YET_DUE')
        FROM _items GROUP BY ALL
        """
    ).fetchall():
        found.setdefault(council, Totals()).sums[indicator_id] = (numerator, denominator, not_yet_due)
    for council, indicator_id, reason, n in con.execute(
        "SELECT council, indicator_id, coalesce(reason, 'UNSPECIFIED'), count(*) FROM _items "
        "WHERE state = 'EXCLUDED' GROUP BY ALL ORDER BY ALL"
    ).fetchall():
        found.setdefault(council, Totals()).excluded.setdefault(indicator_id, {})[reason] = n
    for council, indicator_id, count, critical in con.execute(
        "SELECT council, indicator_id, count(*), count(*) FILTER (coalesce(severity, 'normal') = 'critical') "
        "FROM _items WHERE is_exception GROUP BY ALL"
    ).fetchall():
        found.setdefault(council, Totals()).flagged[indicator_id] = (count, critical)
    return found


def values(
    outcomes: list[Outcome],
    totals: Totals,
    run: Run,
    config: Config,
    population: Mapping[str, float],
    previous: Results | None,
) -> pa.Table:
    """One row per indicator (VALUE_COLUMNS) from one council's item totals."""
    excluded, flagged = totals.excluded, totals.flagged
    before = _previous_values(previous, config.version)
    rows = []
    for outcome in outcomes:
        i = outcome.indicator
        numerator, denominator, not_yet_due = totals.sums.get(i.id, (0.0, 0.0, 0))
        notes = list(outcome.notes)
        settings = config.indicator(i.id)
        available = outcome.available
        if available and i.unit == "rate_10k":
            denominator = population.get(POPULATION_BAND)
            if not denominator:
                available = False
                notes.append("no child population (ext_population) supplied")
            elif not config["population.source"]:
                notes.append("population source not stated")
        value = _value(i.unit, numerator or 0.0, denominator or 0.0) if available else None
        target = target_in_force(i, config, run.as_at)
        tolerance = settings.get("tolerance", i.tolerance)
        status = rag.status(
            value,
            polarity=i.polarity,
            target=target,
            tolerance=tolerance,
            denominator=None if i.unit in ("count", "rate_10k") else denominator,
            min_denominator=settings.get("min_denominator", i.min_denominator),
            available=available,
        )
        prior = before.get(i.id)
        trend = rag.direction(
            value if status not in (rag.LOW_N,) else None,
            prior,
            polarity=i.polarity,
            unit=i.unit,
            minimum_change=settings.get("dot_threshold"),
        )
        mode = settings.get("rag_mode", config["rag_mode"])
        if mode == "direction" and status not in (rag.NO_DATA, rag.NO_SOURCE_DATA, rag.LOW_N):
            status = rag.status_by_direction(trend)
        count, critical = flagged.get(i.id, (0, 0)) if available else (0, 0)
        if settings.get("critical_overrides_rag", False) and critical:
            status = rag.RED
        rows.append(
            {
                "id": i.id,
                "code": i.code,
                "title": i.title,
                "area": i.area,
                "unit": i.unit,
                "polarity": i.polarity,
                "type": i.type,
                "value": value,
                "numerator": numerator if available else None,
                "denominator": denominator if available else None,
                "available": available,
                "note": "; ".join(dict.fromkeys(notes)) or None,
                "status": status,
                "direction": trend,
                "previous_value": prior,
                "target": target,
                "tolerance": tolerance,
                "not_yet_due": not_yet_due if available else 0,
                "excluded_by_reason": json.dumps(excluded.get(i.id, {}), sort_keys=True),
                "critical_count": critical,
                "exception_count": count,
                "supporting": json.dumps(outcome.supporting, default=str, sort_keys=True),
                "as_at": run.as_at,
                "period_start": outcome.period_start,
                "period_end": run.period_end,
                "config_version": config.version,
            }
        )
    return pa.Table.from_pylist(rows, schema=VALUE_COLUMNS)


def _previous_values(previous: Results | None, version: str) -> dict[str, float]:
    """Earlier values under the same configuration (§4: different config_version means no comparison)."""
    if previous is None:
        return {}
    return {
        row["id"]: row["value"]
        for row in previous.values.to_pylist()
        if row["config_version"] == version and row["value"] is not None and row["status"] != rag.LOW_N
    }


BREAKDOWN_CELLS = {
    "team": "coalesce(tn.team_name, i.team_id, 'Unallocated')",
    "worker": "coalesce(wn.worker_name, i.worker_id, 'Unallocated')",
    "age_band": (
        "coalesce(CASE WHEN o.care_leaver_bands "
        "THEN care_leaver_age_band(p.dob, coalesce(i.ref_date, as_at())) "
        "ELSE child_age_band(p.dob, p.expected_dob, coalesce(i.ref_date, as_at())) END, 'Unknown')"
    ),
    "ethnicity": "coalesce(p.ethnicity, 'Unknown')",
    "disability": "coalesce(p.disability, 'Unknown')",
}


def breakdowns(
    con: duckdb.DuckDBPyConnection,
    indicators: list[Indicator],
    population: Mapping[str | None, Mapping[str, float]],
) -> pa.Table:
    """Numerator and denominator per cell of each breakdown an indicator supports (§6), for each council
    (`population` by council), in a `council` column. A rate's cells are its age bands, over the band's
    population; the value is worked out as `_value` does, in the same statement."""
    units = pa.table(
        {"indicator_id": [i.id for i in indicators], "unit": [i.unit for i in indicators]},
        schema=pa.schema([("indicator_id", pa.string()), ("unit", pa.string())]),
    )
    bands = pa.table(
        {
            COUNCIL: [council for council, own in population.items() for _ in own],
            "cell": [band for own in population.values() for band in own],
            "population": [count for own in population.values() for count in own.values()],
        },
        schema=pa.schema([(COUNCIL, pa.string()), ("cell", pa.string()), ("population", pa.float64())]),
    )
    cells = ", ".join(f"{cell} AS {name}" for name, cell in BREAKDOWN_CELLS.items())
    names = list(BREAKDOWN_CELLS)
    # Every item's cells are worked out once and summed by each breakdown in one pass (grouping sets);
    # GROUPING_ID tells which breakdown a row sums: the bit of each column not grouped by is set.
    which = " ".join(
        f"WHEN {sum(1 << (len(names) - 1 - j) for j in range(len(names)) if j != k)} THEN '{name}'"
        for k, name in enumerate(names)
    )
    sql = f"""
        WITH cells AS (
            SELECT i.council, i.indicator_id, i.numerator, i.denominator, {cells}
            FROM _items i JOIN _catalogue_order o USING (indicator_id)
            LEFT JOIN people p ON p.person_id = i.child_id
            LEFT JOIN team_names tn ON tn.team_id = i.team_id
            LEFT JOIN worker_names wn ON wn.worker_id = i.worker_id
            WHERE i.state <> 'EXCLUDED'
        ),
        sums AS (
            SELECT council, indicator_id, CASE GROUPING_ID({", ".join(names)}) {which} END AS breakdown,
                coalesce({", ".join(names)}) AS cell,
                sum(numerator) AS numerator, sum(denominator) AS denominator
            FROM cells
            GROUP BY GROUPING SETS ({", ".join(f"(council, indicator_id, {name})" for name in names)})
        ),
        shown AS (
            SELECT s.council, s.indicator_id, s.breakdown, s.cell, s.numerator, u.unit,
                CASE WHEN u.unit <> 'rate_10k' THEN s.denominator
                     WHEN s.breakdown = 'age_band' THEN b.population END AS denominator
            FROM sums s JOIN _catalogue_order o USING (indicator_id)
            JOIN _breakdown_units u USING (indicator_id)
            LEFT JOIN _breakdown_population b
                ON b.council IS NOT DISTINCT FROM s.council AND b.cell = s.cell
            WHERE list_contains(o.breakdowns, s.breakdown)
        )
        SELECT council, indicator_id, breakdown, cell, numerator, denominator,
            CASE WHEN unit = 'count' THEN numerator
                 WHEN denominator IS NULL OR denominator = 0 THEN NULL
                 WHEN unit = 'percent' THEN 100.0 * numerator / denominator
                 WHEN unit = 'rate_10k' THEN 10000.0 * numerator / denominator
                 ELSE numerator / denominator END AS value
        FROM shown
        ORDER BY 1, 2, 3, 4
    """
    con.register("_breakdown_units", units)
    con.register("_breakdown_population", bands)
    try:
        return con.sql(sql).to_arrow_table().cast(BREAKDOWN_COLUMNS)
    finally:
        con.unregister("_breakdown_units")
        con.unregister("_breakdown_population")


BREAKDOWN_COLUMNS = pa.schema(
    [
        (COUNCIL, pa.string()),
        ("indicator_id", pa.string()),
        ("breakdown", pa.string()),
        ("cell", pa.string()),
        ("numerator", pa.float64()),
        ("denominator", pa.float64()),
        ("value", pa.float64()),
    ]
)


EXCEPTION_COLUMNS = pa.schema(
    [
        ("indicator_id", pa.string()),
        ("code", pa.string()),
        ("as_at", pa.date32()),
        ("severity", pa.string()),
        ("condition", pa.string()),
        ("reason", pa.string()),
        ("child_id", pa.string()),
        ("child_name", pa.string()),
        ("age", pa.int64()),
        ("team", pa.string()),
        ("worker", pa.string()),
        ("record_id", pa.string()),
        ("trigger_date", pa.date32()),
        ("due_date", pa.date32()),
        ("event_date", pa.date32()),
        ("days_overdue", pa.int64()),
        ("wd_overdue", pa.int64()),
        ("event_team", pa.string()),
        ("event_worker", pa.string()),
        ("exception_key", pa.string()),
        ("first_seen_as_at", pa.date32()),
        ("details", pa.string()),
    ]
)


NAME_COLUMNS = ("pers_forename", "pers_surname")  # a child's name on the exception lists


def exceptions(
    con: duckdb.DuckDBPyConnection, indicators: list[Indicator], run: Run, previous: Results | None
) -> pa.Table:
    """The exception rows of §7, sorted critical first, then the most overdue, then by child."""
    working_days = [i.id for i in indicators if i.working_days]
    wd_ids = ", ".join(f"'{x}'" for x in working_days) or "NULL"
    con.register("_first_seen", _first_seen(previous))
    sql = f"""
        SELECT
            x.council, x.indicator_id, x.code, as_at() AS as_at, coalesce(x.severity, 'normal') AS severity,
            x.condition, x.reason, x.child_id, n.child_name,
            CASE WHEN p.dob IS NOT NULL AND p.dob <= as_at() THEN age_on(p.dob, as_at()) END AS age,
            coalesce(tn.team_name, x.now_team) AS team,
            coalesce(wn.worker_name, x.now_worker) AS worker,
            x.record_id, x.trigger_date, x.due_date, x.event_date,
            CASE WHEN x.due_date IS NULL THEN NULL
                 ELSE date_diff('day', x.due_date, coalesce(x.event_date, as_at())) END AS days_overdue,
            x.wd_overdue,
            coalesce(etn.team_name, x.team_id) AS event_team,
            coalesce(ewn.worker_name, x.worker_id) AS event_worker,
            concat_ws(':', x.indicator_id, x.record_id, coalesce(CAST(x.due_date AS VARCHAR), ''))
                AS exception_key,
            x.details, x.ordinal
        FROM (
            SELECT o.ordinal, o.code,
                CASE WHEN i.indicator_id IN ({wd_ids})
                    THEN wd_between(i.due_date, coalesce(i.event_date, as_at())) END AS wd_overdue,
                CASE WHEN o.own_allocation THEN i.team_id ELSE coalesce(a.team_id, i.team_id) END AS now_team,
                CASE WHEN o.own_allocation THEN i.worker_id ELSE coalesce(a.worker_id, i.worker_id) END
                    AS now_worker,
                i.*
            FROM _items i JOIN _catalogue_order o USING (indicator_id)
            LEFT JOIN allocation_now a ON a.person_id = i.child_id
            WHERE i.is_exception
        ) x
        LEFT JOIN people p ON p.person_id = x.child_id
        LEFT JOIN (
            SELECT pers_person_id, any_value(trim(concat_ws(' ', {", ".join(NAME_COLUMNS)}))) AS child_name
            FROM ssd_person WHERE pers_person_id IN (SELECT child_id FROM _items WHERE is_exception)
            GROUP BY ALL
        ) n ON n.pers_person_id = x.child_id
        LEFT JOIN team_names tn ON tn.team_id = x.now_team
        LEFT JOIN worker_names wn ON wn.worker_id = x.now_worker
        LEFT JOIN team_names etn ON etn.team_id = x.team_id
        LEFT JOIN worker_names ewn ON ewn.worker_id = x.worker_id
    """
    table = con.sql(
        f"""
        SELECT e.* EXCLUDE (ordinal, details),
            coalesce(LEAST(f.first_seen_as_at, e.as_at), e.as_at) AS first_seen_as_at, e.details
        FROM ({sql}) e LEFT JOIN _first_seen f USING (exception_key)
        ORDER BY e.severity = 'critical' DESC, e.days_overdue DESC NULLS LAST, e.child_id NULLS LAST,
            e.ordinal, e.record_id
        """
    ).to_arrow_table()
    return _by_council(table, EXCEPTION_COLUMNS)


def target_in_force(indicator: Indicator, config: Config, as_at: dt.date) -> float | None:
    """The indicator's RAG target on the date: the council's own (or its trajectory), else the default."""
    settings = config.indicator(indicator.id)
    return rag.target_in_force(
        settings.get("target", indicator.target), settings.get("target_schedule"), as_at
    )


EXCLUSION_COLUMNS = pa.schema(
    [
        ("indicator_id", pa.string()),
        ("record_id", pa.string()),
        ("child_id", pa.string()),
        ("rule", pa.string()),
        ("trigger_date", pa.date32()),
        ("event_date", pa.date32()),
    ]
)


def exclusions(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every item an indicator's own rule left out, with the rule (§2.6 rule 6), in catalogue order."""
    return _by_council(
        con.sql(
            """
            SELECT i.council, i.indicator_id, i.record_id, i.child_id,
                coalesce(i.reason, 'UNSPECIFIED') AS rule, i.trigger_date, i.event_date
            FROM _items i JOIN _catalogue_order o USING (indicator_id)
            WHERE i.state = 'EXCLUDED'
            ORDER BY o.ordinal, i.record_id
            """
        ).to_arrow_table(),
        EXCLUSION_COLUMNS,
    )


DATA_QUALITY_COLUMNS = pa.schema(
    [
        ("indicator_id", pa.string()),
        ("code", pa.string()),
        ("problem", pa.string()),
        ("record_id", pa.string()),
        ("child_id", pa.string()),
        ("value", pa.string()),
    ]
)


def data_quality(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every data-quality problem the indicators found (§2.6 rule 6), in catalogue order, once per
    indicator, problem and record."""
    return _by_council(
        con.sql(
            """
            SELECT DISTINCT d.council, d.indicator_id, d.code, d.problem, d.record_id, d.child_id, d.value,
                o.ordinal
            FROM _data_quality d JOIN _catalogue_order o USING (indicator_id)
            ORDER BY o.ordinal, d.code, d.record_id, d.value
            """
        ).to_arrow_table(),
        DATA_QUALITY_COLUMNS,
    )


def _by_council(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """The table in `schema`'s columns and types, after the council column."""
    return table.select([COUNCIL, *schema.names]).cast(pa.schema([(COUNCIL, pa.string()), *schema]))


def data_quality_issues(results: Results) -> list[Issue]:
    """The indicators' data-quality problems as warnings for the data-quality report, each naming the
    indicator, the problem and the record."""
    if results.data_quality is None:
        return []
    codes = {i.id: i.code for i in catalogue()}
    return [
        Issue(
            problem=f"{codes.get(row['indicator_id'], row['indicator_id'])} {row['code']}: {row['problem']}",
            severity=WARNING,
            key=row["record_id"],
            value=row["value"],
        )
        for row in results.data_quality.to_pylist()
    ]


def register_order(con: duckdb.DuckDBPyConnection, indicators: list[Indicator]) -> None:
    """The chosen indicators in catalogue order, with what the breakdowns and exception lists need."""
    order = pa.table(
        {
            "indicator_id": [i.id for i in indicators],
            "code": [i.code for i in indicators],
            "ordinal": list(range(len(indicators))),
            "care_leaver_bands": [i.age_bands == "care_leaver" for i in indicators],
            "breakdowns": [list(i.breakdowns) for i in indicators],
            # D7: a care leaver's team and worker are those of their own record, not an involvement.
            "own_allocation": [i.area == "C" for i in indicators],
        }
    )
    con.register("_order", order)
    con.execute("CREATE TABLE _catalogue_order AS SELECT * FROM _order")  # a table: every connection reads it
    con.unregister("_order")


def _first_seen(previous: Results | None) -> pa.Table:
    schema = pa.schema([("exception_key", pa.string()), ("first_seen_as_at", pa.date32())])
    if previous is None or not previous.exceptions.num_rows:
        return schema.empty_table()
    return previous.exceptions.select(schema.names).cast(schema)


def critical_register(exceptions: pa.Table) -> pa.Table:
    """Every open critical exception once per child and condition (§7): the first raising indicator's row
    in catalogue order, with the oldest first_seen_as_at."""
    con = duckdb.connect()
    try:
        con.register("exceptions", exceptions)
        register_order(con, list(catalogue()))
        return con.sql(
            """
            SELECT e.* REPLACE (min(e.first_seen_as_at) OVER each_condition AS first_seen_as_at)
            FROM exceptions e LEFT JOIN _catalogue_order o USING (indicator_id)
            WHERE e.severity = 'critical'
            WINDOW each_condition AS (PARTITION BY e.child_id, coalesce(e.condition, e.indicator_id))
            QUALIFY row_number() OVER (each_condition ORDER BY o.ordinal, e.record_id) = 1
            ORDER BY e.days_overdue DESC NULLS LAST, e.child_id
            """
        ).to_arrow_table()
    finally:
        con.close()
