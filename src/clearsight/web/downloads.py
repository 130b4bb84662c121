"""Files people download from pages: the same workbook and csv the command line writes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import Http404, HttpResponse

from clearsight.tabular import rows_file

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def check_format(fmt: str) -> str:
    if fmt not in CONTENT_TYPES:
        raise Http404("no such format: xlsx or csv")
    return fmt


def download(rows: Sequence[Mapping[str, Any]], fmt: str, sheet: str, name: str) -> HttpResponse:
    """Rows as an attachment named `name`.<fmt>."""
    response = HttpResponse(rows_file(rows, check_format(fmt), sheet), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
