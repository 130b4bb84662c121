"""Data-quality issues: what readers and the validator report instead of dropping anything.

An issue names where it was found as precisely as the source allows: a file, sheet and row for
readers; a table, key and column for the canonical-table validator.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

ERROR = "error"  # the value was unusable: it is stored as NULL, or the row breaks a rule
WARNING = "warning"  # suspicious but kept as it stands
INFO = "info"

SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Issue:
    problem: str
    severity: str
    table: str | None = None
    key: str | None = None
    column: str | None = None
    value: str | None = None
    file: str | None = None
    sheet: str | None = None
    row: int | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class UnusableInput(Exception):
    """A file (or set of files) that cannot be used at all. The message is for the user."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
