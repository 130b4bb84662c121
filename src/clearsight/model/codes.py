"""Code sets: the values a coded canonical column may hold, and what each one means.

One YAML file per set in `model/codes/`, named after the set. Each file holds the codes in their stored
form (formats.md §1 "[D] Value conventions" and "Stored form"; Appendix A), each with a plain-English
label. A `Column` names its set in `codes=`; the validator reports values outside it.

File keys: `title` and `source` (where the codes come from), `codes` (code → label, both quoted text so
that YAML never turns `NO` into false or `1` into a number), and optionally `own: true` for codes clearsight
invented rather than took from the DfE, Ofsted or the SSD, and `closed: false` for a set that lists only
the values clearsight itself writes, so that other values are allowed (the professional roles of an SSD
extract). Matching raw source labels to codes is the readers' work (`formats/common`); synonyms, when
they arrive, become one more key here and one more field on `CodeSet`, and never change the stored codes.

Must not import Django or any layer above the model (formats, warehouse, indicators, web).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from clearsight.yamltext import parse_yaml

_FOLDER = files(__package__) / "codes"
_REQUIRED = {"title", "source", "codes"}
_OPTIONAL = {"own", "closed"}


@dataclass(frozen=True, eq=False)
class CodeSet(Mapping[str, str]):
    """A read-only mapping of stored code → label, with where the codes come from.

    `own` marks codes clearsight invented; `closed` is False when values outside the set are allowed.
    """

    name: str
    title: str
    source: str
    labels: Mapping[str, str]
    own: bool = False
    closed: bool = True

    def __getitem__(self, code: str) -> str:
        return self.labels[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)


def _names() -> tuple[str, ...]:
    return tuple(sorted(p.name.removesuffix(".yml") for p in _FOLDER.iterdir() if p.name.endswith(".yml")))


# Every code set shipped with clearsight, by name.
CODE_SETS: tuple[str, ...] = _names()


@cache
def code_set(name: str) -> CodeSet:
    """The code set called `name`, read from its YAML file once.

    Raises KeyError for a name with no file and ValueError for a file that breaks the rules above.
    """
    if name not in CODE_SETS:
        raise KeyError(f"no code set called {name!r}; the sets are in {_FOLDER}")
    path = _FOLDER / f"{name}.yml"
    data = parse_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not _REQUIRED <= data.keys() <= _REQUIRED | _OPTIONAL:
        raise ValueError(f"{path}: expected the keys {sorted(_REQUIRED)} and optionally {sorted(_OPTIONAL)}")
    codes = data["codes"]
    if not isinstance(codes, dict) or not codes:
        raise ValueError(f"{path}: `codes` must map each code to its label")
    for code, label in codes.items():
        # YAML reads an unquoted YES, NO or 1 as a bool or an int: refuse rather than store a wrong code.
        if not isinstance(code, str) or not isinstance(label, str) or not code or not label:
            raise ValueError(f"{path}: code {code!r} and its label must both be quoted, non-empty text")
    for flag in _OPTIONAL & data.keys():
        if not isinstance(data[flag], bool):
            raise ValueError(f"{path}: `{flag}` must be true or false")
    return CodeSet(
        name=name,
        title=data["title"],
        source=data["source"],
        labels=MappingProxyType(dict(codes)),
        own=data.get("own", False),
        closed=data.get("closed", True),
    )
