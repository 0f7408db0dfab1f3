"""Event studies with covariates and TWFE against R.

``reference/event_study_reference.R`` simulates ``reference/event_study_panel.csv`` and fits
the two-way fixed-effects event study with ``lm`` on unit and period dummies and
``sandwich::vcovCL`` (type "HC0", cadjust = TRUE, times (n-1)/(n-k)), and again with
``plm(effect = "twoways")`` and ``vcovHC(method = "arellano", type = "sss")``; the two R
routes agree to 1e-8 and are stored in ``reference/event_study_reference.csv``. The same
script fits the 2x2 on that panel with ``lm`` and ``glm(family = poisson, offset =
log(years))`` and ``vcovCL(cluster = ~unit, type = "HC1")``.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import evaltools as et

REF = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def panel():
    d = pd.read_csv(REF / "event_study_panel.csv")
    return d.assign(treated=((d.cohort > 0) & (d.time >= d.cohort)).astype(int))


@pytest.fixture(scope="module")
def reference():
    return pd.read_csv(REF / "event_study_reference.csv")


CASES = {
    "event_study_covariates": dict(covariates=["x1", "x2"]),
    "event_study": dict(),
    "event_study_covariates_region": dict(covariates="~ x1 + x2", cluster="region"),
}


@pytest.mark.parametrize("model", list(CASES))
def test_event_study_matches_r(panel, reference, model):
    res = et.did.event_study(panel, outcome="y", unit="unit", time="time", cohort="cohort",
                             window=(-3, 3), **CASES[model])
    ref = reference[reference.model == model].set_index("term")
    got = res.tidy().set_index("term")
    assert list(got.index) == list(ref.index)
    assert got.estimate.to_numpy() == pytest.approx(ref.estimate.to_numpy(), rel=1e-8, abs=1e-10)
    assert got.std_error.to_numpy() == pytest.approx(ref.std_error.to_numpy(), rel=1e-6)


def test_twfe_matches_r(panel, reference):
    res = et.did.twfe(panel, outcome="y", unit="unit", time="time", treatment="treated")
    ref = reference[reference.model == "twfe"].iloc[0]
    assert res.estimate == pytest.approx(ref.estimate, rel=1e-8)
    assert res.se == pytest.approx(ref.std_error, rel=1e-6)


def test_covariates_change_the_event_study(panel, reference):
    """The covariates move with adoption, so leaving them out shifts the lags (R agrees)."""
    ref = reference.set_index(["model", "term"]).estimate
    with_x = et.did.event_study(panel, outcome="y", unit="unit", time="time",
                                cohort="cohort", window=(-3, 3), covariates=["x1", "x2"])
    assert with_x.table.loc[0, "estimate"] == pytest.approx(
        ref["event_study_covariates", "event_time::0"], rel=1e-8)
    assert abs(ref["event_study_covariates", "event_time::0"]
               - ref["event_study", "event_time::0"]) > 0.1


def test_did_2x2_with_covariates_matches_r(panel, reference):
    d = panel.assign(group=(panel.cohort > 0).astype(int), post=(panel.time >= 5).astype(int))
    ref = reference.set_index("model")
    res = et.did.did_2x2(d, outcome="y", treatment="group", post="post", unit="unit",
                         covariates="~ x1 + x2")
    assert res.estimate == pytest.approx(ref.loc["did_2x2_covariates", "estimate"], rel=1e-8)
    assert res.se == pytest.approx(ref.loc["did_2x2_covariates", "std_error"], rel=1e-6)
    pois = et.did.did_2x2(d, outcome="count", treatment="group", post="post", unit="unit",
                          covariates=["x2"], family="poisson", exposure="years")
    assert pois.estimate == pytest.approx(np.exp(ref.loc["did_2x2_poisson", "estimate"]),
                                          rel=1e-7)
    assert pois.log_se == pytest.approx(ref.loc["did_2x2_poisson", "std_error"], rel=1e-6)
