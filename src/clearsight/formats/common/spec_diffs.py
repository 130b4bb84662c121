"""Versioned specs: a full base document plus described yearly diffs, applied up to a collection year.

style.md §3 and formats.md §4.0. One folder holds a format's spec files, named by collection (end) year:

- `<stem>_<year>.yml`: a full spec;
- `<stem>_<year>.diff.yml`: the changes made in that year, each a dotted path such as
  `tables.Episodes.columns.PLACE.codes` mapped to `{type, description, value}`.

`load_spec(folder, stem, collection_year)` takes the newest full spec whose year is at most the
collection year and applies, in year order, every later diff up to that year. The operations:

- `add`: set a path that does not exist yet (its parent must);
- `modify`: replace the value at a path that exists;
- `rename`: give the last key of an existing path the new name in `value`;
- `remove`: delete an existing path (a column, a code list, a whole table).

Every entry must say what it changes in `description`. Any problem raises SpecError naming the file
and the key, so a broken diff fails loudly at load time rather than leaving a silent gap.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from clearsight.yamltext import parse_yaml

OPERATIONS = ("add", "modify", "rename", "remove")
_ENTRY_KEYS = {"type", "description", "value"}
# PyYAML's safe loader, in C where libyaml is installed (several times faster on a full spec).


class SpecError(ValueError):
    """A spec file that cannot be used; the message names the file and, where there is one, the key."""

    def __init__(self, file: str, key: str | None, problem: str) -> None:
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


@dataclass(frozen=True)
class SpecFiles:
    """A folder's spec files for one stem: full specs and diffs, each by collection year."""

    bases: dict[int, Traversable]
    diffs: dict[int, Traversable]

    @property
    def years(self) -> list[int]:
        """Every year in which the spec was written or changed, oldest first."""
        return sorted(self.bases.keys() | self.diffs.keys())


def spec_files(folder: Traversable | Path, stem: str) -> SpecFiles:
    """Find `<stem>_<year>.yml` and `<stem>_<year>.diff.yml` in `folder`."""
    pattern = re.compile(rf"^{re.escape(stem)}_(\d{{4}})(\.diff)?\.yml$")
    bases: dict[int, Traversable] = {}
    diffs: dict[int, Traversable] = {}
    for entry in folder.iterdir():
        found = pattern.match(entry.name)
        if found:
            (diffs if found.group(2) else bases)[int(found.group(1))] = entry
    if not bases:
        raise SpecError(str(folder), None, f"holds no full spec named {stem}_<year>.yml")
    return SpecFiles(bases, diffs)


def _read_yaml(file: Traversable) -> Any:
    try:
        return parse_yaml(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SpecError(file.name, None, f"is not valid YAML: {error}") from error


def _parent(document: dict, key: str, file: str) -> tuple[dict, str]:
    """The mapping that holds the last part of dotted path `key`, and that last part."""
    *parents, last = key.split(".")
    node: Any = document
    walked: list[str] = []
    for part in parents:
        walked.append(part)
        if not isinstance(node, dict) or part not in node:
            raise SpecError(file, key, f"the path {'.'.join(walked)} does not exist")
        node = node[part]
    if not isinstance(node, dict):
        raise SpecError(file, key, f"the path {'.'.join(parents)} is not a mapping")
    return node, last


def _entry(key: Any, entry: Any, file: str) -> tuple[str, Any]:
    if not isinstance(key, str) or not key or any(not part for part in key.split(".")):
        raise SpecError(file, str(key), "a diff key must be a dotted path such as tables.Header.columns.SEX")
    if not isinstance(entry, dict) or not {"type", "description"} <= entry.keys() <= _ENTRY_KEYS:
        raise SpecError(file, key, "each change needs `type` and `description`, and may have `value`")
    operation = entry["type"]
    if operation not in OPERATIONS:
        raise SpecError(file, key, f"unknown type {operation!r}; expected one of {', '.join(OPERATIONS)}")
    if not isinstance(entry["description"], str) or not entry["description"].strip():
        raise SpecError(file, key, "the description must say what changed")
    if operation != "remove" and "value" not in entry:
        raise SpecError(file, key, f"a {operation} needs a value")
    return operation, entry.get("value")


def apply_diff(document: dict, diff: Any, *, file: str) -> dict:
    """A copy of `document` with every change in `diff` applied, in the order the diff lists them."""
    if not isinstance(diff, dict) or not diff:
        raise SpecError(file, None, "a diff must map dotted paths to changes")
    result = copy.deepcopy(document)
    for key, entry in diff.items():
        operation, value = _entry(key, entry, file)
        parent, last = _parent(result, key, file)
        exists = last in parent
        if operation == "add":
            if exists:
                raise SpecError(file, key, "cannot be added: it already exists (use modify)")
            parent[last] = copy.deepcopy(value)
        elif not exists:
            raise SpecError(file, key, f"cannot {operation} it: the path does not exist")
        elif operation == "modify":
            parent[last] = copy.deepcopy(value)
        elif operation == "remove":
            del parent[last]
        else:
            if not isinstance(value, str) or not value or "." in value:
                raise SpecError(file, key, "a rename's value must be the new name of the last key")
            if value in parent:
                raise SpecError(file, key, f"cannot be renamed to {value}: that already exists")
            # Rebuild the mapping so the renamed key keeps its place (column order matters to writers).
            items = [(value if name == last else name, item) for name, item in parent.items()]
            parent.clear()
            parent.update(items)
    return result


def load_spec(folder: Traversable | Path, stem: str, collection_year: int) -> dict:
    """The spec in force in `collection_year`: the newest full spec up to then, with later diffs applied.

    Raises SpecError when there is no full spec that early, or when a file is broken.
    """
    files = spec_files(folder, stem)
    base_years = [year for year in files.bases if year <= collection_year]
    if not base_years:
        raise SpecError(
            str(folder), None, f"has no {stem} spec for {collection_year}; the first is {min(files.bases)}"
        )
    base_year = max(base_years)
    document = _read_yaml(files.bases[base_year])
    if not isinstance(document, dict):
        raise SpecError(files.bases[base_year].name, None, "a full spec must be a mapping")
    for year in sorted(y for y in files.diffs if base_year < y <= collection_year):
        file = files.diffs[year]
        document = apply_diff(document, _read_yaml(file), file=file.name)
    return document
