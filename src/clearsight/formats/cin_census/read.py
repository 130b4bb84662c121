"""Read DfE Children in Need census XML files into canonical tables (formats.md §5).

Each file is parsed safely (`formats/common/xml.py`), its census year found from the header
(`ReferenceDate`, else `Year`), checked against that year's XSD (the nearest year's when clearsight
has none for it, with a warning; see spec/README.md), then mapped block by block. Schema problems are
warnings; a value that cannot be stored is NULL with an error naming the file, XML path (as the
sheet), line (as the row) and column. A file that cannot be used at all raises UnusableInput.

    read(paths, *, la_code, limit_mb) -> FormatResult
    recognise(path) -> bool

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
from lxml import etree

from clearsight.formats.cin_census import profile as profiles
from clearsight.formats.cin_census.collect import collect
from clearsight.formats.cin_census.tables import build
from clearsight.formats.common import xml
from clearsight.formats.common.result import FormatResult
from clearsight.model.issues import ERROR, WARNING, Issue, UnusableInput
from clearsight.sources import describe_source

SOURCE_FORMAT = "cin"
SUFFIX = ".xml"
_HEAD_BYTES = 4096
_LOOKS_LIKE_CIN = re.compile(
    rb"<Message[\s>].*(<Collection>\s*CIN\s*</Collection>|<LAchildID|<CINdetails)", re.S
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LEA = re.compile(r"^\d{3}$")
COLLECTION = "Message/Header/CollectionDetails"
SOURCE = "Message/Header/Source"


def recognise(path: Path) -> bool:
    """True for an .xml file whose first few kilobytes look like a CIN census message."""
    if path.suffix.lower() != SUFFIX or not path.is_file():
        return False
    with path.open("rb") as handle:
        return _LOOKS_LIKE_CIN.search(handle.read(_HEAD_BYTES)) is not None


@dataclass
class Header:
    """What a file's header says, and the issues found reading it."""

    file: str
    reference_date: dt.date | None = None
    collection_year: int | None = None
    la_code: str | None = None
    issues: list[Issue] = field(default_factory=list)

    def note(
        self, problem: str, severity: str, sheet: str, value: str | None = None, row: int | None = None
    ) -> None:
        self.issues.append(Issue(problem, severity, value=value, file=self.file, sheet=sheet, row=row))


def _text(root: etree._Element, path: str) -> tuple[str | None, int | None]:
    element = root.find(path.removeprefix("Message/"))
    return (None, None) if element is None else ((element.text or "").strip() or None, element.sourceline)


def read_header(root: etree._Element, file: str) -> Header:
    """The census year, reference date and LA code a file's header gives (formats.md §5.1)."""
    header = Header(file)
    reference, reference_line = _text(root, f"{COLLECTION}/ReferenceDate")
    if reference is not None:
        try:
            header.reference_date = dt.date.fromisoformat(reference) if _ISO_DATE.match(reference) else None
        except ValueError:
            header.reference_date = None
        if header.reference_date is None:
            header.note("not a real date written yyyy-mm-dd", ERROR, f"{COLLECTION}/ReferenceDate", reference)
    year, year_line = _text(root, f"{COLLECTION}/Year")
    stated = int(year) if year is not None and re.fullmatch(r"\d{4}", year) else None
    if header.reference_date is not None:
        header.collection_year = profiles.census_year(header.reference_date)
        label = profiles.census_label(header.collection_year)
        if (header.reference_date.month, header.reference_date.day) != (3, 31):
            header.note(
                f"the reference date is not 31 March; the census containing it ({label}) is used",
                WARNING,
                f"{COLLECTION}/ReferenceDate",
                reference,
                reference_line,
            )
        if year is not None and stated != header.collection_year:
            header.note(
                f"the Year disagrees with the reference date ({label} census); the reference date is used",
                WARNING,
                f"{COLLECTION}/Year",
                year,
                year_line,
            )
    elif stated is not None:
        header.collection_year = stated
    leas = [(element.text or "").strip() for element in root.iterfind("Header/Source/LEA")]
    valid = [lea for lea in leas if _LEA.match(lea)]
    if valid:
        header.la_code = valid[0]
    if len(set(leas)) > 1 or len(valid) < len(leas):
        header.note(
            f"the header names several or malformed LA codes; {header.la_code} is used", WARNING, SOURCE
        )
    return header


