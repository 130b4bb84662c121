"""Fixtures for the Annex A tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from annex_a_files import headers, write_workbook


@pytest.fixture
def list1(tmp_path):
    """A workbook with one List 1 sheet of the rows given."""

    def make(*rows: list[object], header: list[str] | None = None, name: str = "annex_a.xlsx") -> Path:
        return write_workbook(tmp_path / name, {"List 1": [header or headers(1), *rows]})

    return make
