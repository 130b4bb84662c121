"""Collecting the rows the lists make, and combining them into canonical tables (formats.md §2.1-§2.3, §2.7).

The list mappings (`lists.py`) hand rows to a `Builder`, each with its origin and, where a mapping
reduced a value, the raw cells. `combine` then makes one row per primary key: rows that share a
derived key (the same referral in Lists 3 and 6, one team on many rows) are combined, each column
taking its first non-empty value. The precedence is the later list first, then the order the sheets
were read, then row order, so a child's details come from the latest list that gives them (§2.2):
a child whose date of birth, gender, ethnicity or disability answer differs between rows keeps the
later list's value, and every row that disagrees is reported. The same event twice in one sheet is
reported as a duplicate.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.annex_a.cells import Cells
from clearsight.formats.common.keys import derive_ids
from clearsight.model import TABLES
from clearsight.model.issues import WARNING, Issue
from clearsight.model.provenance import ORIGIN_SCHEMA

# Event tables: the same natural key twice in one sheet is a duplicate worth reporting.
EVENTS = frozenset(
    {
        "ssd_contacts",
        "ssd_early_help_episodes",
        "ssd_cin_episodes",
        "ssd_cin_assessments",
        "ssd_s47_enquiry",
        "ssd_initial_cp_conference",
        "ssd_cp_plans",
        "ssd_cla_episodes",
        "ssd_cla_placement",
        "ssd_legal_status",
        "ssd_permanence",
        "ssd_care_leavers",
    }
)
DUPLICATE = "the same {what} appears more than once in this sheet; the rows were combined"
DIFFERS = "the child's {what} differs between rows; the latest list's value was kept"
PERSON_FIELDS = {
    "pers_dob": "date of birth",
    "pers_gender": "gender",
    "pers_ethnicity": "ethnicity",
    "disability": "disability answer",
}
_PERSON_EXTRA = {"disability": pa.string(), "uasc": pa.string()}
_ORIGIN = ORIGIN_SCHEMA.names


@dataclass
class Rows:
    """Rows for one canonical table: stored values, origins and raw cells, most important first."""

    stored: pa.Table
    origin: pa.Table
    raw: pa.Table  # raw text of the columns a mapping reduced (may have no columns)
    person: pa.Array  # the child of each row, for issues


@dataclass
class _Part:
    stored: pa.Table
    origin: pa.Table
    raw: dict[str, pa.Array]
    rank: int


@dataclass
class Builder:
    """What the list mappings produce, before rows are combined."""

    la_code: str
    as_at: dt.date | None
    parts: dict[str, list[_Part]] = field(default_factory=dict)
    people: list[_Part] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)  # file name → path, for issues
    issues: list[Issue] = field(default_factory=list)
    stash: dict[str, list] = field(default_factory=dict)  # rows kept for linking lists (`link.py`)
    sheets: int = 0

    def rank(self, cells: Cells) -> int:
        """Precedence of a sheet's rows: the later list first, then the order the sheets were read."""
        return -cells.number * 10_000 + self.sheets

    def ids(self, table: str, *parts: pa.Array) -> pa.Array:
        """Derived row ids (§2.3) for one table's rows from their natural-key columns."""
        return derive_ids(self.la_code, table, *parts)

    def add(
        self,
        table: str,
        cells: Cells,
        columns: dict[str, pa.Array],
        raw: dict[str, pa.Array] | None = None,
        where: pa.Array | None = None,
        slot: str | None = None,
    ) -> None:
        """Rows for `table` from a sheet: named columns, the rest NULL; only rows where `where` holds.

        Rows given a `slot` are kept apart, under that name, until linking decides whether they are needed.
        """
        model = TABLES[table]
        n = len(cells)
        arrays = [
            columns[c.name].cast(c.arrow_type)
            if columns.get(c.name) is not None
            else pa.nulls(n, c.arrow_type)
            for c in model.columns
        ]
        stored = pa.Table.from_arrays(arrays, schema=model.arrow_schema)
        origin, raw = cells.origin(), dict(raw or {})
        if where is not None:
            keep = pc.fill_null(where, False)
            stored, origin = stored.filter(keep), origin.filter(keep)
            raw = {k: v.filter(keep) for k, v in raw.items()}
        self.parts.setdefault(slot or table, []).append(_Part(stored, origin, raw, self.rank(cells)))

    def person(self, cells: Cells, **columns: pa.Array) -> None:
        """A sheet's facts about its children: gender, ethnicity, date of birth, disability, UASC."""
        n = len(cells)
        data = {"pers_person_id": cells.get("child_id"), **columns}
        for name, type_ in _PERSON_EXTRA.items():
            data.setdefault(name, pa.nulls(n, type_))
        raw = {
            column: cells.raw.get(key, pa.nulls(n, pa.string()))
            for column, key in (
                ("pers_gender", "gender"),
                ("pers_ethnicity", "ethnicity"),
                ("disability", "disability"),
            )
        }
        self.people.append(_Part(pa.table(data), cells.origin(), raw, self.rank(cells)))


