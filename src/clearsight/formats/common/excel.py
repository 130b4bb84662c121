"""Opening xlsx workbooks safely, and turning their cells into Arrow columns (formats.md §2.2, §2.4).

`open_workbook` refuses, with a plain message that names the file (UnusableInput), anything it should
not hand to python-calamine: an empty file, an old `.xls` workbook, a password-protected workbook
(encrypted OOXML is an OLE compound file holding an `EncryptedPackage` stream), a file whose content
is not an xlsx whatever its name, a zip bomb (the uncompressed sizes in the zip directory add up to
more than `UNCOMPRESSED_FACTOR` times the size limit, checked before calamine opens it), a file over
the size limit, and a damaged workbook.

`sheet_rows` returns a sheet's cells from Excel row 1, with the cached results of formula cells;
`read_sheets` does so for several sheets at once, on a few threads.
`cells_to_array` turns one column of cells into an Arrow array: a numeric id cell `12345.0` becomes
`12345` (§2.2), and in a date column a number is an Excel serial date (1900 date system, day 0 =
1899-12-30, §2.4; serials below 61 fall before Excel's phantom 29/02/1900 and are not corrected).

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
import mmap
import os
import threading
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum

from clearsight.formats.common.limits import check_file_size
from clearsight.model.issues import UnusableInput

# architecture.md: an xlsx may not unpack to more than 20 times the input size limit.
UNCOMPRESSED_FACTOR = 20
# Threads that parse a workbook's sheets at once (`read_sheets`).
READ_THREADS = max(1, min(4, os.cpu_count() or 1))
T = TypeVar("T")
EXCEL_EPOCH = dt.date(1899, 12, 30)
_EPOCH_ORDINAL = EXCEL_EPOCH.toordinal()
_LAST_SERIAL = dt.date(9999, 12, 31).toordinal() - _EPOCH_ORDINAL

CFB_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")  # OLE compound file: .xls, or encrypted OOXML
ZIP_SIGNATURE = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")

# What a file's first bytes say it is.
EMPTY, ZIP, OLE, TEXT, BINARY = "empty", "zip", "ole", "text", "binary"


def file_kind(path: Path) -> str:
    """`empty`, `zip` (an xlsx, if anything), `ole` (.xls or encrypted xlsx), `text` or `binary`."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        return EMPTY
    if head.startswith(ZIP_SIGNATURE):
        return ZIP
    if head.startswith(CFB_SIGNATURE):
        return OLE
    return BINARY if b"\x00" in head else TEXT


def _is_encrypted(path: Path) -> bool:
    """True when an OLE compound file holds the stream Office writes for a password-protected workbook."""
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(_ENCRYPTED_STREAM) != -1


def refuse_non_xlsx(path: Path) -> None:
    """Raise UnusableInput unless the file's content and name are those of an xlsx workbook."""
    kind = file_kind(path)
    if kind == EMPTY:
        raise UnusableInput(str(path), "is empty (0 bytes)")
    if kind == OLE and _is_encrypted(path):
        raise UnusableInput(
            str(path), "is password-protected: open it in Excel, remove the password and save it again"
        )
    if kind == OLE:
        raise UnusableInput(
            str(path), "is an old Excel 97-2003 workbook (.xls): open it in Excel and save it as .xlsx"
        )
    if kind == TEXT:
        raise UnusableInput(
            str(path), "is a text file, not an Excel workbook: if it is a csv file, name it .csv"
        )
    if kind == BINARY:
        raise UnusableInput(str(path), "is not an Excel workbook (.xlsx)")
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        raise UnusableInput(str(path), f"holds an Excel workbook but is named {path.suffix!r}: name it .xlsx")


def check_uncompressed_size(path: Path, limit_mb: float) -> None:
    """Refuse a zip whose directory says it unpacks to more than UNCOMPRESSED_FACTOR × the limit."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        reason = f"is damaged: it cannot be opened as an xlsx workbook ({error})"
        raise UnusableInput(str(path), reason) from error
    allowed = UNCOMPRESSED_FACTOR * limit_mb * 1024 * 1024
    if unpacked > allowed:
        raise UnusableInput(
            str(path),
            f"would unpack to {unpacked / 1024 / 1024:,.0f} MB, more than {UNCOMPRESSED_FACTOR} times "
            f"the limit of {limit_mb:g} MB: it is refused as a possible zip bomb",
        )


def open_workbook(path: Path, limit_mb: float) -> CalamineWorkbook:
    """Open an xlsx workbook after the checks above. Raises UnusableInput with a plain reason."""
    check_file_size(path, limit_mb)
    refuse_non_xlsx(path)
    check_uncompressed_size(path, limit_mb)
    return _calamine(path)


def _calamine(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError as error:
        reason = "is password-protected: remove the password and save it again"
        raise UnusableInput(str(path), reason) from error
    except (CalamineError, ValueError, OSError) as error:
        reason = f"is damaged and cannot be read as an xlsx workbook ({error})"
        raise UnusableInput(str(path), reason) from error


def worksheet_names(workbook: CalamineWorkbook) -> list[str]:
    """The names of the workbook's worksheets (not chart or macro sheets), in workbook order."""
    return [m.name for m in workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]


