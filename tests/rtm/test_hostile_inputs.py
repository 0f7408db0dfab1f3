"""Wrong inputs found by a hostile reading of the RTM functions: an sd whose square
overflows, a trajectory window beyond the data, one person per group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, EvaltoolsInputError, ParameterError


def _panel():
    rng = np.random.default_rng(5)
    n, periods = 100, np.arange(-3, 3)
    return pd.DataFrame({"person_id": np.repeat(np.arange(n), len(periods)),
                         "rel_period": np.tile(periods, n),
                         "emergency": rng.poisson(0.5, n * len(periods)).astype(float)})


def test_sd_too_large_to_square_is_refused():
    with pytest.raises(ParameterError, match=r"'sd' parameter of expected_rtm_normal.*1e\+150"):
        et.rtm.expected_rtm_normal(10, 1e300, 0.5, 12)


def test_large_but_finite_sd_still_gives_the_closed_form():
    # Barnett et al. (2005): change = -sd (1 - r) phi(z) / (1 - Phi(z)), z = (cutoff-mean)/sd;
    # with the cutoff at the mean z = 0 and phi(0) / (1 - Phi(0)) = sqrt(2 / pi).
    est = et.rtm.expected_rtm_normal(0, 1e100, 0.5, 0)
    assert est.change == pytest.approx(-0.5 * 1e100 * np.sqrt(2 / np.pi), rel=1e-9)


def test_trajectory_window_beyond_the_data_warns():
    with pytest.warns(DataWarning, match=r"after=1000000000 reaches beyond the data.*span only 5"):
        et.rtm.selection_trajectory(_panel(), outcome="emergency", select_period=0,
                                    threshold=2, after=10**9)


def test_trajectory_window_within_the_data_is_quiet(recwarn):
    et.rtm.selection_trajectory(_panel(), outcome="emergency", select_period=0, threshold=2,
                                before=3, after=2)
    assert not [w for w in recwarn if issubclass(w.category, DataWarning)]


def test_decompose_refuses_one_person_per_group():
    with pytest.raises(EvaltoolsInputError, match=r"treated_before and treated_after hold one "
                                                  "person only"):
        et.rtm.decompose_change([3.0], [1.0], [2.0, 3.0], [1.0, 2.0], progress=False)
    with pytest.raises(EvaltoolsInputError, match=r"control_before and control_after hold one"):
        et.rtm.decompose_change([3.0, 2.0], [1.0, 2.0], [2.0], [1.0], progress=False)


@pytest.mark.parametrize("values", [pd.to_timedelta([3, 2, 4], unit="D"),
                                    pd.to_datetime(["2020-01-01"] * 3),
                                    np.array([3, 2, 4], dtype=complex)])
def test_decompose_refuses_dates_durations_and_complex(values):
    with pytest.raises(EvaltoolsInputError, match=r"treated_before must be real numbers"):
        et.rtm.decompose_change(values, [1.0, 2, 1], [2.0, 2, 2], [1.0, 1, 1],
                                progress=False)


def test_complex_counts_are_refused():
    from evaltools.exceptions import SchemaError
    panel = _panel().assign(emergency=lambda d: d["emergency"].astype(complex))
    with pytest.raises(SchemaError, match=r"Column 'emergency' of the data of fit_count_model "
                                          "holds complex numbers"):
        et.rtm.fit_count_model(panel, "emergency")
