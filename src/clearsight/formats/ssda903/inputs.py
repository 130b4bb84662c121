"""Opening SSDA903 files: each csv recognised by its columns, the XML form split into the same tables.

formats.md §4.0. A csv file has no fixed name: it is the table whose own columns (those no other 903
table has) it holds most of. Column names compare case-insensitively after trimming. Every cell is
read as text, so ids keep their leading zeros and nothing is guessed. A file should be UTF-8 (a BOM is
stripped); one that is not is read as Windows-1252 with a warning. csv rows are numbered as lines of
the file (the header is line 1). XML rows are numbered by position, since a return is often one long
line: a row of a table held in <HEADER> (Header, UASC, OC3, AD1) is its <CHILD>'s position in the
file, any other row its element's position among those elements (row 3 of Reviews is the third
<AREVIEW>); the element path is given as the sheet.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import csv
import functools
import io
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from clearsight.formats.common.limits import check_file_size
from clearsight.formats.common.text import decode_csv_text
from clearsight.formats.ssda903.spec import TableSpec, every_table
from clearsight.model.issues import WARNING, Issue, UnusableInput

SUFFIXES = (".csv", ".xml")
XML_ROOT = b"<EXPSSDA903"
_SNIFF_BYTES = 4096


@dataclass(frozen=True)
class Found:
    """One 903 table's rows as found in one file: every cell as text, with where each row was."""

    table: str
    path: Path
    cells: pa.Table  # string columns named as the spec spells them, only those the file has
    rows: pa.Array  # int64: csv line, or XML position (see above)
    location: str  # the table name for csv, the element path for XML
    sheet: str | None = None  # what issues name as the sheet: the element path for XML


@cache
def _own_columns() -> dict[str, frozenset[str]]:
    """Per table, the columns no other 903 table has: what recognises a file."""
    tables = every_table()
    counts = Counter(column for table in tables.values() for column in table.columns)
    return {name: frozenset(c for c in table.columns if counts[c] == 1) for name, table in tables.items()}


def table_for(columns: list[str]) -> str | None:
    """The 903 table a csv header belongs to, or None when it matches none, or two equally well."""
    names = {c.strip().upper() for c in columns}
    scores = Counter({table: len(own & names) for table, own in _own_columns().items()})
    ranked = scores.most_common(2)
    if not ranked or ranked[0][1] == 0 or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _decode(path: Path, issues: list[Issue]) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise UnusableInput(str(path), "is empty: it has no header row")
    text, windows_1252 = decode_csv_text(path, data)
    if windows_1252:
        issues.append(
            Issue("not UTF-8; read as Windows-1252 (save the file as UTF-8)", WARNING, file=str(path))
        )
    if "\x00" in text:
        raise UnusableInput(str(path), "is not a text csv file (UTF-16 or binary?); save it as UTF-8 csv")
    return text


def _header(text: str) -> list[str]:
    first = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    return [name.strip().upper() or f"(unnamed column {i + 1})" for i, name in enumerate(first)]


def recognise(path: Path) -> bool:
    """True for a csv whose header is a 903 table's, or an XML file whose root is <EXPSSDA903>; cheap."""
    suffix = path.suffix.lower()
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    if suffix == ".xml":
        return XML_ROOT in head
    if suffix != ".csv":
        return False
    text = head.removeprefix(b"\xef\xbb\xbf").decode("cp1252", errors="replace")
    return table_for(_header(text)) is not None


def read_csv(path: Path, limit_mb: float, issues: list[Issue]) -> Found | None:
    """A csv file's rows as text, or None (with a warning) when it is not a 903 table."""
    check_file_size(path, limit_mb)
    text = _decode(path, issues)
    header = _header(text)
    table = table_for(header)
    if table is None:
        issues.append(Issue("not a 903 table (its columns match none); skipped", WARNING, file=str(path)))
        return None
    duplicated = sorted(name for name, n in Counter(header).items() if n > 1)
    if duplicated:
        raise UnusableInput(str(path), f"has the column {duplicated[0]} more than once")
    skipped: list[int] = []

    def skip(row: pacsv.InvalidRow) -> str:
        skipped.append(row.number)
        issues.append(
            Issue(
                f"has {row.actual_columns} cells where the header has {row.expected_columns}; row skipped",
                WARNING,
                table=table,
                value=row.text,
                file=str(path),
                row=row.number,
            )
        )
        return "skip"

    try:
        cells = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=False),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=True, ignore_empty_lines=False, invalid_row_handler=skip
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        raise UnusableInput(str(path), f"cannot be read as csv: {error}") from error
    lines = _line_numbers(cells.num_rows, skipped)
    # A blank line reads as a row of empty cells: drop it here, where its line number is known.
    keep = pc.invert(_all_blank(cells))
    return Found(table, path, cells.filter(keep), lines.filter(keep), table)


def _all_blank(cells: pa.Table) -> pa.Array:
    blank = [pc.equal(pc.utf8_trim_whitespace(cells[c].combine_chunks()), "") for c in cells.column_names]
    return functools.reduce(pc.and_, blank)


def _line_numbers(n: int, skipped: list[int]) -> pa.Array:
    """Line numbers of the n rows kept, given the lines the parser skipped (the header is line 1)."""
    lines, line, gone = [], 2, set(skipped)
    while len(lines) < n:
        if line not in gone:
            lines.append(line)
        line += 1
    return pa.array(lines, pa.int64())


def _leaf(element, tag: str) -> str | None:
    found = element.find(tag)
    return None if found is None or found.text is None else found.text


def _set(value: str | None) -> bool:
    return value is not None and value.strip() not in ("", "0")


def xml_tables(tree, path: Path) -> list[Found]:
    """The 903 tables held in a parsed <EXPSSDA903> document, one Found per table that has rows.

    Rows nested in <HEADER> (reviews, missing, OC2, ...) take CHILD, DOB and SEX from the <HEADER>.
    """
    root = tree.getroot()
    if root.tag != "EXPSSDA903":
        raise UnusableInput(str(path), f"is not a 903 XML file: its root is <{root.tag}>, not <EXPSSDA903>")
    tables: list[Found] = []
    for name, table in every_table().items():
        if table.xml_element:
            found = _xml_table(root, name, table, path)
            if found is not None:
                tables.append(found)
    return tables


def _xml_table(root, name: str, table: TableSpec, path: Path) -> Found | None:
    columns: dict[str, list[str | None]] = {c: [] for c in table.columns}
    rows: list[int] = []
    position = 0
    for number, child in enumerate(root.iterfind("CHILD"), start=1):
        header = child.find("HEADER")
        if table.xml_when:
            if header is None or not any(_set(_leaf(header, tag)) for tag in table.xml_when):
                continue
            elements = [(number, header)]
        else:
            elements = [(position := position + 1, element) for element in child.findall(table.xml_element)]
        for row, element in elements:
            rows.append(row)
            for column, spec in table.columns.items():
                value = _leaf(element, spec.tag)
                if value is None and header is not None and element is not header:
                    value = _leaf(header, spec.tag)
                columns[column].append(value)
    if not rows:
        return None
    location = f"EXPSSDA903/CHILD/{table.xml_element}"
    cells = pa.table({c: pa.array(v, pa.string()) for c, v in columns.items()})
    return Found(name, path, cells, pa.array(rows, pa.int64()), location, sheet=location)
