"""Builders of small Annex A files for the reader's tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from clearsight.formats.annex_a.profiles import lists


def headers(number: int, profile: int = 0) -> list[str]:
    """The template header row of a list."""
    return [c.name for c in lists()[number].profiles[profile].columns]


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """An xlsx workbook: each sheet's first row is its header; dates are written as real Excel dates."""
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "dd/mm/yyyy"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def contact(child: object = "C1", dob: object = dt.date(2015, 1, 25), day: object = dt.date(2024, 9, 16)):
    """One List 1 row."""
    return [child, "b) Female", "a) WBRI", dob, 9, day, "q) 6: Police"]
