"""The SSDA903 spec in force in a collection year, as typed objects (formats.md §4.0, spec/README.md).

The data lives in `spec/` as a base plus yearly diffs, loaded by `formats.common.spec_diffs`. This
module checks it once per year (every code set named exists, every stored code belongs to its set) and
answers the questions the reader and writer ask: which tables and columns a year has, which codes it
allows, and how a stored code is written back. Years are collection end years (2025 = 2024/25), and a
collection year runs from 1 April to 31 March.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from clearsight.formats.common.spec_diffs import SpecError, load_spec, spec_files
from clearsight.model.codes import CODE_SETS, code_set

SPEC_FOLDER = files(__package__) / "spec"
STEM = "ssda903"
COLUMN_TYPES = ("text", "date", "partial_date", "integer", "code", "accommodation")
_COLUMN_KEYS = {"type", "required", "code_set", "codes", "xml", "min", "max", "placeholders", "future"}
_TABLE_KEYS = {"key", "xml", "columns"}


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a 903 table in one year. `codes` maps each 903 code to its stored code (or None)."""

    name: str
    type: str
    required: bool = False
    code_set: str | None = None
    codes: Mapping[str, str | None] = field(default_factory=dict)
    xml: str | None = None
    min: int | None = None
    max: int | None = None
    placeholders: tuple[str, ...] = ()
    future: bool = False  # a date that may fall after the collection year (UASC DUC)

    @property
    def tag(self) -> str:
        """The element name in the XML form."""
        return self.xml or self.name

    @property
    def stored_codes(self) -> frozenset[str]:
        """The stored codes this year allows."""
        return frozenset(code for code in self.codes.values() if code is not None)

    def code_for(self, stored: str) -> str:
        """How a stored code is written in this year's return: the first 903 code that stores as it.

        A stored code the year does not allow is written as it stands, so nothing is lost and the
        DfE's own validation reports it.
        """
        return next((code for code, value in self.codes.items() if value == stored), stored)


@dataclass(frozen=True)
class TableSpec:
    """One 903 table in one year: its natural key, columns in file order, and where it sits in XML."""

    name: str
    key: tuple[str, ...]
    columns: Mapping[str, ColumnSpec]
    xml_element: str | None = None
    xml_when: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)


@dataclass(frozen=True)
class Spec:
    """Every table of the return in one collection year."""

    collection_year: int
    tables: Mapping[str, TableSpec]

    @property
    def label(self) -> str:
        return year_label(self.collection_year)


def year_label(collection_year: int) -> str:
    """`2025` → `2024/25`, as councils name a return."""
    return f"{collection_year - 1}/{collection_year % 100:02d}"


def year_bounds(collection_year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a collection year: 1 April to 31 March."""
    return dt.date(collection_year - 1, 4, 1), dt.date(collection_year, 3, 31)


def collection_year_of(day: dt.date) -> int:
    """The collection year a date falls in."""
    return day.year + 1 if day.month >= 4 else day.year


def supported_years() -> tuple[int, int]:
    """The first year the spec covers and the last year it changed."""
    years = spec_files(SPEC_FOLDER, STEM).years
    return years[0], years[-1]


def _column(name: str, data: object, where: str) -> ColumnSpec:
    if not isinstance(data, dict) or not data.keys() <= _COLUMN_KEYS or data.get("type") not in COLUMN_TYPES:
        raise SpecError(where, name, f"a column needs a type ({', '.join(COLUMN_TYPES)}) and known keys only")
    codes = data.get("codes", {})
    if isinstance(codes, list):
        codes = {code: code for code in codes}
    if not isinstance(codes, dict) or any(not isinstance(k, str) for k in codes):
        raise SpecError(where, name, "codes: a list of quoted codes, or each code mapped to its stored form")
    kind, set_name = data["type"], data.get("code_set")
    if kind in ("code", "accommodation"):
        if set_name not in CODE_SETS or not codes:
            raise SpecError(where, name, f"a {kind} column needs codes and a code_set from model/codes")
        known = code_set(set_name)
        for code, stored in codes.items():
            # An accommodation code is a letter of the set plus a suitability digit (formats.md §4.6).
            check = stored[0] if kind == "accommodation" and stored else stored
            if check is not None and check not in known:
                raise SpecError(where, name, f"code {code!r} stores as {stored!r}, which {set_name} lacks")
    return ColumnSpec(
        name=name,
        type=kind,
        required=bool(data.get("required", False)),
        code_set=set_name,
        codes=MappingProxyType(dict(codes)),
        xml=data.get("xml"),
        min=data.get("min"),
        max=data.get("max"),
        placeholders=tuple(data.get("placeholders", ())),
        future=bool(data.get("future", False)),
    )


def _table(name: str, data: object, where: str) -> TableSpec:
    if not (isinstance(data, dict) and data.keys() <= _TABLE_KEYS and isinstance(data.get("columns"), dict)):
        raise SpecError(where, name, "a table needs columns, and may have key and xml")
    columns = {col: _column(col, spec, f"{where}: {name}") for col, spec in data["columns"].items()}
    key = tuple(data.get("key", ()))
    if not key or not set(key) <= columns.keys():
        raise SpecError(where, name, "the key must name columns of the table")
    xml = data.get("xml") or {}
    return TableSpec(name, key, MappingProxyType(columns), xml.get("element"), tuple(xml.get("when", ())))


@cache
def spec_for(collection_year: int) -> Spec:
    """The spec in force in a collection year (the newest spec for a later year).

    Raises SpecError for a year before the base, or a spec file that breaks the rules above.
    """
    where = f"{STEM} spec for {year_label(collection_year)}"
    document = load_spec(SPEC_FOLDER, STEM, collection_year)
    tables = document.get("tables") if isinstance(document, dict) else None
    if not isinstance(tables, dict):
        raise SpecError(where, None, "must have a `tables` mapping")
    return Spec(collection_year, MappingProxyType({n: _table(n, t, where) for n, t in tables.items()}))


@cache
def every_table() -> Mapping[str, TableSpec]:
    """The newest definition of every table any year has had: what a file may be recognised as."""
    found: dict[str, TableSpec] = {}
    for year in spec_files(SPEC_FOLDER, STEM).years:
        found.update(spec_for(year).tables)
    return MappingProxyType(found)
