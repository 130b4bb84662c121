"""Fixtures for the SSDA903 tests."""

import pytest


@pytest.fixture
def samples(reference):
    """The reference folder's 903 files."""
    return reference / "ssda903"
