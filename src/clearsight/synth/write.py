"""Writing a council's tables: one Parquet file per table, and optionally CSV, byte for byte repeatable.

Must not import anything from clearsight except `synth` modules.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


def write_tables(tables: Mapping[str, pa.Table], out_dir: Path | str, csv: bool = False) -> list[Path]:
    """Write `<table>.parquet` (and `<table>.csv` with `csv`) for every table into `out_dir`.

    The same tables give byte-identical files: no timestamps or run-specific metadata are written.
    CSV files are UTF-8 with a header row and ISO dates; text is quoted (JSON columns hold commas).
    Returns the paths written, in table order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(tables):
        table = tables[name]
        path = out / f"{name}.parquet"
        pq.write_table(table, path, compression="zstd", row_group_size=1 << 20, write_statistics=True)
        written.append(path)
        if csv:
            csv_path = out / f"{name}.csv"
            pacsv.write_csv(table, csv_path, pacsv.WriteOptions(include_header=True))
            written.append(csv_path)
    return written
