"""Fixtures shared by the warehouse tests."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

AS_AT = date(2025, 3, 31)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty data root (not yet created: publish creates it)."""
    return tmp_path / "data"


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in a folder, by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def temp_folders(root: Path) -> list[Path]:
    """Every `.tmp-` folder under any council folder of `root`."""
    return sorted(root.glob("*/.tmp-*"))