def _concat(parts: list[_Part], person_column: str) -> Rows:
    """A table's parts, most important first; raw cells for every column any part reduced."""
    parts = sorted(parts, key=lambda p: p.rank)
    stored = pa.concat_tables([p.stored for p in parts])
    origin = pa.concat_tables([p.origin.cast(ORIGIN_SCHEMA) for p in parts])
    raw_names = sorted({k for p in parts for k in p.raw})
    raw_parts = [
        pa.table(
            [p.raw.get(n, p.stored[n].combine_chunks()).cast(pa.string()) for n in raw_names], names=raw_names
        )
        for p in parts
    ]
    raw = pa.concat_tables(raw_parts) if raw_names else pa.table({})
    return Rows(stored, origin, raw, stored[person_column].combine_chunks())


def first_per_key(data: pa.Table, key: str) -> pa.Table:
    """One row per key value, in order of first appearance: each column's first non-null value."""
    keys = data[key].combine_chunks()
    distinct = pc.unique(keys)
    codes = pc.index_in(keys, distinct, skip_nulls=False).to_numpy(zero_copy_only=False)
    rows = np.arange(len(keys))
    out = {key: distinct}
    for name in data.column_names:
        if name == key:
            continue
        values = data[name].combine_chunks()
        given = values.is_valid().to_numpy(zero_copy_only=False)
        first = np.full(len(distinct), -1, np.int64)
        first[codes[given][::-1]] = rows[given][::-1]  # written last to first, so the first row wins
        out[name] = values.take(pa.array(first, mask=first < 0))
    return pa.table(out).select(data.column_names)


def _merge(rows: Rows, key: str) -> Rows:
    """Rows sharing a key combined into one (stored, origin and raw columns alike)."""
    if pc.count_distinct(rows.stored[key]).as_py() == rows.stored.num_rows:
        return rows
    wide = pa.table(
        {
            **{c: rows.stored[c] for c in rows.stored.column_names},
            **{f"__origin_{c}": rows.origin[c] for c in _ORIGIN},
            **{f"__raw_{c}": rows.raw[c] for c in rows.raw.column_names},
            "__person": rows.person,
        }
    )
    merged = first_per_key(wide, key)
    return Rows(
        merged.select(rows.stored.column_names),
        pa.table({c: merged[f"__origin_{c}"] for c in _ORIGIN}),
        pa.table({c: merged[f"__raw_{c}"] for c in rows.raw.column_names}),
        merged["__person"].combine_chunks(),
    )


def _issue(problem: str, table: str, rows: Rows, i: int, paths: dict[str, str], **more) -> Issue:
    name = rows.origin["source_file"][i].as_py()
    return Issue(
        problem,
        WARNING,
        table=table,
        key=rows.person[i].as_py(),
        file=paths.get(name, name),
        sheet=rows.origin["source_location"][i].as_py(),
        row=rows.origin["source_row"][i].as_py(),
        **more,
    )


def _duplicates(table: str, rows: Rows, paths: dict[str, str]) -> list[Issue]:
    """Issues for the second and later rows of one natural key within one sheet."""
    if pc.count_distinct(rows.stored[TABLES[table].primary_key]).as_py() == rows.stored.num_rows:
        return []
    origin = rows.origin
    key = pc.binary_join_element_wise(
        rows.stored[TABLES[table].primary_key], origin["source_file"], origin["source_location"], "\x1f"
    )
    distinct = pc.unique(key)
    first = pc.take(pc.index_in(distinct, key), pc.index_in(key, distinct))
    later = pc.not_equal(first, pa.array(np.arange(len(key)))).to_numpy(zero_copy_only=False)
    what = table.removeprefix("ssd_").replace("_", " ")
    return [_issue(DUPLICATE.format(what=what), table, rows, int(i), paths) for i in np.flatnonzero(later)]


