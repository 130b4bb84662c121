"""Stored results as the rows the command line, exports and pages show, in the documented JSON shape.

`value_rows` gives one object per indicator: `id`, `title`, `area`, `unit`, `value`, `numerator`,
`denominator`, `available`, `note`, then `code`, `polarity`, `type`, `status`, `direction`,
`previous_value`, `target`, `tolerance`, `not_yet_due`, `excluded_by_reason`, `critical_count`,
`exception_count`, `supporting`, `as_at`, `period_start`, `period_end`, `config_version`
(indicators.md §2.5). `exception_rows` gives one object per exception with the standard columns of §7
and the indicator's own columns under `details`. Key order is part of the contract. Must not import Django.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from clearsight.indicators.catalogue import find
from clearsight.indicators.results import EXCEPTION_COLUMNS, VALUE_COLUMNS, critical_register

FIRST_KEYS = ("id", "title", "area", "unit", "value", "numerator", "denominator", "available", "note")
VALUE_KEYS = (*FIRST_KEYS, *(name for name in VALUE_COLUMNS.names if name not in FIRST_KEYS))
JSON_VALUES = ("excluded_by_reason", "supporting", "details")


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_VALUES:
        if key in row:
            row[key] = json.loads(row[key]) if row[key] else {}
    return row


def figure(value: float | None, unit: str, missing: str = "x") -> str:
    """A value as people read it: a per cent to one place, a count whole, other units to one place;
    `missing` (indicators.md §5's `x`) when there is none."""
    if value is None:
        return missing
    if unit == "percent":
        return f"{value:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def value_rows(values: pa.Table) -> list[dict[str, Any]]:
    """One object per indicator, in catalogue order."""
    return [_decoded({key: row[key] for key in VALUE_KEYS}) for row in values.to_pylist()]


def select_exceptions(
    exceptions: pa.Table, *, indicator: str | None = None, severity: str | None = None
) -> pa.Table:
    """The exceptions of one indicator and/or severity; critical without an indicator is the register."""
    if indicator is not None:
        chosen = find(indicator).id
        mask = [row == chosen for row in exceptions["indicator_id"].to_pylist()]
        exceptions = exceptions.filter(pa.array(mask, pa.bool_()))
    if severity == "critical" and indicator is None:
        return critical_register(exceptions)
    if severity is not None:
        mask = [row == severity for row in exceptions["severity"].to_pylist()]
        exceptions = exceptions.filter(pa.array(mask, pa.bool_()))
    return exceptions


def exception_rows(exceptions: pa.Table) -> list[dict[str, Any]]:
    """One object per exception, standard columns first and the indicator's own under `details`."""
    return [_decoded({key: row[key] for key in EXCEPTION_COLUMNS.names}) for row in exceptions.to_pylist()]
