"""Tests for clearsight.calendar against indicators.md §2.2–2.4 and Appendix A."""

from datetime import date, datetime, timedelta
from itertools import pairwise

import duckdb
import holidays
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearsight.calendar import (
    CalendarRangeError,
    WorkingCalendar,
    add_days,
    add_months,
    add_weeks,
    add_years,
    age_band,
    age_on,
    care_leaver_age_band,
    due_within_hours,
)

# Appendix A property tests run over x in 2015–2030; wd_add(x, 60) for x late in 2030 lands in 2031.
SWEEP_START, SWEEP_END = date(2015, 1, 1), date(2030, 12, 31)
MAX_N = 60
sweep_dates = st.dates(min_value=SWEEP_START, max_value=SWEEP_END)


@pytest.fixture(scope="module")
def cal():
    return WorkingCalendar(SWEEP_START.year, SWEEP_END.year + 1)


@pytest.fixture(scope="module")
def sql(cal):
    con = duckdb.connect()
    cal.register(con)
    yield con
    con.close()


def sql_value(con, query, *params):
    """The single value a query returns (fetchall, so no result is left open on the connection)."""
    [(value,)] = con.execute(query, list(params)).fetchall()
    return value


def naive_wd_between(x, y, bank_holidays):
    """Independent oracle: count x < d <= y day by day (only for x <= y)."""
    days = (x + timedelta(days=i) for i in range(1, (y - x).days + 1))
    return sum(1 for d in days if d.weekday() < 5 and d not in bank_holidays)


# indicators.md §2.3 reference values, then Appendix A's working-day values.
WD_ADD_REFERENCE = [
    (date(2025, 12, 19), 15, date(2026, 1, 14)),
    (date(2025, 12, 1), 45, date(2026, 2, 5)),
    (date(2025, 12, 20), 20, date(2026, 1, 21)),
    (date(2024, 11, 4), 45, date(2025, 1, 9)),
    (date(2024, 12, 2), 20, date(2025, 1, 2)),
    (date(2024, 10, 1), 45, date(2024, 12, 3)),
    (date(2024, 11, 1), 45, date(2025, 1, 8)),
    (date(2024, 12, 2), 45, date(2025, 2, 6)),
    (date(2024, 10, 15), 45, date(2024, 12, 17)),
    (date(2024, 12, 5), 15, date(2024, 12, 30)),
    (date(2024, 10, 7), 20, date(2024, 11, 4)),
    (date(2024, 11, 4), 20, date(2024, 12, 2)),
    (date(2025, 1, 13), 20, date(2025, 2, 10)),
    (date(2025, 1, 20), 20, date(2025, 2, 17)),
    (date(2025, 1, 13), 10, date(2025, 1, 27)),
    (date(2024, 12, 16), 10, date(2025, 1, 2)),
    (date(2024, 12, 2), 10, date(2024, 12, 16)),
    (date(2024, 12, 9), 10, date(2024, 12, 23)),
    (date(2024, 11, 1), 10, date(2024, 11, 15)),
    (date(2025, 1, 6), 20, date(2025, 2, 3)),
]
WD_BETWEEN_REFERENCE = [
    (date(2024, 12, 23), date(2024, 12, 27), 2),
    (date(2024, 12, 24), date(2024, 12, 27), 1),
    (date(2024, 12, 16), date(2025, 1, 31), 31),
    (date(2024, 12, 31), date(2025, 1, 31), 22),
    (date(2025, 1, 6), date(2025, 1, 31), 19),
]


@pytest.mark.parametrize(("x", "n", "expected"), WD_ADD_REFERENCE)
def test_wd_add_reference_values(cal, sql, x, n, expected):
    assert cal.wd_add(x, n) == expected
    assert sql_value(sql, "SELECT wd_add(?::DATE, ?)", x, n) == expected


@pytest.mark.parametrize(("x", "y", "expected"), WD_BETWEEN_REFERENCE)
def test_wd_between_reference_values(cal, sql, x, y, expected):
    assert cal.wd_between(x, y) == expected
    assert cal.wd_between(y, x) == -expected
    assert sql_value(sql, "SELECT wd_between(?::DATE, ?::DATE)", x, y) == expected


