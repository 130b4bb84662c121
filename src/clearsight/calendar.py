"""Working days, ages and statutory intervals: the one calendar every indicator uses.

Implements indicators.md §2.2 (calendar arithmetic), §2.3 (England and Wales working days, in
Python and as a DuckDB calendar table with SQL macros) and §2.4 (ages and age bands). Due dates
(§2.5) are built from these functions and nowhere else.

This module is a leaf: it must not import Django or any other clearsight layer.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from datetime import date, timedelta

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
from dateutil.relativedelta import relativedelta
from duckdb.sqltypes import BIGINT, DATE
from holidays.countries.united_kingdom import UnitedKingdom  # imported now, not on first use

_SQL_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class CalendarRangeError(ValueError):
    """A date lies outside the years the working calendar was loaded for (§2.3).

    §2.3: such a date MUST raise, never be treated as a working day.
    """


class WorkingCalendar:
    """Monday to Friday, less England and Wales bank holidays, for an inclusive range of years.

    Bank holidays come from the holidays package's United Kingdom calendar for England
    (``subdiv='ENG'``), including substitute ("observed") days and one-off days such as 2022-06-03;
    ``extra_non_working_days`` (config ``workdays.extra_non_working_days``) adds days announced after
    the pinned package.
    Every date given to, or produced by, a method must lie in the loaded years, else
    :class:`CalendarRangeError`.
    """

    def __init__(self, first_year: int, last_year: int, extra_non_working_days: Iterable[date] = ()) -> None:
        if first_year > last_year:
            raise ValueError(f"first_year {first_year} is after last_year {last_year}")
        self.first_date = date(first_year, 1, 1)
        self.last_date = date(last_year, 12, 31)
        bank_holidays = UnitedKingdom(subdiv="ENG", years=range(first_year, last_year + 1))
        non_working = sorted(set(bank_holidays) | set(extra_non_working_days))
        self._busdaycal = np.busdaycalendar(
            weekmask="1111100", holidays=np.array(non_working, dtype="datetime64[D]")
        )
        self._lo = np.datetime64(self.first_date, "D")
        self._hi = np.datetime64(self.last_date, "D")
        # §2.3's working-day index, looked up rather than counted: for each loaded day, the working days
        # on or before it; and the working days themselves, in order (wd_add's answers).
        self._loaded_days = np.arange(self._lo, self._hi + np.timedelta64(1, "D"), dtype="datetime64[D]")
        self._working = np.is_busday(self._loaded_days, busdaycal=self._busdaycal)
        self._wd_index = np.cumsum(self._working, dtype=np.int64)
        self._working_days = self._loaded_days[self._working]

    @classmethod
    def covering(
        cls, earliest: date, as_at: date, extra_non_working_days: Iterable[date] = ()
    ) -> WorkingCalendar:
        """The calendar §2.3 requires: every year from ``earliest`` to ``as_at + 1 year``."""
        return cls(earliest.year, (as_at + relativedelta(years=1)).year, extra_non_working_days)

    def _check(self, days: np.ndarray) -> None:
        if np.isnat(days).any():
            raise ValueError("a missing date (NaT) was given to the working calendar")
        outside = (days < self._lo) | (days > self._hi)
        if outside.any():
            raise CalendarRangeError(
                f"{days[outside].flat[0]} is outside the working calendar, which covers "
                f"{self.first_date} to {self.last_date} ({int(outside.sum())} date(s) outside)"
            )

    def _days(self, values: npt.ArrayLike) -> np.ndarray:
        """Dates as ``datetime64[D]`` (any time part dropped, §2.2), checked against the range."""
        days = np.asarray(values, dtype="datetime64[D]")
        self._check(days)
        return days

    def is_working_day(self, d: date) -> bool:
        """True if ``d`` is Monday to Friday and not a bank holiday or extra non-working day."""
        return bool(np.is_busday(self._days(d), busdaycal=self._busdaycal))

    def wd_add_many(self, xs: npt.ArrayLike, n: npt.ArrayLike) -> np.ndarray:
        """Vectorised :meth:`wd_add`: ``n`` (≥ 1) broadcasts against ``xs``; returns ``datetime64[D]``."""
        if (np.asarray(n) < 1).any():
            raise ValueError("wd_add needs n >= 1 (indicators.md §2.3)")
        # §2.3: a non-working trigger counts the next working day as day 1 (numpy's roll='backward'), so
        # a Saturday referral has the same deadline as the Friday before: the answer is the working day
        # whose index is x's index plus n (x's index is that of the last working day on or before x).
        rank = self._wd_index[self._offsets(xs)] + np.asarray(n, dtype=np.int64) - 1
        if (rank >= len(self._working_days)).any():
            # A due date after the loaded years: numpy's own count names it in the error.
            self._check(np.busday_offset(self._days(xs), n, roll="backward", busdaycal=self._busdaycal))
        return self._working_days[rank]

    def wd_add(self, x: date, n: int) -> date:
        """The ``n``-th working day strictly after ``x`` (n ≥ 1): the due date of §2.3 and §2.5."""
        return self.wd_add_many(x, n).item()

    def wd_between_many(self, xs: npt.ArrayLike, ys: npt.ArrayLike) -> np.ndarray:
        """Vectorised :meth:`wd_between`: ``xs`` and ``ys`` broadcast; returns ``int64``."""
        # §2.3: the working days d with x < d <= y are wd_index(y) - wd_index(x), negative when y < x.
        return self._wd_index[self._offsets(ys)] - self._wd_index[self._offsets(xs)]

    def _offsets(self, values: npt.ArrayLike) -> np.ndarray:
        """Days since the first loaded day, checked against the range."""
        return (self._days(values) - self._lo).astype(np.int64)

    def wd_between(self, x: date, y: date) -> int:
        """Working days ``d`` with ``x < d <= y``; 0 when ``x == y`` and negative when ``y < x``."""
        return int(self.wd_between_many(x, y))

    def prev_working_day(self, d: date) -> date:
        """The last working day strictly before ``d``."""
        day_before = self._days(d) - np.timedelta64(1, "D")
        self._check(day_before)
        return np.busday_offset(day_before, 0, roll="backward", busdaycal=self._busdaycal).item()

    def calendar_table(self) -> pa.Table:
        """One row per day in the loaded years: ``cal_date``, ``is_working_day`` and ``wd_index``.

        ``wd_index`` is the number of working days on or before ``cal_date``, counted from the
        first loaded day (the fixed origin of §2.3); only differences between indexes mean anything.
        """
        return pa.table(
            {
                "cal_date": pa.array(self._loaded_days, type=pa.date32()),
                "is_working_day": pa.array(self._working, type=pa.bool_()),
                "wd_index": pa.array(self._wd_index, type=pa.int64()),
            }
        )

    def register(self, con: duckdb.DuckDBPyConnection, name: str | None = "calendar") -> None:
        """Load :meth:`calendar_table` into ``con`` as temporary table ``name`` (none when ``name`` is
        None: the functions need no table) and define the functions.

        ``wd_between(x, y)`` and ``wd_add(x, n)`` are SQL functions that call :meth:`wd_between_many`
        and :meth:`wd_add_many` on whole columns at a time, so SQL and Python cannot disagree and a
        query that uses them many times costs no more to plan than any other call. They return NULL
        for a NULL argument and raise, as the Python methods do, for a date outside the loaded years
        or n < 1. Registering again replaces them.
        """
        if name is not None:
            self._create_table(con, name)
        for function, kinds, result in (
            (self._sql_wd_between, [DATE, DATE], BIGINT),
            (self._sql_wd_add, [DATE, BIGINT], DATE),
        ):
            sql_name = "_" + function.__name__.removeprefix("_sql_")
            with contextlib.suppress(duckdb.InvalidInputException):  # not registered here yet
                con.remove_function(sql_name)
            # A cursor shares its database's functions: those of the connection it came from serve it.
            with contextlib.suppress(duckdb.CatalogException):
                con.create_function(
                    sql_name,
                    function,
                    kinds,
                    result,
                    type="arrow",
                    null_handling="special",
                    side_effects=False,
                )
        # Thin macros, so that a timestamp or a text date is taken as its date (§2.2: times are dropped).
        con.execute(
            "CREATE OR REPLACE TEMP MACRO wd_between(x, y) AS _wd_between(CAST(x AS DATE), CAST(y AS DATE))"
        )
        con.execute(
            "CREATE OR REPLACE TEMP MACRO wd_add(x, n) AS _wd_add(CAST(x AS DATE), CAST(n AS BIGINT))"
        )

    def _create_table(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        if not _SQL_IDENTIFIER.fullmatch(name):
            raise ValueError(f"calendar table name {name!r} is not a plain SQL identifier")
        staging = f"_{name}_arrow"
        con.register(staging, self.calendar_table())
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {staging} ORDER BY cal_date")
        finally:
            con.unregister(staging)

    def _sql_wd_between(self, xs: pa.Array, ys: pa.Array) -> pa.Array:
        valid = ~(_nulls(xs) | _nulls(ys))
        out = np.zeros(len(valid), np.int64)
        if valid.any():
            out[valid] = self.wd_between_many(_days(xs)[valid], _days(ys)[valid])
        return pa.array(out, pa.int64(), mask=~valid)

    def _sql_wd_add(self, xs: pa.Array, ns: pa.Array) -> pa.Array:
        valid = ~(_nulls(xs) | _nulls(ns))
        out = np.zeros(len(valid), "datetime64[D]")
        if valid.any():
            n = _plain(ns).fill_null(0).to_numpy(zero_copy_only=False)
            out[valid] = self.wd_add_many(_days(xs)[valid], n[valid])
        return pa.array(out, pa.date32(), mask=~valid)


def _plain(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def _nulls(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return _plain(values).is_null().to_numpy(zero_copy_only=False)


def _days(dates: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Dates as datetime64[D]; a NULL becomes day 0, which callers mask out."""
    return _plain(dates).cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False).astype("datetime64[D]")


