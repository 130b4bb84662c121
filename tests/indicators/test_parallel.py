"""Tasks with dependencies on several DuckDB connections: every task runs once, after what it needs; the
first failure is the one raised; tasks that wait on each other are refused rather than hanging."""

from __future__ import annotations

import duckdb
import pytest

from clearsight.indicators.parallel import Task, run_tasks


@pytest.fixture
def database():
    con = duckdb.connect()
    yield con
    con.close()


def connections(con, n=2):
    return [lambda: con] + [con.cursor] * (n - 1)


def test_a_task_runs_once_what_it_needs_has_been_built(database):
    tasks = [
        Task("count", lambda c: c.execute("SELECT count(*) FROM base").fetchone()[0], frozenset({"base"})),
        Task("base", lambda c: c.execute("CREATE TABLE base AS SELECT range AS n FROM range(1000)")),
        Task("sum", lambda c: c.execute("SELECT sum(n) FROM base").fetchone()[0], frozenset({"base"})),
    ]
    done = run_tasks(tasks, connections(database))
    assert done["count"] == 1000
    assert done["sum"] == 499500


def test_the_first_failure_is_raised_and_nothing_after_it_waits_forever(database):
    ran = []

    def record(name):
        def run(c):
            ran.append(name)

        return run

    tasks = [
        Task("broken", lambda c: c.execute("SELECT * FROM no_such_table")),
        Task("after", record("after"), frozenset({"broken"})),
    ]
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        run_tasks(tasks, connections(database))
    assert ran == []


def test_tasks_that_wait_on_each_other_are_refused(database):
    tasks = [
        Task("a", lambda c: None, frozenset({"b"})),
        Task("b", lambda c: None, frozenset({"a"})),
    ]
    with pytest.raises(ValueError, match="wait on each other"):
        run_tasks(tasks, connections(database))


def test_a_task_that_needs_an_unknown_task_is_refused(database):
    with pytest.raises(ValueError, match="not given: missing"):
        run_tasks([Task("a", lambda c: None, frozenset({"missing"}))], connections(database))
