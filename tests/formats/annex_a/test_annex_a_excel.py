"""Cells to Arrow columns and workbook checks (formats/common/excel.py)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from clearsight.formats.common.excel import (
    BINARY,
    EMPTY,
    OLE,
    TEXT,
    ZIP,
    cells_to_array,
    file_kind,
    serial_to_date,
)


def test_text_column_blanks_are_null():
    assert cells_to_array(["a", "", "b"]).to_pylist() == ["a", None, "b"]


def test_numeric_ids_drop_only_a_trailing_zero():
    assert cells_to_array([12345.0, "", "A7"]).to_pylist() == ["12345", None, "A7"]
    assert cells_to_array([12.5, 3.0]).to_pylist() == [12.5, 3.0]  # a number column stays numeric


def test_date_cells_and_serials_in_a_date_column():
    assert cells_to_array([dt.date(2015, 1, 25), ""], dates=True).type == pa.date32()
    assert cells_to_array([42029.0, ""], dates=True).to_pylist() == [dt.date(2015, 1, 25), None]
    mixed = cells_to_array(
        [42029.0, dt.date(2020, 9, 16), "16/09/2020", dt.datetime(2020, 1, 2, 9, 30)], dates=True
    )
    assert mixed.to_pylist() == ["2015-01-25", "2020-09-16", "16/09/2020", "2020-01-02"]


def test_a_serial_out_of_range_stays_a_number_for_the_caller_to_report():
    assert cells_to_array([-5.0, 42029.0], dates=True).to_pylist() == ["-5", "2015-01-25"]


@pytest.mark.parametrize(
    ("serial", "day"),
    [
        (1, dt.date(1899, 12, 31)),
        (61, dt.date(1900, 3, 1)),
        (42029, dt.date(2015, 1, 25)),
        (45551.75, dt.date(2024, 9, 16)),
    ],
)
def test_serial_dates_use_the_1900_system(serial, day):
    assert serial_to_date(serial) == day


def test_file_kind(tmp_path):
    cases = {
        "empty": (b"", EMPTY),
        "zip": (b"PK\x03\x04rest", ZIP),
        "ole": (bytes.fromhex("d0cf11e0a1b11ae1") + bytes(8), OLE),
        "text": (b"Child Unique ID,Gender\n", TEXT),
        "binary": (b"\x89PNG\r\n\x1a\n\x00\x00", BINARY),
    }
    for name, (data, kind) in cases.items():
        (tmp_path / name).write_bytes(data)
        assert file_kind(tmp_path / name) == kind, name
