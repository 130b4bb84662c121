"""Shared synthetic councils for the synth tests: one small and one county, each made once per session.

Queries run in DuckDB over the Arrow tables, with the product calendar's table (`calendar`: cal_date,
is_working_day, wd_index) so that working days are counted independently of the generator's own code.
"""

from __future__ import annotations

import duckdb
import pytest

from clearsight import synth
from clearsight.calendar import WorkingCalendar


def _connect(council: synth.Council) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with every table of the council and the working-day calendar."""
    con = duckdb.connect()
    for name, table in council.tables.items():
        con.register(name, table)
    WorkingCalendar(council.as_at.year - 30, council.as_at.year + 2).register(con)
    con.execute(f"CREATE MACRO as_at() AS DATE '{council.as_at.isoformat()}'")
    con.execute(
        f"CREATE MACRO window_start() AS "
        f"CAST(DATE '{council.as_at.isoformat()}' - INTERVAL 3 YEAR AS DATE) + 1"
    )
    return con


@pytest.fixture(scope="session")
def connect():
    """Open a DuckDB connection over a council's tables and the calendar (see `_connect`)."""
    return _connect


@pytest.fixture(scope="session")
def small() -> synth.Council:
    return synth.generate("small", seed=0)


@pytest.fixture(scope="session")
def county() -> synth.Council:
    return synth.generate("county", seed=0)


@pytest.fixture(scope="session")
def small_db(small) -> duckdb.DuckDBPyConnection:
    return _connect(small)


@pytest.fixture(scope="session")
def county_db(county) -> duckdb.DuckDBPyConnection:
    return _connect(county)
