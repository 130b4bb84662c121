"""The files a reader is given: files named, and the files directly inside folders named."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from clearsight.model.issues import UnusableInput


def find_files(
    paths: Iterable[Path | str], suffixes: tuple[str, ...], *, other_named: str | None = None
) -> list[Path]:
    """Each file named, and each folder's files (one level deep) whose suffix is one of `suffixes`.

    A path that does not exist cannot be used. A file named on its own with another suffix is passed
    on for the reader to refuse in its own words, or, with `other_named`, refused with that reason.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes))
        elif not path.is_file():
            raise UnusableInput(str(path), "does not exist")
        elif other_named and path.suffix.lower() not in suffixes:
            raise UnusableInput(str(path), other_named)
        else:
            found.append(path)
    return found
