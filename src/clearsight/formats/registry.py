"""Which reader reads which file: every input is routed to the first format that recognises it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from clearsight.formats.common.result import FormatResult
from clearsight.formats.ssd import read as ssd
from clearsight.model.issues import WARNING, Issue, UnusableInput


@dataclass(frozen=True)
class Format:
    name: str  # the source format recorded in provenance
    title: str  # what a user calls it
    recognise: Callable[[Path], bool]
    read: Callable[..., FormatResult]  # read(paths, *, la_code, limit_mb)


FORMATS: tuple[Format, ...] = (
    Format("ssd", "an SSD extract (csv or Parquet files named after SSD tables)", ssd.recognise, ssd.read),
)

NOT_RECOGNISED = "is not a file Clearsight can read: expected {expected}"
NOT_READ = "not a format Clearsight reads; skipped"


def _recognised(path: Path) -> Format | None:
    return next((f for f in FORMATS if f.recognise(path)), None)


def route(paths: Iterable[Path]) -> tuple[dict[Format, list[Path]], list[Issue]]:
    """Group input files by format, with a warning for each file in a folder that no format reads.

    A file named on its own that no format recognises cannot be used (UnusableInput); in a folder,
    such a file (a README beside an extract) is reported and skipped. Hidden files are ignored.
    """
    paths = [Path(p) for p in paths]
    groups: dict[Format, list[Path]] = {}
    skipped: list[Issue] = []
    expected = "; or ".join(f.title for f in FORMATS)
    for path in paths:
        if path.is_dir():
            for inner in sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")):
                if fmt := _recognised(inner):
                    groups.setdefault(fmt, []).append(inner)
                else:
                    skipped.append(Issue(NOT_READ, WARNING, file=str(inner)))
        elif not path.is_file():
            raise UnusableInput(str(path), "does not exist")
        elif fmt := _recognised(path):
            groups.setdefault(fmt, []).append(path)
        else:
            raise UnusableInput(str(path), NOT_RECOGNISED.format(expected=expected))
    if not groups:
        raise UnusableInput(
            ", ".join(map(str, paths)), f"holds no file Clearsight can read: expected {expected}"
        )
    return groups, skipped
