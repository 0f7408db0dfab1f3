"""Standard errors and percentile intervals of the regression-to-the-mean results, from
draws built by hand (found by mutation testing, ``make mutation``)."""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.rtm.results import draw_estimates, percentile_tidy


def test_draw_estimates_needs_two_draws_for_a_standard_error():
    """Column 1: SD (n - 1) of 1, 2, 4 = sqrt(7/3); column 2: one draw, no SE; column 3:
    two draws 5 and 7, SD sqrt(2); NaN draws are left out."""
    draws = np.array([[1.0, np.nan, 5.0], [2.0, 3.0, np.nan], [4.0, np.nan, 7.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no SD is attempted from a single draw
        got = draw_estimates(["a", "b", "c"], [0.5, 1.5, 2.5], draws, 30)
    assert got["term"].tolist() == ["a", "b", "c"]
    assert got["estimate"].tolist() == [0.5, 1.5, 2.5]
    assert got["std_error"].iloc[0] == pytest.approx(np.sqrt(7 / 3))
    assert np.isnan(got["std_error"].iloc[1])
    assert got["std_error"].iloc[2] == pytest.approx(np.sqrt(2))
    assert got["n"].tolist() == [30, 30, 30]


def test_percentile_tidy_replaces_only_terms_with_draws():
    tidy = pd.DataFrame({"term": ["a", "b"], "conf_low": [-9.0, -9.0], "conf_high": [9.0, 9.0]})
    draws = np.column_stack([np.arange(101.0), np.full(101, np.nan)])
    out = percentile_tidy(tidy, draws, 0.9)
    assert out.loc[0, ["conf_low", "conf_high"]].tolist() == pytest.approx([5.0, 95.0])
    assert out.loc[1, ["conf_low", "conf_high"]].tolist() == [-9.0, 9.0]
    assert tidy.loc[0, "conf_low"] == -9.0  # the input is not changed
    all_missing = percentile_tidy(tidy, np.full((5, 2), np.nan), 0.9)
    assert all_missing.equals(tidy)


def test_rtm_estimate_notes_and_meta():
    est = et.rtm.expected_rtm_normal(0, 1, 0.5, 1)
    notes = est._notes()
    assert notes[0].startswith("Model: normal; inputs {'mean': 0")
    assert "no intervention and a stable population" in notes[1]
    assert est.meta == {"options": dict(model="normal", mean=0, sd=1, r=0.5, cutoff=1,
                                        tail="upper", n_baseline=1, n=None)}
    assert est.summary()["value"].dtype == float
