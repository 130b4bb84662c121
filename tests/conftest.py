"""Fixtures shared by every test folder."""

from pathlib import Path

import pytest

# The sector's own spec files and samples sit beside the repository as ../shared/reference, both in a
# developer's checkout and in CI's fresh clone.
REFERENCE = Path(__file__).resolve().parents[1].parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference() -> Path:
    """The folder of real spec files and sample files (../shared/reference)."""
    if not REFERENCE.is_dir():
        pytest.fail(f"the reference folder {REFERENCE} is missing: clone the project beside shared/")
    return REFERENCE