@pytest.mark.parametrize(
    "d",
    [
        date(2022, 6, 2),  # Spring bank holiday moved for the Platinum Jubilee
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 9, 19),  # State funeral
        date(2023, 5, 8),  # Coronation
        date(2021, 12, 27),  # Christmas and Boxing Day substitute days
        date(2021, 12, 28),
        date(2022, 12, 26),
        date(2022, 12, 27),
        date(2026, 12, 28),
        date(2027, 12, 27),
        date(2027, 12, 28),
    ],
)
def test_one_off_and_substitute_bank_holidays_are_not_working_days(cal, d):
    assert d.weekday() < 5
    assert not cal.is_working_day(d)


def test_fixture_calendar_bank_holidays(cal):
    """Appendix A: the weekday non-working days from Jan 2024 to Apr 2025 are exactly these."""
    listed = {
        date(2024, m, d) for m, d in [(1, 1), (3, 29), (4, 1), (5, 6), (5, 27), (8, 26), (12, 25), (12, 26)]
    }
    listed |= {date(2025, 1, 1), date(2025, 4, 18), date(2025, 4, 21)}
    days = (
        date(2024, 1, 1) + timedelta(days=i) for i in range((date(2025, 4, 30) - date(2024, 1, 1)).days + 1)
    )
    assert {d for d in days if d.weekday() < 5 and not cal.is_working_day(d)} == listed


def test_weekend_trigger_has_the_friday_deadline(cal):
    # §2.3: the backward roll means a Saturday or Sunday referral gains no extra day.
    friday, saturday, sunday = date(2025, 1, 10), date(2025, 1, 11), date(2025, 1, 12)
    assert cal.wd_add(saturday, 1) == cal.wd_add(sunday, 1) == cal.wd_add(friday, 1) == date(2025, 1, 13)
    assert cal.wd_add(saturday, 20) == cal.wd_add(friday, 20) == date(2025, 2, 7)


def test_event_on_the_weekend_after_the_due_date_is_within_the_timescale(cal):
    # §2.3: met if wd_between(X, Y) <= N; no working day has passed after a Friday due date.
    trigger, due = date(2024, 11, 1), date(2024, 11, 15)
    assert cal.wd_add(trigger, 10) == due
    assert cal.wd_between(trigger, due + timedelta(days=1)) == 10
    assert cal.wd_between(trigger, due + timedelta(days=3)) == 11


def test_prev_working_day(cal):
    assert cal.prev_working_day(date(2025, 1, 13)) == date(2025, 1, 10)  # Monday -> Friday
    assert cal.prev_working_day(date(2025, 1, 11)) == date(2025, 1, 10)  # Saturday -> Friday
    assert cal.prev_working_day(date(2024, 12, 27)) == date(2024, 12, 24)  # over Christmas


def test_time_part_is_dropped(cal, sql):
    # §2.2: every computation is on dates.
    assert cal.wd_add(datetime(2024, 12, 2, 23, 59), 20) == date(2025, 1, 2)
    assert sql_value(sql, "SELECT wd_add(TIMESTAMP '2024-12-02 23:59', 20)") == date(2025, 1, 2)


def test_extra_non_working_days_are_honoured():
    extra_day = date(2025, 6, 9)  # an ordinary Monday
    plain = WorkingCalendar(2025, 2026)
    extended = WorkingCalendar(2025, 2026, extra_non_working_days=[extra_day])
    assert plain.is_working_day(extra_day)
    assert not extended.is_working_day(extra_day)
    assert extended.wd_add(date(2025, 6, 6), 1) == date(2025, 6, 10)
    assert extended.wd_between(date(2025, 6, 6), date(2025, 6, 10)) == 1
    con = duckdb.connect()
    extended.register(con)
    assert sql_value(con, "SELECT wd_add(DATE '2025-06-06', 1)") == date(2025, 6, 10)


def test_covering_spans_earliest_year_to_a_year_after_as_at():
    cal = WorkingCalendar.covering(date(2019, 5, 1), date(2024, 2, 29))
    assert (cal.first_date, cal.last_date) == (date(2019, 1, 1), date(2025, 12, 31))


def test_first_year_after_last_year_is_refused():
    with pytest.raises(ValueError, match="after"):
        WorkingCalendar(2025, 2024)


# Appendix A property tests, swept over every x in 2015–2030 and every n in 1..60.


