"""Period arithmetic against pandas.DateOffset, by brute force."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from evaltools.cohort import Period, add_months

dates = st.dates(min_value=pd.Timestamp("1990-01-01").date(),
                 max_value=pd.Timestamp("2030-12-31").date())


@given(dates, st.integers(-40, 40))
def test_add_months_matches_dateoffset(day, months):
    ours = add_months(np.array([np.datetime64(day, "D")]), months)[0]
    theirs = (pd.Timestamp(day) + pd.DateOffset(months=months)).to_datetime64()
    assert ours == theirs.astype("M8[D]")


@given(dates, dates, st.sampled_from(["month", "year", "week", "day"]))
def test_relative_period_contains_the_date(index, date, unit):
    period = Period(unit)
    i = np.array([np.datetime64(index, "D")])
    d = np.array([np.datetime64(date, "D")])
    k = period.relative(i, d)
    assert period.boundary(i, k)[0] <= d[0] < period.boundary(i, k + 1)[0]