def _schema_issues(
    header: Header, tree: etree._ElementTree, path: Path
) -> tuple[profiles.Profile, list[Issue]]:
    """The profile for the file's census year, and every way the file breaks its schema."""
    newest = profiles.SUPPORTED_YEARS[-1]
    chosen = profiles.profile(header.collection_year or newest)
    issues = []
    if header.collection_year is None:
        issues.append(
            Issue(
                "the header gives no census year (Year or ReferenceDate); "
                f"checked against {chosen.schema_label}",
                WARNING,
                file=str(path),
                sheet=COLLECTION,
            )
        )
    elif not chosen.exact:
        years = f"{profiles.census_label(profiles.SUPPORTED_YEARS[0])} to {profiles.census_label(newest)}"
        issues.append(
            Issue(
                f"clearsight has no CIN schema for the {profiles.census_label(header.collection_year)} "
                f"census (it has {years}); checked against {chosen.schema_label}, the nearest",
                WARNING,
                file=str(path),
                sheet=COLLECTION,
            )
        )
    issues += xml.validate(tree, chosen.validator, file=str(path), against=chosen.schema_label)
    return chosen, issues


def _files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() == SUFFIX and p.is_file()))
        elif not path.is_file():
            raise UnusableInput(str(path), "does not exist")
        elif path.suffix.lower() != SUFFIX:
            raise UnusableInput(
                str(path),
                f"is not an .xml file; a CIN census is XML (it has {path.suffix or 'no'} extension)",
            )
        else:
            found.append(path)
    return found


def read_file(
    path: Path, *, la_code: str | None, limit_mb: float, result: FormatResult
) -> tuple[Header, dict]:
    """Read one CIN census file; its issues go into `result`, its tables are returned."""
    tree = xml.parse(path, limit_mb=limit_mb)
    root = tree.getroot()
    if root.tag != "Message":
        raise UnusableInput(
            str(path), f"is not a CIN census file: its root element is <{root.tag}>, not <Message>"
        )
    header = read_header(root, str(path))
    if header.la_code is None and not la_code:
        raise UnusableInput(
            str(path), "names no LA code (Header/Source/LEA): give the council's code with --la"
        )
    if la_code and header.la_code and la_code != header.la_code:
        header.note(
            f"the file is for LA {header.la_code} (Header/Source/LEA) but the load is for {la_code}; "
            f"its rows are keyed to {la_code}",
            WARNING,
            f"{SOURCE}/LEA",
            header.la_code,
        )
    chosen, schema_issues = _schema_issues(header, tree, path)
    source = describe_source(path)
    result.files[source.name] = source
    built = build(collect(root, str(path)), la_code or header.la_code, chosen, source.name)
    result.issues += header.issues + schema_issues + built.issues
    return header, built.built


def read(paths: Iterable[Path], *, la_code: str | None, limit_mb: float) -> FormatResult:
    """Read CIN census files (or folders of them). Raises UnusableInput for a file that cannot be used.

    `la_code`, when given, keys every row (formats.md §2.2); a file for another LA is read with a
    warning. `FormatResult.la_code`, `as_at` and `collection_year` are what the newest file's header
    says; files for several census years are read with a warning.
    """
    paths = list(paths)
    files = _files(paths)
    if not files:
        raise UnusableInput(", ".join(map(str, paths)), "holds no .xml files")
    result = FormatResult(SOURCE_FORMAT)
    parts: dict[str, list[tuple[pa.Table, pa.Table, pa.Table]]] = {}
    headers = []
    for path in files:
        header, built = read_file(path, la_code=la_code, limit_mb=limit_mb, result=result)
        headers.append(header)
        for name, part in built.items():
            parts.setdefault(name, []).append(part)
    for name, found in parts.items():
        tables, origins, raws = (
            pa.concat_tables(t, promote_options="permissive") for t in zip(*found, strict=True)
        )
        result.add(name, tables, origins, raws)
    dated = [h for h in headers if h.reference_date is not None] or headers
    newest = max(dated, key=lambda h: (h.reference_date or dt.date.min, h.collection_year or 0))
    result.as_at, result.collection_year = newest.reference_date, newest.collection_year
    result.la_code = newest.la_code or next((h.la_code for h in headers if h.la_code), None)
    years = sorted({h.collection_year for h in headers if h.collection_year})
    if len(years) > 1:
        result.issues.append(
            Issue(
                f"the files are for several census years ({', '.join(map(profiles.census_label, years))}); "
                f"provenance records the newest",
                WARNING,
            )
        )
    return result
