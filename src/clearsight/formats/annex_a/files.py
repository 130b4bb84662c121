"""Annex A files opened at the edge: each xlsx sheet or csv file as a header row and columns of cells.

An xlsx workbook is opened through `formats/common/excel.py` (size, zip-bomb, encryption and old-format
checks first). A csv file is UTF-8 (a byte-order mark is tolerated) or, failing that, Windows-1252, the
two encodings Excel writes. The header is the first row with any value. Rows are numbered as Excel
numbers them (row 1 at the top of the sheet); csv rows as records, the header being 1.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from clearsight.formats.common.excel import (
    EXCEL_SUFFIXES,
    OLE,
    ZIP,
    file_kind,
    open_workbook,
    read_sheets,
    sheet_rows,
    worksheet_names,
)
from clearsight.formats.common.limits import check_file_size
from clearsight.formats.common.text import decode_csv_text
from clearsight.model.issues import UnusableInput

T = TypeVar("T")

CSV_SUFFIX = ".csv"
SUFFIXES = (*EXCEL_SUFFIXES, CSV_SUFFIX)


@dataclass
class Sheet:
    """One sheet (or csv file): its header and its data cells, column by column."""

    path: Path
    name: str | None  # the sheet name; None for a csv file
    header: list[object]
    columns: list[list[object]]  # every row below the header, blank ones included
    rows: list[int]  # the row number of each data row
    excel: bool

    @property
    def label(self) -> str:
        """The sheet name, or for a csv file its file name without the extension."""
        return self.name if self.name is not None else self.path.stem


def _split(path: Path, name: str | None, cells: list[list[object]], excel: bool) -> Sheet | None:
    """The header (the first row with a value) and the rows below it; None for an empty sheet.

    Wholly blank rows are kept here and dropped once the list's columns are known (`cells.py`).
    """
    top = next((i for i, row in enumerate(cells) if row.count("") < len(row)), None)
    if top is None:
        return None
    data = cells[top + 1 :]
    width = max(len(cells[top]), *(len(row) for row in data)) if not excel and data else len(cells[top])
    if not excel:  # csv rows may be ragged; worksheet rows never are
        data = [row + [""] * (width - len(row)) if len(row) < width else row for row in data]
    header = list(cells[top]) + [""] * (width - len(cells[top]))
    columns = [list(c) for c in zip(*data, strict=True)] if data else [[] for _ in header]
    return Sheet(path, name, header, columns, list(range(top + 2, top + 2 + len(data))), excel)


def _csv_cells(path: Path, text: str) -> list[list[object]]:
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise UnusableInput(str(path), f"is not a readable csv file ({error})") from error


def read_csv(path: Path, limit_mb: float) -> list[Sheet]:
    """A csv file as one sheet (or none, if it holds nothing)."""
    check_file_size(path, limit_mb)
    kind = file_kind(path)
    if kind in (ZIP, OLE):
        raise UnusableInput(str(path), "is named .csv but holds an Excel workbook: name it .xlsx")
    sheet = _split(path, None, _csv_cells(path, decode_csv_text(path, path.read_bytes())[0]), excel=False)
    if sheet is None:
        raise UnusableInput(str(path), "is empty: it has no header row")
    return [sheet]


def read_workbook(path: Path, limit_mb: float, prepare: Callable[[Sheet], T]) -> list[T]:
    """`prepare(sheet)` for every non-empty worksheet of an xlsx workbook, in the workbook's order.

    `prepare` runs on the threads that parse the sheets, so one sheet is prepared while the next is
    still being parsed; it must not change shared state.
    """
    with open_workbook(path, limit_mb) as workbook:
        names = worksheet_names(workbook)

    def each(name: str, cells: list[list[object]]) -> T | None:
        sheet = _split(path, name, cells, excel=True)
        return None if sheet is None else prepare(sheet)

    return [done for done in read_sheets(path, names, each) if done is not None]


def read_file(path: Path, limit_mb: float, prepare: Callable[[Sheet], T]) -> list[T]:
    """`prepare(sheet)` for the sheets of one Annex A file, in order.

    Raises UnusableInput for a file that cannot be used at all.
    """
    if not path.is_file():
        raise UnusableInput(str(path), "does not exist or is not a file")
    suffix = path.suffix.lower()
    if suffix == CSV_SUFFIX:
        return [prepare(sheet) for sheet in read_csv(path, limit_mb)]
    if suffix in EXCEL_SUFFIXES or suffix == ".xls":
        return read_workbook(path, limit_mb, prepare)
    found = f"a {suffix} file" if suffix else "a file with no extension"
    raise UnusableInput(str(path), f"is {found}, not an Annex A workbook (.xlsx) or csv file")


def iter_headers(path: Path, limit_mb: float) -> Iterator[Sheet]:
    """Each sheet with its header and first rows only, one at a time, so that a caller can stop early.

    Raises UnusableInput like `read_file`.
    """
    if path.suffix.lower() == CSV_SUFFIX:
        check_file_size(path, limit_mb)
        with path.open("rb") as handle:
            first = handle.read(64 * 1024).split(b"\n", 1)[0]
        sheet = _split(path, None, _csv_cells(path, decode_csv_text(path, first)[0]), excel=False)
        if sheet is not None:
            yield sheet
        return
    with open_workbook(path, limit_mb) as workbook:
        for name in worksheet_names(workbook):
            sheet = _split(path, name, sheet_rows(workbook, name, nrows=5), excel=True)
            if sheet is not None:
                yield sheet
