"""Where Clearsight keeps its data: the root that holds every council's snapshots (architecture.md)."""

from __future__ import annotations

import os
from pathlib import Path

ENV_DATA = "CLEARSIGHT_DATA"
DEFAULT_DATA = "clearsight-data"


def data_root(option: Path | None = None) -> Path:
    """`--data DIR` if given, else `$CLEARSIGHT_DATA`, else `./clearsight-data/`."""
    if option is not None:
        return option
    return Path(os.environ.get(ENV_DATA) or DEFAULT_DATA)