@pytest.fixture(scope="module")
def sweep(cal):
    xs = np.arange(np.datetime64(SWEEP_START), np.datetime64(SWEEP_END) + 1, dtype="datetime64[D]")
    x_grid, n_grid = np.meshgrid(xs, np.arange(1, MAX_N + 1))
    return x_grid.ravel(), n_grid.ravel(), cal.wd_add_many(x_grid.ravel(), n_grid.ravel())


def test_wd_between_inverts_wd_add(cal, sweep):
    xs, ns, due = sweep
    assert np.array_equal(cal.wd_between_many(xs, due), ns)


def test_wd_add_is_always_a_working_day(sweep):
    # Checked against the holidays package directly, not through the calendar under test.
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=range(SWEEP_START.year, 2032))
    results = [d.item() for d in np.unique(sweep[2])]
    assert all(d.weekday() < 5 and d not in bank_holidays for d in results)


def test_non_working_trigger_matches_previous_working_day(cal):
    ns = np.arange(1, MAX_N + 1)
    days = (SWEEP_START + timedelta(days=i) for i in range(1, (SWEEP_END - SWEEP_START).days + 1))
    for x in (d for d in days if not cal.is_working_day(d)):
        assert np.array_equal(cal.wd_add_many(x, ns), cal.wd_add_many(cal.prev_working_day(x), ns)), x


def test_wd_between_same_day_is_zero(cal, sweep):
    xs = np.unique(sweep[0])
    assert not cal.wd_between_many(xs, xs).any()


@given(x=sweep_dates, span=st.integers(min_value=0, max_value=400))
def test_wd_between_matches_a_day_by_day_count(cal, x, span):
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=range(x.year, x.year + 3))
    y = min(x + timedelta(days=span), cal.last_date)  # the calendar ends with 2031
    expected = naive_wd_between(x, y, bank_holidays)
    assert cal.wd_between(x, y) == expected
    assert cal.wd_between(y, x) == -expected


def test_python_and_sql_agree_over_the_whole_sweep(sql, sweep):
    xs, ns, due = sweep
    sql.register(
        "sweep", pa.table({"x": pa.array(xs, pa.date32()), "n": ns, "due": pa.array(due, pa.date32())})
    )
    disagreements = sql_value(
        sql, "SELECT count(*) FROM sweep WHERE wd_add(x, n) <> due OR wd_between(x, due) <> n"
    )
    sql.unregister("sweep")
    assert disagreements == 0


@given(x=sweep_dates, y=sweep_dates, n=st.integers(min_value=1, max_value=MAX_N))
def test_python_and_sql_agree_on_random_dates(cal, sql, x, y, n):
    assert sql_value(sql, "SELECT wd_between(?::DATE, ?::DATE)", x, y) == cal.wd_between(x, y)
    assert sql_value(sql, "SELECT wd_add(?::DATE, ?)", x, n) == cal.wd_add(x, n)


# Out-of-range dates raise, never count as working days (§2.3, Appendix A property 6).


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.is_working_day(date(2014, 12, 31)),
        lambda c: c.is_working_day(date(2032, 1, 1)),
        lambda c: c.wd_between(date(2014, 12, 31), date(2015, 1, 5)),
        lambda c: c.wd_between(date(2031, 12, 1), date(2032, 1, 5)),
        lambda c: c.wd_add(date(2032, 1, 5), 1),
        lambda c: c.wd_add(date(2031, 12, 30), 5),  # the result falls after the loaded years
        lambda c: c.prev_working_day(date(2015, 1, 1)),
        lambda c: c.wd_add_many(np.array(["2020-01-01", "2040-01-01"], dtype="datetime64[D]"), 1),
    ],
)
def test_out_of_range_raises(cal, call):
    with pytest.raises(CalendarRangeError, match="2015-01-01 to 2031-12-31"):
        call(cal)


def test_range_error_names_the_date_and_is_a_value_error(cal):
    with pytest.raises(ValueError, match="2014-12-31 is outside the working calendar"):
        cal.is_working_day(date(2014, 12, 31))


