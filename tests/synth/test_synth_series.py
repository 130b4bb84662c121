"""The generator's date arithmetic agrees with the product calendar, and its series helpers keep their
promises: in-time gaps within the standard, exactly the planted overdue owners, reviews chained as
indicators.md A08/B03 recompute them."""

from __future__ import annotations

import datetime as dt

import numpy as np
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from clearsight.calendar import WorkingCalendar
from clearsight.synth.context import quota
from clearsight.synth.series import interval_series, review_chain
from clearsight.synth.timing import FAR, Clock, add_months, age_on, day

CLOCK = Clock(dt.date(2026, 3, 31))
CALENDAR = WorkingCalendar(2000, 2028)
dates = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2027, 6, 30))


@settings(max_examples=200, deadline=None)
@given(dates, st.integers(-400, 400))
def test_add_months_matches_relativedelta(d, months):
    assert add_months(np.array([day(d)]), months)[0] == day(d + relativedelta(months=months))


@settings(max_examples=200, deadline=None)
@given(dates, st.integers(1, 90), dates)
def test_working_days_match_the_calendar(x, n, y):
    assert CLOCK.wd_add(np.array([day(x)]), n)[0] == day(CALENDAR.wd_add(x, n))
    assert CLOCK.wd_between(np.array([day(x)]), np.array([day(y)]))[0] == CALENDAR.wd_between(x, y)


@settings(max_examples=100, deadline=None)
@given(dates, dates)
def test_age_on_matches_completed_years(born, on):
    expected = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    assert age_on(np.array([day(born)]), day(on))[0] == expected


def test_quota_chooses_exactly_the_share():
    rng = np.random.default_rng(0)
    eligible = rng.random(1000) < 0.4
    chosen = quota(rng, eligible, 0.25)
    assert chosen.sum() == round(0.25 * eligible.sum()) and not (chosen & ~eligible).any()


def test_interval_series_plants_the_final_gap_and_keeps_the_others_in_time():
    rng = np.random.default_rng(1)
    n = 500
    start = np.zeros(n, np.int64)
    stop = np.full(n, 400, np.int64)
    late = np.arange(n) < 100
    owner, tick = interval_series(
        rng, start, stop, gap_lo=5, gap_hi=10, late_rate=0.0, late_extra=15, final_late=late
    )
    last = np.full(n, -1)
    np.maximum.at(last, owner, tick)
    assert ((stop - last)[late] > 10).all() and ((stop - last)[~late] <= 10).all()
    gaps = np.diff(tick)[owner[1:] == owner[:-1]]
    assert gaps.min() >= 5 and gaps.max() <= 10
    assert (tick >= 0).all() and (tick <= 400).all()


def test_interval_series_late_gaps_at_the_rate():
    rng = np.random.default_rng(2)
    owner, tick = interval_series(
        rng,
        np.zeros(200, np.int64),
        np.full(200, 2000, np.int64),
        gap_lo=20,
        gap_hi=28,
        late_rate=0.1,
        late_extra=20,
        late_lo=33,
    )
    gaps = np.diff(tick)[owner[1:] == owner[:-1]]
    assert np.mean(gaps > 28) == np.mean(gaps >= 33)
    assert abs(np.mean(gaps > 28) - 0.1) < 0.02


def test_review_chain_recomputes_due_dates_from_the_review_held():
    rng = np.random.default_rng(3)
    start = np.full(300, CLOCK.as_at - 1000)
    end = np.where(np.arange(300) < 150, FAR, CLOCK.as_at - 200)
    reviews = review_chain(
        rng,
        CLOCK,
        add_months(start, 3),
        end,
        second_months=6,
        later_months=6,
        late_rate=0.2,
        ends_with_review=end < FAR,
    )
    for owner in range(300):
        mine = reviews.owner == owner
        held, due, ending = reviews.held[mine], reviews.due[mine], reviews.ending[mine]
        assert (held <= CLOCK.as_at).all() and (held <= end[owner]).all()
        assert due[0] == add_months(start[owner : owner + 1], 3)[0]
        occasions = ~ending
        assert (due[1:][occasions[1:]] == add_months(held[:-1], 6)[occasions[1:]]).all()
        if end[owner] < FAR:
            assert ending[-1] and held[-1] == end[owner]
    late = reviews.held > reviews.due
    assert 0.12 < late[~reviews.ending].mean() < 0.28