def sheet_rows(workbook: CalamineWorkbook, name: str, nrows: int | None = None) -> list[list[object]]:
    """A sheet's cells, row 0 being Excel row 1; formula cells hold their cached values.

    Raises UnusableInput when the sheet's content is damaged.
    """
    try:
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=nrows)
    except (CalamineError, ValueError) as error:
        path = workbook.path or "workbook"
        raise UnusableInput(path, f"sheet {name!r} is damaged and cannot be read ({error})") from error


def read_sheets(
    path: Path, names: Sequence[str], each: Callable[[str, list[list[object]]], T], nrows: int | None = None
) -> list[T]:
    """`each(name, sheet_rows(...))` for every named sheet of a workbook already opened by `open_workbook`.

    Sheets are parsed on up to `READ_THREADS` threads, each with its own handle on the workbook
    (calamine parses without holding the GIL, and a handle cannot be shared). Results come back in the
    order of `names`; if sheets are damaged, the first of them in that order raises, as a serial read would.
    """
    if not names:
        return []
    pending = iter(enumerate(names))
    lock = threading.Lock()
    done: list[object] = [None] * len(names)

    def work() -> None:
        with _calamine(path) as workbook:
            while True:
                with lock:
                    item = next(pending, None)
                if item is None:
                    return
                index, name = item
                try:
                    done[index] = each(name, sheet_rows(workbook, name, nrows))
                except UnusableInput as error:
                    done[index] = error

    workers = min(READ_THREADS, len(names))
    if workers == 1:
        work()
    else:
        with ThreadPoolExecutor(workers) as pool:
            for future in [pool.submit(work) for _ in range(workers)]:
                future.result()
    for result in done:
        if isinstance(result, UnusableInput):
            raise result
    return done  # type: ignore[return-value]


def serial_to_date(serial: float) -> dt.date | None:
    """An Excel serial day number (1900 date system) as a date; None outside Excel's range."""
    day = int(serial)
    if not 1 <= day <= _LAST_SERIAL:
        return None
    return dt.date.fromordinal(_EPOCH_ORDINAL + day)


def _number_text(value: float) -> str:
    # A whole number typed into a cell is stored as a float: 12345.0 is the id 12345 (§2.2).
    return str(int(value)) if value == int(value) else repr(value)


def _cell_text(value: object, dates: bool) -> str | None:
    """One cell as text, for columns whose cells are of mixed kinds."""
    if value == "" or value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        if dates:
            day = serial_to_date(value)
            return day.isoformat() if day else _number_text(value)
        return _number_text(value)
    return str(value)


def cells_to_array(values: Sequence[object], *, dates: bool = False) -> pa.Array:
    """One column of cells as an Arrow array; blank cells are null.

    A column of text cells gives strings; of date cells, dates; of numbers, float64 (or, in a date
    column, dates from Excel serials). Any other column gives strings: numbers without a trailing `.0`,
    dates as ISO text, serials in a date column converted first. A serial outside Excel's range stays a
    number, so that the caller's date parsing reports it.
    """
    counts = Counter(map(type, values))
    blanks = values.count("") if str in counts and len(counts) > 1 else 0
    if blanks and counts[str] == blanks:
        del counts[str]  # the only text is blank cells
    if counts.keys() <= {str}:
        text = pa.array(values, pa.string())
        return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    if len(counts) == 1:
        (kind,) = counts
        if not blanks:
            filled = values
        elif kind is dt.date or kind is dt.datetime:
            filled = [v or None for v in values]  # a date is never false; a blank cell is ""
        else:
            filled = [None if v == "" else v for v in values]
        if kind is dt.date:
            return pa.array(filled, pa.date32())
        if kind is dt.datetime:
            return pa.array(filled, pa.timestamp("us")).cast(pa.date32())
        if kind is float and not dates:
            return pa.array(filled, pa.float64())
        if kind is float:
            days = [None if v is None else serial_to_date(v) for v in filled]
            if days.count(None) == filled.count(None):
                return pa.array(days, pa.date32())
    return pa.array([_cell_text(v, dates) for v in values], pa.string())
