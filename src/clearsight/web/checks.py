"""System checks, run at start-up by `clearsight serve` (through `migrate`) and by Django's `check`: a
missing data root is reported with a stable id rather than failing on the first page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def data_root_is_readable(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    root = Path(settings.CLEARSIGHT_DATA)
    if not root.is_dir():
        return [
            Error(
                f"The data folder {root} does not exist or is not a folder.",
                hint="Set CLEARSIGHT_DATA (or --data) to the folder that holds the councils' snapshots.",
                id="clearsight.E001",
            )
        ]
    return []
