"""The Annex A lists as data: their columns, header profiles and template values (spec/*.yml).

`LISTS` holds every list's columns and its versioned header profiles (formats.md §3.0); `recognise_sheet`
tells which list a sheet is from its headers, falling back to its sheet name. `values(code_set)` holds
Annex A's template values and synonyms for a code set (Appendix A.1), and `matcher(code_set)` the common
matcher (formats/common/codes.py) with those synonyms added.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from clearsight.formats.common.codes import Matcher, matcher_for
from clearsight.formats.common.headers import (
    ExpectedColumn,
    HeaderMatch,
    HeaderProfile,
    match_headers,
)
from clearsight.model.codes import code_set
from clearsight.yamltext import parse_yaml

_SPEC = files(__package__) / "spec"
TYPES = ("id", "name", "text", "postcode", "date", "count", "age", "code", "yes_no", "choice")
CURRENT = "current"  # the profile the writer writes
_SHEET_NAME = re.compile(r"\blist\s*[_-]?\s*(\d{1,2})\b", re.IGNORECASE)


@dataclass(frozen=True)
class ColumnSpec:
    """One Annex A column: see spec/lists.yml for the meaning of each field."""

    key: str
    name: str
    type: str
    required: bool = False
    derived: bool = False
    codes: str | None = None
    choices: str | None = None
    yes_codes: str | None = None
    unknown: bool = False
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()

    @property
    def expected(self) -> ExpectedColumn:
        return ExpectedColumn(self.key, self.name, self.aliases, self.patterns, self.required)


@dataclass(frozen=True)
class ListSpec:
    """One list: its number, title, window, columns by key, and header profiles (the current one first)."""

    number: int
    title: str
    window_months: int
    columns: Mapping[str, ColumnSpec]
    profiles: tuple[HeaderProfile, ...]
    own: frozenset[str]  # the keys of columns only this list has (not the common ones)

    @property
    def sheet_name(self) -> str:
        return f"List {self.number}"

    @property
    def current(self) -> HeaderProfile:
        return self.profiles[0]


@dataclass(frozen=True)
class ValueSpec:
    """Annex A values for one code set: see spec/values.yml."""

    template: Mapping[str, str] = field(default_factory=dict)
    synonyms: Mapping[str, str] = field(default_factory=dict)
    blank: frozenset[str] = frozenset()
    ambiguous: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    invalid: frozenset[str] = frozenset()
    unknown: str | None = None


# libyaml's loader when PyYAML was built with it: the spec is read in every process that reads Annex A.


def _load(name: str) -> dict:
    return parse_yaml((_SPEC / name).read_text(encoding="utf-8"))


def _column(key: str, data: dict) -> ColumnSpec:
    unknown = set(data) - {f for f in ColumnSpec.__dataclass_fields__ if f != "key"}
    if unknown or data.get("type") not in TYPES:
        raise ValueError(f"spec/lists.yml column {key}: unknown fields {sorted(unknown)} or bad type")
    if (data["type"] == "code") != ("codes" in data) or (data["type"] == "choice") != ("choices" in data):
        raise ValueError(f"spec/lists.yml column {key}: code columns name `codes`, choice ones `choices`")
    if "codes" in data:
        code_set(data["codes"])  # fails loudly for a set that does not exist
    tuples = {k: tuple(data[k]) for k in ("aliases", "patterns") if k in data}
    return ColumnSpec(key=key, **{**data, **tuples})


def _list(number: int, data: dict, common: Mapping[str, ColumnSpec]) -> ListSpec:
    columns = {**common, **{k: _column(k, v) for k, v in data["columns"].items()}}
    profiles = []
    for name, keys in data["profiles"].items():
        missing = [k for k in keys if k not in columns]
        if missing:
            raise ValueError(f"spec/lists.yml list {number} profile {name!r}: no columns {missing}")
        profiles.append(HeaderProfile(f"List {number} ({name})", tuple(columns[k].expected for k in keys)))
    if not data["profiles"] or next(iter(data["profiles"])) != CURRENT:
        raise ValueError(f"spec/lists.yml list {number}: the first profile must be {CURRENT!r}")
    used = {k for p in profiles for k in p.keys}
    return ListSpec(
        number=number,
        title=data["title"],
        window_months=int(data["window_months"]),
        columns=MappingProxyType({k: c for k, c in columns.items() if k in used}),
        profiles=tuple(profiles),
        own=frozenset(data["columns"]),
    )


@cache
def lists() -> Mapping[int, ListSpec]:
    """Every Annex A list by number, from spec/lists.yml."""
    data = _load("lists.yml")
    common = {k: _column(k, v) for k, v in data["common"].items()}
    return MappingProxyType({int(n): _list(int(n), d, common) for n, d in data["lists"].items()})


@cache
def _values() -> dict:
    return _load("values.yml")


def values(set_name: str) -> ValueSpec:
    """Annex A's template values and synonyms for a code set (empty when values.yml has none)."""
    data = _values().get(set_name, {})
    kinds = ("blank", "ambiguous", "groups")
    lists_ = {k: frozenset(normalise_value(v) for v in data.get(k, [])) for k in kinds}
    return ValueSpec(
        template=MappingProxyType(data.get("template", {})),
        synonyms=MappingProxyType(data.get("synonyms", {})),
        **lists_,
        invalid=frozenset(data.get("invalid", [])),
        unknown=data.get("unknown"),
    )


def choices(name: str) -> frozenset[str]:
    """The allowed values of a template column with no code set, normalised."""
    return frozenset(normalise_value(v) for v in _values()["choices"][name])


def normalise_value(value: str) -> str:
    """A value's comparison form for the blank, ambiguous, group and choice lists."""
    return " ".join(value.replace("\u00a0", " ").replace("’", "'").split()).casefold()


@cache
def matcher(set_name: str) -> Matcher:
    """The common matcher for a code set, with Annex A's synonyms and its template values."""
    spec = values(set_name)
    synonyms = {label: code for code, label in spec.template.items()} | dict(spec.synonyms)
    return matcher_for(set_name, synonyms)


@dataclass(frozen=True)
class Recognised:
    """A sheet recognised as a list: the list, and how its headers fill the chosen profile."""

    spec: ListSpec
    match: HeaderMatch
    by_name: bool  # recognised by its sheet or file name, not by a complete set of columns


def _own_filled(match: HeaderMatch, spec: ListSpec) -> int:
    return sum(1 for key in match.columns if key in spec.own)


def recognise_sheet(header: Sequence[object], name: str | None) -> Recognised | None:
    """Which list a sheet holds (formats.md §3.0).

    The best complete profile of any list; else the list the sheet (or csv file) name gives; else the
    list with most of its own columns present, if that is at least half of them. None when nothing fits.
    """
    candidates = [
        (match_headers(header, profile), spec) for spec in lists().values() for profile in spec.profiles
    ]
    fitting = [(m, s) for m, s in candidates if m.fits]
    if fitting:
        best, spec = max(fitting, key=lambda pair: pair[0].score)
        return Recognised(spec, best, by_name=False)
    named = _SHEET_NAME.search(name or "")
    spec = lists().get(int(named.group(1))) if named else None
    if spec is not None:
        best = max((m for m, s in candidates if s is spec), key=lambda m: m.score)
        return Recognised(spec, best, by_name=True)
    partial = [(m, s) for m, s in candidates if 2 * _own_filled(m, s) >= len(set(m.profile.keys) & s.own) > 0]
    if not partial:
        return None
    best, spec = max(partial, key=lambda pair: (_own_filled(*pair), pair[0].score))
    return Recognised(spec, best, by_name=False)