def test_missing_date_and_bad_n_are_refused(cal):
    with pytest.raises(ValueError, match="NaT"):
        cal.wd_between_many(np.array(["2020-01-01", "NaT"], dtype="datetime64[D]"), date(2020, 2, 1))
    with pytest.raises(ValueError, match="n >= 1"):
        cal.wd_add(date(2020, 1, 1), 0)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT wd_between(DATE '2014-12-31', DATE '2015-01-05')", "2014-12-31 is outside"),
        ("SELECT wd_between(DATE '2015-01-05', DATE '2032-01-01')", "2032-01-01 is outside"),
        ("SELECT wd_add(DATE '2032-01-05', 1)", "2032-01-05 is outside"),
        ("SELECT wd_add(DATE '2031-12-30', 5)", "2032-01-06 is outside the working calendar"),
        ("SELECT wd_add(DATE '2020-01-01', 0)", "n >= 1"),
    ],
)
def test_sql_raises_where_python_does(sql, query, message):
    with pytest.raises(duckdb.Error, match=message):
        sql.execute(query).fetchall()


def test_sql_propagates_null(sql):
    assert sql_value(sql, "SELECT wd_add(NULL::DATE, 5)") is None
    assert sql_value(sql, "SELECT wd_between(DATE '2020-01-01', NULL::DATE)") is None


def test_calendar_table(cal):
    table = cal.calendar_table()
    assert table.schema == pa.schema(
        [("cal_date", pa.date32()), ("is_working_day", pa.bool_()), ("wd_index", pa.int64())]
    )
    assert table.num_rows == (cal.last_date - cal.first_date).days + 1
    rows = table.slice(3456, 40).to_pylist()
    assert all(row["is_working_day"] == cal.is_working_day(row["cal_date"]) for row in rows)
    assert all(
        later["wd_index"] - row["wd_index"] == later["is_working_day"] for row, later in pairwise(rows)
    )


def test_register_under_another_name():
    con = duckdb.connect()
    WorkingCalendar(2024, 2025).register(con, name="cal_2024")
    assert sql_value(con, "SELECT count(*) FROM cal_2024") == 731
    assert sql_value(con, "SELECT wd_add(DATE '2024-12-02', 20)") == date(2025, 1, 2)
    with pytest.raises(ValueError, match="identifier"):
        WorkingCalendar(2024, 2025).register(con, name="cal; DROP TABLE x")


# Ages and bands (§2.4).


@pytest.mark.parametrize(
    ("dob", "d", "age"),
    [
        (date(2008, 2, 29), date(2025, 2, 28), 16),
        (date(2008, 2, 29), date(2025, 3, 1), 17),
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
        (date(2010, 6, 15), date(2025, 6, 14), 14),
        (date(2010, 6, 15), date(2025, 6, 15), 15),
        (date(2025, 1, 31), date(2025, 1, 31), 0),
        (date(2025, 3, 1), date(2025, 1, 31), -1),  # expected date of birth still ahead
    ],
)
def test_age_on(dob, d, age):
    assert age_on(dob, d) == age


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (-1, "unborn"),
        (0, "under 1"),
        (1, "1-4"),
        (4, "1-4"),
        (5, "5-9"),
        (9, "5-9"),
        (10, "10-15"),
        (15, "10-15"),
        (16, "16-17"),
        (17, "16-17"),
        (18, "18+"),
        (25, "18+"),
    ],
)
def test_age_band(age, band):
    assert age_band(age) == band


@pytest.mark.parametrize(
    ("age", "band"),
    [(16, "16"), (17, "17-18"), (18, "17-18"), (19, "19-21"), (21, "19-21"), (22, "22-25"), (25, "22-25")],
)
def test_care_leaver_age_band(age, band):
    assert care_leaver_age_band(age) == band


@pytest.mark.parametrize("age", [15, 26])
def test_care_leaver_age_band_outside_16_to_25_raises(age):
    with pytest.raises(ValueError, match=str(age)):
        care_leaver_age_band(age)


# Calendar arithmetic (§2.2).


def test_add_months_clips_to_month_end():
    assert add_months(date(2024, 8, 31), 3) == date(2024, 11, 30)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_days(add_months(date(2025, 1, 31), -12), 1) == date(2024, 2, 1)  # §2.1 default period start


def test_add_days_weeks_and_years():
    assert add_days(date(2024, 12, 30), 3) == date(2025, 1, 2)
    assert add_weeks(date(2025, 1, 1), 6) == date(2025, 2, 12)  # 42 days
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


@pytest.mark.parametrize(("hours", "days"), [(0, 0), (1, 1), (24, 1), (25, 2), (72, 3)])
def test_due_within_hours(hours, days):
    assert due_within_hours(date(2025, 1, 31), hours) == date(2025, 1, 31) + timedelta(days=days)
