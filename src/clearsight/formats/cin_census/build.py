"""Canonical tables from one file's collected blocks (formats.md §5.2–§5.8), a whole column at a time.

Every value is cast or matched to its stored form (formats.md §1): dates strictly `yyyy-mm-dd`
(§2.4), codes through the shared matcher (with the CIN's own synonyms, GenderCurrent 1/2/0/9),
flags in all six spellings (`0`/`1`/`true`/`false`/`TRUE`/`FALSE`, §5.0). A value that fails is
stored as NULL with an issue naming the file, XML path, line and column; the raw text stays in
provenance. Row ids are derived from natural keys (§2.3); a second row with the same key in one
file gets its own id and a warning.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pyarrow as pa
import pyarrow.compute as pc

from clearsight.formats.cin_census.collect import Block, Collected
from clearsight.formats.cin_census.profile import Profile
from clearsight.formats.common.codes import matcher_for
from clearsight.formats.common.issues import cell_issues
from clearsight.formats.common.keys import derive_ids
from clearsight.formats.common.values import cast_column
from clearsight.model import TABLES
from clearsight.model.issues import ERROR, INFO, WARNING, Issue
from clearsight.model.provenance import ORIGIN_SCHEMA
from clearsight.model.schema import DATETIME, INT, NVARCHAR

DATE, NUMBER, UPN = "date", "number", "upn"  # field kinds; anything else is a code set
GENDER_CURRENT = {"1": "M", "2": "F", "0": "U", "9": "I"}  # formats.md §5.2
_XSD_DATE = r"^\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$"  # xs:date, with its optional time zone

# Elements with no canonical column (formats.md §5.2–§5.8): reported once per file, not stored.
NO_HOME = (
    "FormerUPN",
    "AssessmentInternalReviewDate",
    "NumberOfPreviousCPP",
    "FGDMMeetingOffer",
    "FGDMMeetingFac",
    "CourtAppDate",
)

Built = dict[str, tuple[pa.Table, pa.Table, pa.Table]]  # table → (stored, origins, raw cells)


def _array(values: list) -> pa.Array:
    return pa.array(values, pa.string())


def take(ids: pa.Array, index: list[int]) -> pa.Array:
    """ids[index] per row, NULL where the index is -1 (no parent or link)."""
    positions = pa.array(index, pa.int64())
    return pc.take(ids, pc.if_else(pc.equal(positions, -1), None, positions))


class Builder:
    """Turns one file's blocks into canonical tables, collecting issues as it goes."""

    def __init__(self, collected: Collected, la_code: str, profile: Profile, source_name: str) -> None:
        self.blocks = collected
        self.file = collected.file
        self.source_name = source_name
        self.la_code = la_code
        self.profile = profile
        self.issues: list[Issue] = list(collected.issues)
        self.built: Built = {}

    # --- values ------------------------------------------------------------------------------------

    def _convert(self, text: pa.Array, kind: str) -> tuple[pa.Array, pa.Array, str]:
        """(stored values, failed mask, problem) for trimmed text of one kind."""
        if kind == DATE:
            xsd = pc.match_substring_regex(text, _XSD_DATE)
            day = pc.if_else(xsd, pc.utf8_slice_codeunits(text, 0, 10), None)
            stored = cast_column(day, DATETIME)[0]
            return (
                stored,
                pc.and_(pc.is_valid(text), pc.is_null(stored)),
                "not a real date written yyyy-mm-dd",
            )
        if kind == NUMBER:
            stored, failed = cast_column(text, INT)
            return stored, failed, "not a whole number"
        if kind == UPN:
            distinct = [v for v in pc.unique(text).drop_null().to_pylist() if self.profile.allows("UPN", v)]
            ok = pc.is_in(text, pa.array(distinct, pa.string()))
            return pc.if_else(ok, text, None), pc.and_(pc.is_valid(text), pc.invert(ok)), "not a valid UPN"
        synonyms = GENDER_CURRENT if kind == "gender" else None
        stored, unknown = matcher_for(kind, synonyms).match(text)
        return stored, unknown, f"not a known {kind.replace('_', ' ')} code"

    def value(
        self, block: Block, element: str, kind: str, table: str, column: str
    ) -> tuple[pa.Array, pa.Array]:
        """(stored, raw) for one field of a block, with an issue for every value that fails."""
        raw = _array(block.values[element])
        text = cast_column(raw, NVARCHAR)[0]
        stored, failed, problem = self._convert(text, kind)
        locations = _array(block.location)
        for location in pc.unique(locations).to_pylist():
            self.issues += cell_issues(
                pc.and_(failed, pc.equal(locations, location)),
                problem=f"{problem}; stored as empty",
                severity=ERROR,
                table=table,
                column=column,
                file=self.file,
                rows=pa.array(block.lines[element], pa.int64()),
                keys=_array(block.person),
                values=raw,
                sheet=block.field_path(location, element),
            )
        return stored, raw

    def ids(self, block: Block, table: str, *parts: pa.Array) -> pa.Array:
        """Row ids from the child and the natural key (§2.3), unique within the file."""
        person = _array(block.person)
        ids = derive_ids(self.la_code, table, person, *parts).to_pylist()
        count: dict[str, int] = {}
        repeats = []
        for row, key in enumerate(ids):
            count[key] = count.get(key, 0) + 1
            if count[key] > 1:
                repeats.append((row, count[key]))
        if repeats:
            rows = pa.array([row for row, _ in repeats], pa.int64())
            again = derive_ids(
                self.la_code,
                table,
                pc.take(person, rows),
                *(pc.take(part, rows) for part in parts),
                _array([f"#{n}" for _, n in repeats]),
            )
            for (row, _), new in zip(repeats, again.to_pylist(), strict=True):
                ids[row] = new
                self.issues.append(
                    Issue(
                        "the child has another row with the same key in this file; kept as a separate row",
                        WARNING,
                        table=table,
                        key=block.person[row],
                        file=self.file,
                        sheet=block.location[row],
                        row=block.row[row],
                    )
                )
        return _array(ids)

    # --- tables ------------------------------------------------------------------------------------

    def table(
        self,
        name: str,
        block: Block,
        columns: Mapping[str, pa.Array],
        raw: Mapping[str, pa.Array],
    ) -> None:
        """Store one canonical table (model column order, NULL where CIN has no value) and its origins."""
        model = TABLES[name]
        n = len(block)
        stored = pa.table(
            {c.name: columns.get(c.name, pa.nulls(n, c.arrow_type)) for c in model.columns},
            schema=model.arrow_schema,
        )
        origin = pa.table(
            {
                "source_file": pa.repeat(pa.scalar(self.source_name, pa.string()), n),
                "source_location": _array(block.location),
                "source_row": pa.array(block.row, pa.int64()),
            },
            schema=ORIGIN_SCHEMA,
        )
        self.built[name] = (stored, origin, pa.table(dict(raw)))

    def fields(self, block: Block, table: str, spec: Mapping[str, tuple[str, str]]) -> tuple[dict, dict]:
        """(stored, raw) columns for `spec`: element → (column, kind)."""
        stored, raw = {}, {}
        for element, (column, kind) in spec.items():
            stored[column], raw[column] = self.value(block, element, kind, table, column)
        return stored, raw

    def report_no_home(self) -> None:
        """One note per element the canonical tables cannot hold, with how many values it had."""
        for block in self.blocks.blocks():
            for element in sorted(set(NO_HOME) & set(block.fields)):
                n = sum(1 for v in block.values[element] if v is not None and v.strip())
                if n:
                    self.issues.append(
                        Issue(
                            f"no canonical column holds {element} (formats.md §5); values not stored: {n}",
                            INFO,
                            file=self.file,
                            sheet=block.field_path(block.path, element),
                        )
                    )


def json_flag(flags: pa.Array, key: str, invert: bool = False) -> pa.Array:
    """`{"KEY":"Y"}` / `{"KEY":"N"}` per stored yes/no flag, swapped when `invert`; NULL stays NULL."""
    yes, no = ("N", "Y") if invert else ("Y", "N")
    as_json = {flag: json.dumps({key: flag}, separators=(",", ":")) for flag in ("Y", "N")}
    return pc.if_else(pc.equal(flags, "Y"), as_json[yes], pc.if_else(pc.equal(flags, "N"), as_json[no], None))


def json_list(values: list[str]) -> str:
    """A compact JSON array, as the SSD stores lists of codes (`["1C","6B"]`)."""
    return json.dumps(values, separators=(",", ":"))
