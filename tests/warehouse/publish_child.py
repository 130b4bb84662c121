"""Publish a sizeable snapshot in a child process, printing each progress stage, for the kill tests.

Usage: python publish_child.py ROOT LA_CODE SOURCE STOP_STAGE STOP_DONE MODE
Prints `stage|done|total` for every progress call, flushed. At STOP_STAGE with done == STOP_DONE
("all" means done == total) it prints `stopped` and, in MODE `pause`, sleeps so that the parent
can kill it at exactly that point; in MODE `run` it carries on, a little slowed so that the kill
surely lands before the end, while a later table is being written.
"""

from __future__ import annotations

import sys
import time
from datetime import date

from warehouse_data import file_provenance, model_tables

from clearsight.warehouse import publish

ROWS = 300_000
AS_AT = date(2025, 6, 30)


def main() -> None:
    root, la_code, source, stop_stage, stop_done, mode = sys.argv[1:]
    tables = model_tables(ROWS)
    provenance = file_provenance(tables, la_code, AS_AT)

    stopped = False

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal stopped
        print(f"{stage}|{done}|{total}", flush=True)
        if stopped:
            time.sleep(0.02)
        elif stage == stop_stage and done == (total if stop_done == "all" else int(stop_done)):
            stopped = True
            print("stopped", flush=True)
            if mode == "pause":
                time.sleep(60)

    publish(root, la_code, AS_AT, tables, sources=[source], provenance=provenance, progress=progress)
    print("finished", flush=True)


if __name__ == "__main__":
    main()
