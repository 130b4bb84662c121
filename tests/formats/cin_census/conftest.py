"""Fixtures for the CIN census tests."""

from pathlib import Path

import pytest
from cin_documents import census


@pytest.fixture
def write_census(tmp_path):
    """Write text to a file in tmp_path (census.xml unless named) and return its path."""

    def write(text: str | None = None, name: str = "census.xml") -> Path:
        path = tmp_path / name
        path.write_text(census() if text is None else text, encoding="utf-8")
        return path

    return write