def add_days(d: date, n: int) -> date:
    """``d + n`` calendar days (§2.2 "within n days")."""
    return d + timedelta(days=n)


def add_weeks(d: date, n: int) -> date:
    """``d + 7n`` days (§2.2: 6 weeks = 42 days)."""
    return d + timedelta(days=7 * n)


def add_months(d: date, n: int) -> date:
    """``d + n`` months with the day clipped to the month end (§2.2: 31 Aug 2024 + 3 = 30 Nov 2024)."""
    return d + relativedelta(months=n)


def add_years(d: date, n: int) -> date:
    """``d + n`` years, 29 Feb clipped to 28 Feb (§2.2 "at least n years long": ``end >= add_years``)."""
    return d + relativedelta(years=n)


def due_within_hours(x: date, hours: int) -> date:
    """Due date of a "within n hours" rule when only dates are held: ``x + ceil(n/24)`` days (§2.2)."""
    return add_days(x, -(-hours // 24))


def age_on(dob: date, d: date) -> int:
    """Completed years at ``d`` (§2.4); negative when ``d`` is before ``dob``.

    A 29 February birthday falls on 1 March in non-leap years: born 29 Feb 2008, a child is 16 on
    28 Feb 2025 and 17 on 1 Mar 2025.
    """
    return d.year - dob.year - ((d.month, d.day) < (dob.month, dob.day))


# §2.4 fixed labels, each with the oldest completed age it holds.
_CHILD_AGE_BANDS = ((-1, "unborn"), (0, "under 1"), (4, "1-4"), (9, "5-9"), (15, "10-15"), (17, "16-17"))
_CARE_LEAVER_AGE_BANDS = ((16, "16"), (18, "17-18"), (21, "19-21"), (25, "22-25"))


def age_band(age: int) -> str:
    """The child age band of §2.4 for an age from :func:`age_on`.

    A negative age (the date is before the expected date of birth) is ``unborn``; ``18+`` is for
    records that run past the 18th birthday.
    """
    return next((label for oldest, label in _CHILD_AGE_BANDS if age <= oldest), "18+")


def care_leaver_age_band(age: int) -> str:
    """The care-leaver age band of §2.4 (``16``, ``17-18``, ``19-21``, ``22-25``).

    Raises ValueError for an age outside 16–25, which no care-leaver band covers.
    """
    if not 16 <= age <= 25:
        raise ValueError(f"age {age} is outside the care-leaver age bands (16-25)")
    return next(label for oldest, label in _CARE_LEAVER_AGE_BANDS if age <= oldest)
