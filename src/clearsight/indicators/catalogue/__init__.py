"""The indicator catalogue: one YAML file per indicator, `<area folder>/<id>.yaml` (style.md §6).

Each file holds, in order: the definition (id, code, title, plain-English definition, ILACS area, type,
unit, polarity, default RAG, basis, the configuration keys of its standard, the critical condition it can
raise), the item SQL over canonical tables, the exception query (which items are exceptions, their
severity and extra columns), its breakdowns, and its worked examples, each a golden test.

The item SQL returns one row per item (indicators.md §2.5) with the columns of `ITEM_COLUMNS`; the engine
(`engine.py`) turns items into values, breakdowns and exception lists, so every indicator is computed the
same way. Must not import Django or the warehouse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import yaml

from clearsight.yamltext import parse_yaml

FOLDER = Path(__file__).parent
AREAS = {
    "A": "a_help_protection",
    "B": "b_children_in_care",
    "C": "c_care_leavers",
    "D": "d_leadership",
}
AREA_TITLES = {
    "A": "Help and protection",
    "B": "Children in care",
    "C": "Care leavers",
    "D": "Leadership, quality and workforce",
}
UNITS = ("percent", "count", "rate_10k", "average_days", "average")
POLARITIES = ("higher", "lower", "none")
TYPES = ("snapshot", "period")
BREAKDOWNS = ("team", "worker", "age_band", "ethnicity", "disability")
CONDITIONS = tuple(f"K{n}" for n in range(1, 9))
# §2.6 rule 7, for when every row of a table an indicator reads came from Annex A: `unavailable` (the
# figure needs history the lists do not hold), `latest_only` (computed, noted as resting on each child's
# latest events), `lookback` (computed; a period figure's period moves into the lists' look-back window).
ANNEX_A_RULES = ("unavailable", "latest_only", "lookback")

# The columns every item SQL returns (indicators.md §2.5, §7). `state` is MET, NOT_MET, NOT_YET_DUE or
# EXCLUDED; `numerator` and `denominator` are the item's contributions (1 or 0 for a percentage; the
# days for an average; caseload and FTE for D07); `team_id` and `worker_id` attribute the item to its
# breakdown cells (§6); `ref_date` is the date its age is taken at.
ITEM_COLUMNS = {
    "record_id": "VARCHAR",
    "child_id": "VARCHAR",
    "state": "VARCHAR",
    "reason": "VARCHAR",
    "numerator": "DOUBLE",
    "denominator": "DOUBLE",
    "trigger_date": "DATE",
    "due_date": "DATE",
    "event_date": "DATE",
    "ref_date": "DATE",
    "team_id": "VARCHAR",
    "worker_id": "VARCHAR",
    "severity": "VARCHAR",
    "condition": "VARCHAR",
}
REQUIRED_ITEM_COLUMNS = ("record_id", "state")
STATES = ("MET", "NOT_MET", "NOT_YET_DUE", "EXCLUDED")
EXAMPLES_KEY = "\nexamples:"  # the top-level key that ends an indicator's definition


class CatalogueError(ValueError):
    """A catalogue file that does not hold a valid indicator; the message names the file."""


@dataclass(frozen=True)
class Example:
    """A worked example: input rows, run parameters and the expected result (indicators.md Appendix A)."""

    name: str
    tables: Mapping[str, list[dict[str, Any]]]
    expect: Mapping[str, Any]
    as_at: str = "2025-01-31"
    period_start: str | None = None
    period_end: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)  # table → source format of all its rows
    # table → row key → {source_format (default ssd), as_at: the row's extract as-at date,
    # raw_values: {column: value as found}}
    provenance: Mapping[str, Mapping[str, Mapping[str, Any]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Indicator:
    """One catalogue entry."""

    id: str
    code: str
    title: str
    area: str
    type: str
    unit: str
    polarity: str
    definition: str
    basis: str
    sql: str
    path: Path
    target: float | None = None
    tolerance: float | None = None
    min_denominator: int = 5
    standard: tuple[str, ...] = ()
    critical: str | None = None
    # §2.6 rule 5: "table" or "table.column" the item state depends on, or {setting: key} for the tables a
    # setting names (unpopulated only when every one of them is).
    requires: tuple[str | Mapping[str, str], ...] = ()
    annex_a: str | None = None
    annex_a_tables: tuple[str, ...] = ()
    working_days: bool = False
    notes: tuple[str, ...] = ()
    conditional_notes: tuple[Mapping[str, str], ...] = ()  # {when: SQL condition, note: text}
    supporting: Mapping[str, str] = field(default_factory=dict)  # name → SQL over `items`, one value
    # §2.6 rule 6, the data-quality log: {code, problem, sql}; the SQL (which may read the indicator's
    # `items`) returns a row (record_id, child_id, value seen) for each record the problem is found on.
    data_quality: tuple[Mapping[str, str], ...] = ()
    exceptions_when: str | None = "state = 'NOT_MET'"
    exception_columns: tuple[str, ...] = ()
    breakdowns: tuple[str, ...] = BREAKDOWNS
    age_bands: str = "child"  # or "care_leaver": the §2.4 bands the age-band breakdown uses

    @cached_property
    def examples(self) -> tuple[Example, ...]:
        """The worked examples, read from the file when first asked for (the engine never needs them)."""
        text = self.path.read_text(encoding="utf-8")
        start = text.find(EXAMPLES_KEY)
        if start < 0:
            return ()
        try:
            raw = parse_yaml(text[start + 1 :])
        except yaml.YAMLError as error:
            raise CatalogueError(f"{self.path}: the examples cannot be read as YAML ({error})") from error
        return tuple(_example(self.path, e) for e in raw.get("examples") or [])

    @property
    def sql_texts(self) -> tuple[str, ...]:
        """Every SQL text the engine runs for this indicator: items, notes, supporting figures, DQ log."""
        return (
            self.sql,
            *(note["when"] for note in self.conditional_notes),
            *self.supporting.values(),
            *(entry["sql"] for entry in self.data_quality),
        )

    @property
    def area_title(self) -> str:
        return AREA_TITLES[self.area]


def _example(path: Path, raw: Mapping[str, Any]) -> Example:
    try:
        return Example(
            name=str(raw["name"]),
            tables={name: list(rows or []) for name, rows in (raw.get("tables") or {}).items()},
            expect=raw["expect"],
            as_at=str(raw.get("as_at", "2025-01-31")),
            period_start=None if raw.get("period_start") is None else str(raw["period_start"]),
            period_end=None if raw.get("period_end") is None else str(raw["period_end"]),
            config=raw.get("config") or {},
            sources=raw.get("sources") or {},
            provenance=raw.get("provenance") or {},
        )
    except (KeyError, TypeError) as error:
        raise CatalogueError(f"{path}: an example lacks {error}") from error


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))


def load_indicator(path: Path) -> Indicator:
    """One catalogue file as an Indicator; raises CatalogueError naming the file and the problem."""
    try:
        text = path.read_text(encoding="utf-8")
        # The definition ends where the top-level `examples:` key begins; the examples, most of the file,
        # are read only when asked for (Indicator.examples).
        end = text.find(EXAMPLES_KEY)
        raw = parse_yaml(text if end < 0 else text[: end + 1])
    except (OSError, yaml.YAMLError) as error:
        raise CatalogueError(f"{path}: cannot be read as YAML ({error})") from error
    if not isinstance(raw, dict):
        raise CatalogueError(f"{path}: expected a mapping")
    exceptions = raw.get("exceptions", {})  # `exceptions: false` means the indicator lists none
    rag = raw.get("rag") or {}
    try:
        indicator = Indicator(
            id=raw["id"],
            code=raw["code"],
            title=raw["title"],
            area=raw["area"],
            type=raw["type"],
            unit=raw["unit"],
            polarity=raw["polarity"],
            definition=raw["definition"].strip(),
            basis=raw["basis"].strip(),
            sql=raw["sql"],
            path=path,
            target=rag.get("target"),
            tolerance=rag.get("tolerance"),
            min_denominator=int(rag.get("min_denominator", 5)),
            standard=_tuple(raw.get("standard")),
            critical=raw.get("critical"),
            requires=tuple(r if isinstance(r, Mapping) else str(r) for r in raw.get("requires") or ()),
            annex_a=(raw.get("annex_a") or {}).get("rule"),
            annex_a_tables=_tuple((raw.get("annex_a") or {}).get("tables")),
            working_days=bool(raw.get("working_days", False)),
            notes=_tuple(raw.get("notes")),
            conditional_notes=tuple(raw.get("conditional_notes") or ()),
            supporting=dict(raw.get("supporting") or {}),
            data_quality=tuple(raw.get("data_quality") or ()),
            exceptions_when=None
            if exceptions is False
            else (exceptions or {}).get("when", "state = 'NOT_MET'"),
            exception_columns=_tuple((exceptions or {}).get("columns")),
            breakdowns=_tuple(raw.get("breakdowns", list(BREAKDOWNS))),
            age_bands=raw.get("age_bands", "care_leaver" if raw.get("area") == "C" else "child"),
        )
    except KeyError as error:
        raise CatalogueError(f"{path}: the required key {error} is missing") from error
    _check(indicator)
    return indicator


def _check(i: Indicator) -> None:
    problems = []
    if i.path.stem != i.id:
        problems.append(f"the file is not named after the id {i.id!r}")
    if AREAS.get(i.area) != i.path.parent.name:
        problems.append(f"area {i.area!r} does not match the folder {i.path.parent.name}")
    for name, value, allowed in (
        ("type", i.type, TYPES),
        ("unit", i.unit, UNITS),
        ("polarity", i.polarity, POLARITIES),
    ):
        if value not in allowed:
            problems.append(f"{name} {value!r} is not one of {', '.join(allowed)}")
    if i.critical is not None and i.critical not in CONDITIONS:
        problems.append(f"critical {i.critical!r} is not one of K1-K8")
    if i.age_bands not in ("child", "care_leaver"):
        problems.append(f"age_bands {i.age_bands!r} is not child or care_leaver")
    if i.annex_a is not None and i.annex_a not in ANNEX_A_RULES:
        problems.append(f"annex_a rule {i.annex_a!r} is not one of {', '.join(ANNEX_A_RULES)}")
    for requirement in i.requires:
        if isinstance(requirement, Mapping) and set(requirement) != {"setting"}:
            problems.append("a requires entry is a table, table.column, or {setting: key}")
    for entry in i.data_quality:
        if not isinstance(entry, Mapping) or {"code", "problem", "sql"} - entry.keys():
            problems.append("each data_quality entry needs code, problem and sql")
    for name in i.breakdowns:
        if name not in BREAKDOWNS:
            problems.append(f"breakdown {name!r} is not one of {', '.join(BREAKDOWNS)}")
    if problems:
        raise CatalogueError(f"{i.path}: " + "; ".join(problems))


@cache
def catalogue() -> tuple[Indicator, ...]:
    """Every indicator, in catalogue order (A01…D11); raises CatalogueError on a bad or repeated entry."""
    found = [load_indicator(path) for folder in AREAS.values() for path in (FOLDER / folder).glob("*.yaml")]
    seen: dict[str, Path] = {}
    for indicator in found:
        for key in (indicator.id, indicator.code):
            if key in seen:
                raise CatalogueError(f"{indicator.path}: {key} is also used by {seen[key]}")
            seen[key] = indicator.path
    return tuple(sorted(found, key=lambda i: (i.area, int(i.code[1:]))))


def find(indicator_id: str) -> Indicator:
    """The indicator with this id or code; raises KeyError naming what is known."""
    for indicator in catalogue():
        if indicator_id in (indicator.id, indicator.code):
            return indicator
    raise KeyError(f"no indicator {indicator_id!r}; `clearsight indicators` lists them")
