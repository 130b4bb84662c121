"""Write the Ofsted Annex A workbook from canonical tables (formats.md §7).

One sheet per list, `List 1` … `List 11`; the header row is exactly the template names of each list in
AA-schema order (List 9 in its 17-column form; spec/lists.yml, profile `current`). The rows come from
`frames.py`. Coded values are written as template values (spec/values.yml: letter prefix and code,
`a) 1A: Individual`; a code with no template value as `CODE: label`); yes/no as `a) Yes` / `b) No`,
NULL as a blank cell or `c) Unknown` where the column allows it; dates as real Excel dates shown
dd/mm/yyyy; counts and ages as numbers. List 11 has its header row only: adopters are not in the
canonical model (§3.11). Text is always written as text, never as a formula. The file is written
to a temporary name beside `out` and renamed into place, so a failed write leaves nothing half-done.

Must not import Django, the warehouse or the indicators.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import xlsxwriter

from clearsight.formats.annex_a.frames import frames
from clearsight.formats.annex_a.profiles import ColumnSpec, ListSpec, lists, values
from clearsight.formats.common.excel import EXCEL_EPOCH
from clearsight.formats.common.output import atomic_output
from clearsight.model.codes import code_set

DATE_FORMAT = "dd/mm/yyyy"
_COLUMN_WIDTH = 22


_SHORT_CODE = re.compile(r"[A-Z0-9]{1,5}")


def _template(column: ColumnSpec) -> dict[str, str]:
    """Stored code → the value the writer writes, for a coded or yes/no column.

    A code with no template value is written `CODE: label` when it is a short code the reader can take
    back out of the label (§2.6), else as itself (`No Current Eligibility`).
    """
    set_name = column.codes or "yes_no"
    spec = values(set_name)
    return {
        code: spec.template.get(code, f"{code}: {label}" if _SHORT_CODE.fullmatch(code) else code)
        for code, label in code_set(set_name).items()
    }


def _cells(column: ColumnSpec, stored: pa.Array) -> tuple[list, str]:
    """A column's cells as Python values, and how to write them: `text`, `number` or `date`."""
    if column.type == "date":
        serials = pc.subtract(pc.cast(stored, pa.int32()).cast(pa.int64()), EXCEL_EPOCH.toordinal() - 719163)
        return serials.to_pylist(), "date"
    if column.type in ("count", "age"):
        return pc.cast(stored, pa.int64()).to_pylist(), "number"
    if column.type in ("code", "yes_no"):
        mapping = _template(column)
        codes = pa.array(list(mapping), pa.string())
        written = pc.take(pa.array(list(mapping.values()), pa.string()), pc.index_in(stored, codes))
        if column.unknown:
            written = written.fill_null(values("yes_no").unknown)
        return written.to_pylist(), "text"
    return stored.cast(pa.string()).to_pylist(), "text"


def _write_sheet(book: xlsxwriter.Workbook, spec: ListSpec, frame: pa.Table | None, formats: dict) -> None:
    sheet = book.add_worksheet(spec.sheet_name)
    profile = spec.current
    for position, expected in enumerate(profile.columns):
        sheet.write_string(0, position, expected.name, formats["header"])
    sheet.set_column(0, len(profile.columns) - 1, _COLUMN_WIDTH)
    sheet.freeze_panes(1, 0)
    if frame is None or frame.num_rows == 0:
        return
    for position, key in enumerate(profile.keys):
        if key not in frame.column_names:
            continue  # a column the canonical tables cannot fill stays blank (§7)
        cells, kind = _cells(spec.columns[key], frame[key].combine_chunks())
        if kind == "text":
            write, style = sheet.write_string, None
        else:
            write, style = sheet.write_number, formats["date"] if kind == "date" else None
        for row, value in enumerate(cells, start=1):
            if value is not None and value != "":
                write(row, position, value, style)


def write(tables: Mapping[str, pa.Table], as_at: dt.date, out: Path) -> Path:
    """Write the Annex A workbook for the snapshot `tables` as at `as_at` to `out`; returns `out`."""
    out = Path(out)
    rows = frames(tables, as_at)
    with atomic_output(out) as temp:
        book = xlsxwriter.Workbook(str(temp), {"strings_to_numbers": False, "strings_to_formulas": False})
        formats = {
            "header": book.add_format({"bold": True}),
            "date": book.add_format({"num_format": DATE_FORMAT}),
        }
        for number, spec in lists().items():
            _write_sheet(book, spec, rows.get(number), formats)
        book.close()
    return out