def combine(builder: Builder) -> tuple[dict[str, Rows], list[Issue]]:
    """Every canonical table the lists fed, one row per primary key, and the issues combining found."""
    tables: dict[str, Rows] = {}
    issues: list[Issue] = []
    for table, parts in builder.parts.items():
        model = TABLES[table]
        rows = _concat(parts, model.person or model.primary_key)
        if table in EVENTS:
            issues += _duplicates(table, rows, builder.paths)
        tables[table] = _merge(rows, model.primary_key)
    if builder.people:
        people, person_issues = _people(builder)
        tables.update(people)
        issues += person_issues
    return tables, issues


def _people(builder: Builder) -> tuple[dict[str, Rows], list[Issue]]:
    """ssd_person, ssd_disability and ssd_immigration_status from every list's facts about its children."""
    parts = sorted(builder.people, key=lambda p: p.rank)
    facts = pa.concat_tables([p.stored for p in parts], promote_options="default")
    rows = Rows(
        facts,
        pa.concat_tables([p.origin.cast(ORIGIN_SCHEMA) for p in parts]),
        pa.concat_tables([pa.table({k: v.cast(pa.string()) for k, v in p.raw.items()}) for p in parts]),
        facts["pers_person_id"].combine_chunks(),
    )
    merged = _merge(rows, "pers_person_id")
    issues = []
    position = pc.index_in(rows.person, merged.person)
    for column, what in PERSON_FIELDS.items():
        kept = pc.take(merged.stored[column], position)
        differs = pc.not_equal(rows.stored[column], kept).fill_null(False)
        issues += [
            _issue(
                DIFFERS.format(what=what), "ssd_person", rows, i, builder.paths, column=column, value=str(v)
            )
            for i, v in zip(
                pc.indices_nonzero(differs).to_pylist(),
                rows.stored[column].filter(differs).to_pylist(),
                strict=True,
            )
        ]
    return _person_tables(builder, rows, merged), issues


def _person_tables(builder: Builder, rows: Rows, merged: Rows) -> dict[str, Rows]:
    model = TABLES["ssd_person"]
    n = merged.stored.num_rows
    person = Rows(
        pa.Table.from_arrays(
            [
                merged.stored[c.name] if c.name in merged.stored.column_names else pa.nulls(n, c.arrow_type)
                for c in model.columns
            ],
            schema=model.arrow_schema,
        ),
        merged.origin,
        merged.raw.select(["pers_gender", "pers_ethnicity"]),
        merged.person,
    )
    out = {"ssd_person": person}
    answered = rows.stored["disability"].is_valid()
    if pc.any(answered).as_py():
        code = pc.if_else(pc.equal(merged.stored["disability"], "Y"), "DDA", "NONE")
        keep = merged.stored["disability"].is_valid()
        ids = builder.ids("ssd_disability", merged.person, code)
        table = pa.table(
            {"disa_person_id": merged.person, "disa_table_id": ids, "disa_disability_code": code}
        )
        out["ssd_disability"] = Rows(
            table.filter(keep),
            _origin_of(rows, merged, "disability").filter(keep),
            pa.table({"disa_disability_code": merged.raw["disability"]}).filter(keep),
            merged.person.filter(keep),
        )
    uasc = pc.equal(merged.stored["uasc"], "Y").fill_null(False)
    if pc.any(uasc).as_py():
        who = merged.person.filter(uasc)
        status = pa.repeat(pa.scalar("UASC"), len(who))
        out["ssd_immigration_status"] = Rows(
            pa.table(
                {
                    "immi_person_id": who,
                    "immi_immigration_status_id": builder.ids("ssd_immigration_status", who, status),
                    "immi_immigration_status": status,
                    "immi_immigration_status_start_date": pa.nulls(len(who), pa.date32()),
                    "immi_immigration_status_end_date": pa.nulls(len(who), pa.date32()),
                }
            ),
            _origin_of(rows, merged, "uasc").filter(uasc),
            pa.table({}),
            who,
        )
    return out


def _origin_of(rows: Rows, merged: Rows, column: str) -> pa.Table:
    """Per merged person, the origin of the first row giving `column` (else of the person's first row)."""
    given = rows.stored[column].is_valid()
    firsts = first_per_key(
        pa.table({"p": rows.person.filter(given), **{c: rows.origin[c].filter(given) for c in _ORIGIN}}), "p"
    )
    position = pc.index_in(merged.person, firsts["p"])
    return pa.table(
        {c: pc.coalesce(pc.take(firsts[c], position), merged.origin[c]) for c in _ORIGIN},
        schema=ORIGIN_SCHEMA,
    )
