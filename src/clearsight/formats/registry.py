"""Which reader reads which file: every input is routed to the first format that recognises it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from clearsight.formats.annex_a import read as annex_a
from clearsight.formats.annex_a import write as annex_a_write
from clearsight.formats.cin_census import read as cin
from clearsight.formats.cin_census import write as cin_write
from clearsight.formats.common.result import FormatResult
from clearsight.formats.ssd import read as ssd
from clearsight.formats.ssda903 import read as ssda903
from clearsight.formats.ssda903 import write as ssda903_write
from clearsight.model.issues import WARNING, Issue, UnusableInput


@dataclass(frozen=True)
class Format:
    name: str  # the source format recorded in provenance
    title: str  # what a user calls it
    recognise: Callable[[Path], bool]
    read: Callable[..., FormatResult]  # read(paths, *, la_code, limit_mb, as_at)


# Order matters: the first format to recognise a file reads it. SSD files are known by their names,
# CIN and 903 by their XML root or csv header, Annex A by its lists' headers.
def _dated_by_source(reader: Callable[..., FormatResult]) -> Callable[..., FormatResult]:
    """A reader whose source carries its own dates: the as-at date the user gave is not needed."""

    def read(paths, *, la_code: str, limit_mb: float, as_at=None) -> FormatResult:
        return reader(paths, la_code=la_code, limit_mb=limit_mb)

    return read


FORMATS: tuple[Format, ...] = (
    Format(
        "ssd",
        "an SSD extract (csv or Parquet files named after SSD tables)",
        ssd.recognise,
        _dated_by_source(ssd.read),
    ),
    Format("cin", "a CIN census XML file", cin.recognise, _dated_by_source(cin.read)),
    Format("ssda903", "SSDA903 csv or XML files", ssda903.recognise, _dated_by_source(ssda903.read)),
    # Annex A carries no as-at date, and needs it for current allocations and care leavers (§3.6, §3.9)
    Format("annex_a", "an Ofsted Annex A workbook (or one csv per list)", annex_a.recognise, annex_a.read),
)


@dataclass(frozen=True)
class Writer:
    """A format a snapshot can be written in: `write(tables, as_at=, la_code=, out=)` → files written."""

    name: str  # as the CLI says it: annex-a, ssda903, cin
    title: str
    default_name: str  # the file or folder `synth --formats` writes it to
    write: Callable[..., list[Path]]


WRITERS: dict[str, Writer] = {
    w.name: w
    for w in (
        Writer(
            "annex-a",
            "Ofsted Annex A workbook",
            "annex_a.xlsx",
            lambda tables, *, as_at, la_code, out: [annex_a_write.write(tables, as_at, out)],
        ),
        Writer(
            "ssda903",
            "SSDA903 csv files",
            "ssda903",
            lambda tables, *, as_at, la_code, out: ssda903_write.write(tables, as_at, out),
        ),
        Writer(
            "cin",
            "CIN census XML",
            "cin_census.xml",
            lambda tables, *, as_at, la_code, out: [cin_write.write(tables, as_at, out, la_code)],
        ),
    )
}

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
