"""The 2x2 estimators of att_gt with a covariate under steep selection, against DRDID
(through moderndid 0.2.0, its Python port): tests/did/reference/make_moderndid_aggregations.py
-> sim_imp_trim.csv and moderndid_imp_trim.csv.

Two panels: "steep", where 62 treated units have tilting scores of 0.995 or more (they stay:
DRDID trims comparison units only), and "steep_planted", with three comparison units whose
logit scores are 0.995 or more (trimmed by drdid_panel and std_ipw_did_panel). The logit
starting values of the tilting fit are checked against statsmodels' maximum likelihood.
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import evaltools as et
from evaltools.did.cells_imp import _logit, ipt_propensity

REF = et.datasets.sample_path("mpdta.csv").parents[1] / "tests" / "did" / "reference"
TWO = dict(outcome="y", time="period", unit="id", cohort="g", covariates=["x1"])


@pytest.fixture(scope="module")
def panels():
    return pd.read_csv(REF / "sim_imp_trim.csv")


@pytest.mark.parametrize("method", ["dr_imp", "dr", "ipw", "reg"])
@pytest.mark.parametrize("data", ["steep", "steep_planted"])
def test_estimate_and_se_match_drdid(panels, data, method):
    ref = pd.read_csv(REF / "moderndid_imp_trim.csv").set_index(["data", "est_method"])
    ref = ref.loc[(data, method)]
    res = et.did.att_gt(panels[panels["data"] == data], **TWO, est_method=method)
    # Tilting converges to 1e-10 in the gradient; the two ports agree to about 1e-8.
    assert res.table["att"].iloc[0] == pytest.approx(ref["att"], abs=1e-7)
    assert res.table["se"].iloc[0] == pytest.approx(ref["se"], rel=1e-6)


def test_trimming_rules_are_exercised(panels):
    """62 treated units have tilting scores >= 0.995 and are kept: dropping them too would
    move the dr_imp estimate from 1.4409 to 1.1090 (computed with drdid_imp and a keep
    indicator of p < 0.995 for every unit)."""
    d = panels[(panels["data"] == "steep") & (panels["period"] == 1)]
    x = np.column_stack([np.ones(len(d)), d["x1"]])
    treat = (d["g"] == 2).to_numpy(float)
    p = ipt_propensity(x, treat)
    assert ((p >= 0.995) & (treat == 1)).sum() == 62
    odds = p / (1 - p)
    np.testing.assert_allclose(((1 - treat) * odds) @ x, treat @ x, rtol=1e-8)


@pytest.mark.parametrize("data", ["steep", "steep_planted"])
def test_logit_starting_values_are_maximum_likelihood(panels, data):
    d = panels[(panels["data"] == data) & (panels["period"] == 1)]
    x = np.column_stack([np.ones(len(d)), d["x1"]])
    treat = (d["g"] == 2).to_numpy(float)
    want = sm.Logit(treat, x).fit(disp=0, tol=1e-12).params
    np.testing.assert_allclose(_logit(x, treat), want, rtol=1e-8)
