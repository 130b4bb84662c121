"""Tolerant header matching, shared by every format that reads a header row (formats.md §3.0, style.md §6).

A format describes the columns it expects as data: a `HeaderProfile` of `ExpectedColumn`s, each with its
name, aliases, regular expressions and whether it is required. `match_headers` pairs those with the
headers found in a file and says which expected column each found header fills, which required columns
are missing, and which found columns are extra or repeated.

Headers are compared after normalisation (`normalise_header`): case, surrounding and repeated spaces,
non-breaking spaces, curly quotes and punctuation are ignored, so `Date of Adoption Order `,
`Unaccompanied … (Y/N))` and `Number of Episodes … ‘Missing’ …` match their template names. A name or
alias also matches with its spaces removed, so CamelCase headers (`ChildUniqueID`, `DateOfContact`)
match `Child Unique ID` and `Date of Contact` without an alias each. Regular expressions (always
case-insensitive) are tried last, only for columns still unfilled and only on headers no name claimed.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‛": "'", "“": '"', "”": '"', "′": "'"})
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def tidy_header(text: object) -> str:
    """A header with Unicode compatibility forms folded (NBSP → space), quotes straightened, spaces collapsed.

    Regular expressions are matched against this form, so they can still rely on punctuation.
    """
    folded = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    return _SPACES.sub(" ", folded).strip()


def normalise_header(text: object) -> str:
    """The comparison form of a header: lower-case words separated by single spaces, no punctuation."""
    return _NOT_WORD.sub(" ", tidy_header(text).casefold()).strip()


def _compact(normalised: str) -> str:
    return normalised.replace(" ", "")


@dataclass(frozen=True)
class ExpectedColumn:
    """One column a profile expects: `key` is the format's own name for it, `name` the template header."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    required: bool = False

    def __post_init__(self) -> None:
        for pattern in self.patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"column {self.name!r}: bad header pattern {pattern!r}: {error}") from None


@dataclass(frozen=True)
class HeaderProfile:
    """The columns of one version of one table or list, in template order."""

    name: str
    columns: tuple[ExpectedColumn, ...]
    _exact: dict[str, str] = field(init=False, repr=False, compare=False)
    _compact: dict[str, str] = field(init=False, repr=False, compare=False)
    _patterns: tuple[tuple[str, re.Pattern[str]], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact: dict[str, str] = {}
        compact: dict[str, str] = {}
        for column in self.columns:
            for spelling in (column.name, *column.aliases):
                normal = normalise_header(spelling)
                if exact.get(normal, column.key) != column.key:
                    raise ValueError(f"profile {self.name}: {spelling!r} names two columns")
                exact[normal] = column.key
                compact.setdefault(_compact(normal), column.key)
        patterns = tuple(
            (column.key, re.compile(pattern, re.IGNORECASE))
            for column in self.columns
            for pattern in column.patterns
        )
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_compact", compact)
        object.__setattr__(self, "_patterns", patterns)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(column.key for column in self.columns)

    def column(self, key: str) -> ExpectedColumn:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(f"profile {self.name} has no column {key!r}")


@dataclass(frozen=True)
class HeaderMatch:
    """How the headers found in one file fill one profile.

    `columns` maps each filled key to the position of its found header; `missing` lists required keys
    not found and `absent` optional ones; `extra` lists positions of headers that fill nothing and
    `repeated` positions of headers that name an already filled column (the first one is used).
    """

    profile: HeaderProfile
    columns: dict[str, int]
    missing: tuple[str, ...]
    absent: tuple[str, ...]
    extra: tuple[int, ...]
    repeated: tuple[int, ...]

    @property
    def fits(self) -> bool:
        """True when every required column was found."""
        return not self.missing

    @property
    def score(self) -> tuple[int, int, int]:
        """Orders matches of one sheet against several profiles: complete first, then most filled."""
        return (int(self.fits), len(self.columns), -len(self.extra))


def match_headers(found: Sequence[object], profile: HeaderProfile) -> HeaderMatch:
    """Pair found headers with the profile's columns: names and aliases first, then regular expressions."""
    normal = [normalise_header(h) for h in found]
    columns: dict[str, int] = {}
    repeated: list[int] = []
    for position, header in enumerate(normal):
        if not header:
            continue
        key = profile._exact.get(header) or profile._compact.get(_compact(header))
        if key is None:
            continue
        if key in columns:
            repeated.append(position)
        else:
            columns[key] = position
    claimed = set(columns.values()) | set(repeated)
    for key, pattern in profile._patterns:
        if key in columns:
            continue
        for position, header in enumerate(found):
            if position not in claimed and normal[position] and pattern.search(tidy_header(header)):
                columns[key] = position
                claimed.add(position)
                break
    unfilled = [c for c in profile.columns if c.key not in columns]
    return HeaderMatch(
        profile=profile,
        columns=columns,
        missing=tuple(c.key for c in unfilled if c.required),
        absent=tuple(c.key for c in unfilled if not c.required),
        extra=tuple(p for p in range(len(found)) if p not in claimed),
        repeated=tuple(repeated),
    )
