"""Run tasks that depend on one another on several connections to one DuckDB database, one thread each.

The indicators' tables are small, so a query gains little from DuckDB's own parallelism; the catalogue
runs fastest as single-threaded queries side by side (DuckDB plans and runs a query without holding the
GIL). A task starts once every task it needs has finished; each thread takes the first ready task in the
order given. The first failure stops the handing out of tasks and is raised once every thread has
stopped. Must not import Django or the warehouse.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import duckdb

Connection = duckdb.DuckDBPyConnection


@dataclass(frozen=True)
class Task:
    name: str
    run: Callable[[Connection], object]
    needs: frozenset[str] = frozenset()


def run_tasks(tasks: Sequence[Task], connections: Sequence[Callable[[], Connection]]) -> dict[str, object]:
    """Run every task and return what each returned, by name.

    `connections` gives each thread its connection, called on that thread (so that setting up another
    connection overlaps the first thread's work).
    """
    names = {t.name for t in tasks}
    unknown = {n for t in tasks for n in t.needs} - names
    if unknown:
        raise ValueError(f"tasks need tasks that are not given: {', '.join(sorted(unknown))}")
    pending = list(tasks)
    done: dict[str, object] = {}
    failed: list[BaseException] = []
    running = [0]
    changed = threading.Condition()

    def next_task() -> Task | None:
        with changed:
            while pending and not failed:
                ready = next((n for n, task in enumerate(pending) if task.needs.issubset(done)), None)
                if ready is not None:
                    running[0] += 1
                    return pending.pop(ready)
                if not running[0]:
                    failed.append(
                        ValueError(f"tasks wait on each other: {', '.join(t.name for t in pending)}")
                    )
                    changed.notify_all()
                    break
                changed.wait()
            return None

    def finish(name: str | None, result: object = None, error: BaseException | None = None) -> None:
        with changed:
            if name is not None:
                running[0] -= 1
                if error is None:
                    done[name] = result
            if error is not None:
                failed.append(error)
            changed.notify_all()

    def work(connect: Callable[[], Connection]) -> None:
        try:
            con = connect()
        except BaseException as error:
            finish(None, error=error)
            return
        while (task := next_task()) is not None:
            try:
                result = task.run(con)
            except BaseException as error:
                finish(task.name, error=error)
                return
            finish(task.name, result)

    with ThreadPoolExecutor(len(connections)) as pool:
        list(pool.map(work, connections))
    if failed:
        raise failed[0]
    return done
