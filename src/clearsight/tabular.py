"""Rows of results as files people open: a workbook for Excel, csv, and JSON.

Every sheet gets a bold header row, a filter, frozen headings and dates written as dates, so that a
list opens in Excel ready to sort; csv is UTF-8 with a byte-order mark so that Excel reads names with
accents correctly. Must not import Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import xlsxwriter

XLSX_ROW_LIMIT = 1_048_575  # Excel's rows, less the header


def xlsx_bytes(sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per entry: title → (column names, rows)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "bg_color": "#F3F2F1"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for title, (names, records) in sheets.items():
        sheet = book.add_worksheet(title[:31])
        sheet.write_row(0, 0, names, bold)
        count = 0
        for count, record in enumerate(records, start=1):
            if count > XLSX_ROW_LIMIT:
                break
            for column, value in enumerate(record):
                if isinstance(value, dt.date):
                    sheet.write_datetime(count, column, dt.datetime.combine(value, dt.time()), day)
                elif isinstance(value, dict | list):
                    sheet.write_string(count, column, json.dumps(value, default=str))
                else:
                    sheet.write(count, column, value)
        sheet.autofilter(0, 0, max(1, min(count, XLSX_ROW_LIMIT)), max(0, len(names) - 1))
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, max(0, len(names) - 1), 18)
    book.close()
    return buffer.getvalue()


def csv_text(names: Sequence[str], records: Iterable[Sequence[Any]]) -> str:
    """CSV with a header row; dates as yyyy-mm-dd, nested values as JSON, nulls empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    for record in records:
        writer.writerow(
            [
                ""
                if v is None
                else v.isoformat()
                if isinstance(v, dt.date)
                else json.dumps(v, default=str)
                if isinstance(v, dict | list)
                else v
                for v in record
            ]
        )
    return buffer.getvalue()


def table_of(rows: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Rows as column names (the first row's keys, in order) and records."""
    names = list(rows[0]) if rows else []
    return names, [[row[name] for name in names] for row in rows]


def rows_file(rows: Sequence[Mapping[str, Any]], fmt: str, sheet: str) -> bytes:
    """Rows as the bytes of a file people open: xlsx (one sheet), csv (UTF-8 with a byte-order mark, for
    Excel) or json."""
    if fmt == "json":
        return (json_text(rows) + "\n").encode("utf-8")
    names, records = table_of(rows)
    if fmt == "xlsx":
        return xlsx_bytes({sheet: (names, records)})
    if fmt == "csv":
        return csv_text(names, records).encode("utf-8-sig")
    raise ValueError(f"no file format {fmt!r}: xlsx, csv or json")


def json_text(rows: Iterable[Mapping[str, Any]]) -> str:
    """A JSON array of objects; dates as yyyy-mm-dd."""
    return json.dumps(list(rows), indent=2, default=_default, ensure_ascii=False)


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
