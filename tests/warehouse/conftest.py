"""Fixtures shared by the warehouse tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """An empty data root (not yet created: publish creates it)."""
    return tmp_path / "data"
