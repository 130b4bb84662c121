"""Input limits: no reader opens a file larger than the configured maximum (architecture.md)."""

from __future__ import annotations

import os
from pathlib import Path

from clearsight.model.issues import UnusableInput

DEFAULT_MAX_FILE_MB = 200
ENV_MAX_FILE_MB = "CLEARSIGHT_MAX_FILE_MB"


def max_file_mb(configured: float | None = None) -> float:
    """The limit in force: the council configuration's `formats.max_file_mb`, else the environment."""
    if configured is not None:
        return float(configured)
    raw = os.environ.get(ENV_MAX_FILE_MB)
    if raw is None:
        return DEFAULT_MAX_FILE_MB
    try:
        return float(raw)
    except ValueError:
        raise UnusableInput(ENV_MAX_FILE_MB, f"must be a number of megabytes, not {raw!r}") from None


def check_file_size(path: Path, limit_mb: float) -> None:
    """Refuse a file over the limit, naming the file and the limit."""
    size = path.stat().st_size
    if size > limit_mb * 1024 * 1024:
        raise UnusableInput(
            str(path),
            f"is {size / 1024 / 1024:.1f} MB, larger than the limit of {limit_mb:g} MB "
            f"(set formats.max_file_mb or ${ENV_MAX_FILE_MB} to raise it)",
        )
