"""Dates as integer day numbers for the generator, with working days from the product's one calendar.

The generator keeps every date as an int64 day number (days since 1970-01-01) in numpy arrays; `FAR`
stands for an end that has not happened ("still open"). Working days go through
`clearsight.calendar.WorkingCalendar` (indicators.md §2.3), adapted here to whole arrays through a
working-day index; months follow indicators.md §2.2 (day clipped to the month end).

Must not import anything from clearsight except `clearsight.calendar`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from clearsight.calendar import WorkingCalendar

FAR = 10**7  # an end date that has not happened: the record is still open
YEAR = 365.25


def day(d: dt.date) -> int:
    """The day number of a date."""
    return int(np.datetime64(d, "D").astype(np.int64))


def add_months(days: np.ndarray, months: int | np.ndarray) -> np.ndarray:
    """`days + months`, the day clipped to the end of the month (relativedelta semantics, §2.2)."""
    dates = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    month = dates.astype("datetime64[M]")
    day_of_month = (dates - month.astype("datetime64[D]")).astype(np.int64)
    target = month + np.asarray(months, dtype=np.int64)
    month_length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(np.int64)
    return target.astype("datetime64[D]").astype(np.int64) + np.minimum(day_of_month, month_length - 1)


def birthday(dob: np.ndarray, years: int) -> np.ndarray:
    """The day a person born on `dob` turns `years` (29 February → 28 February, as relativedelta)."""
    return add_months(dob, 12 * years)


class Clock:
    """The as-at date, the history window and working-day arithmetic over arrays of day numbers.

    `as_at` is the snapshot date; `window_start` the first day of the three years of history; `horizon`
    how far back journeys are simulated so that long stays (in care since infancy) are in steady state.
    """

    HISTORY_YEARS = 3
    HORIZON_YEARS = 26

    def __init__(self, as_at: dt.date) -> None:
        self.as_at_date = as_at
        self.as_at = day(as_at)
        self.window_start = int(add_months(np.array([self.as_at]), -12 * self.HISTORY_YEARS)[0]) + 1
        self.horizon = int(add_months(np.array([self.as_at]), -12 * self.HORIZON_YEARS)[0])
        calendar = WorkingCalendar(as_at.year - self.HORIZON_YEARS - 1, as_at.year + 2).calendar_table()
        # The calendar's own wd_index column (§2.3, SQL form), as lookup arrays: the generator asks
        # about millions of dates, which numpy's busday functions would walk one span at a time.
        self._first = day(calendar["cal_date"][0].as_py())
        self._index = calendar["wd_index"].to_numpy()
        self._working = np.flatnonzero(calendar["is_working_day"].to_numpy()) + self._first

    def wd_index(self, days: np.ndarray) -> np.ndarray:
        """Working days from the calendar's first day up to and including each day (§2.3 `wd_index`)."""
        offset = np.asarray(days, dtype=np.int64) - self._first
        if offset.size and (offset.min() < 0 or offset.max() >= self._index.size):
            raise ValueError("a date outside the synthetic council's working calendar")
        return self._index[offset]

    def from_wd_index(self, index: np.ndarray) -> np.ndarray:
        """The working day with the given index: the inverse of `wd_index` on working days."""
        return self._working[np.asarray(index, dtype=np.int64) - 1]

    def wd_add(self, days: np.ndarray, n: int | np.ndarray) -> np.ndarray:
        """The n-th working day strictly after each day (§2.3 `wd_add`; n = 0 gives the day itself)."""
        n = np.broadcast_to(np.asarray(n, dtype=np.int64), np.shape(days))
        moved = self.from_wd_index(self.wd_index(days) + np.maximum(n, 1))
        return np.where(n > 0, moved, np.asarray(days, dtype=np.int64))

    def wd_between(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Working days d with x < d <= y (§2.3 `wd_between`)."""
        return self.wd_index(y) - self.wd_index(x)

    def working_on_or_before(self, days: np.ndarray) -> np.ndarray:
        """Each day, moved back to the last working day on or before it."""
        return self.from_wd_index(self.wd_index(days))

    def working_on_or_after(self, days: np.ndarray) -> np.ndarray:
        """Each day, moved forward to the first working day on or after it."""
        return self.from_wd_index(self.wd_index(np.asarray(days, dtype=np.int64) - 1) + 1)


def age_on(dob: np.ndarray, days: np.ndarray | int) -> np.ndarray:
    """Completed years at each day (indicators.md §2.4), for arrays of day numbers."""
    dob = np.asarray(dob, dtype=np.int64)
    days = np.broadcast_to(np.asarray(days, dtype=np.int64), dob.shape)
    guess = np.floor((days - dob) / YEAR).astype(np.int64)
    guess = np.where(birthday_many(dob, guess + 1) <= days, guess + 1, guess)
    return np.where(birthday_many(dob, guess) > days, guess - 1, guess)


def birthday_many(dob: np.ndarray, years: np.ndarray) -> np.ndarray:
    """The day a person born on `dob` turns `years`, element by element."""
    return add_months(dob, 12 * np.asarray(years, dtype=np.int64))
