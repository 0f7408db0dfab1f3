"""Doubly robust estimators of att_gt against DRDID (through moderndid 0.2.0, its Python
port; tests/did/reference/make_moderndid_reference.py):

- est_method="dr_imp", the improved locally efficient estimator (``drdid_imp_panel``):
  every 2x2 comparison of mpdta with ~ lpop, and a simulated two-period panel;
- DRDID's trimming of comparison units with propensity score >= 0.995 in the traditional
  doubly robust (``drdid_panel``) and IPW (``std_ipw_did_panel``) estimators.
"""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.did.cells_imp import ipt_propensity

MPDTA = et.datasets.sample_path("mpdta.csv")
REF = MPDTA.parents[1] / "tests" / "did" / "reference"
ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")
TWO = dict(outcome="y", time="period", unit="id", cohort="g")


def test_improved_dr_matches_drdid_on_mpdta():
    ref = pd.read_csv(REF / "moderndid_dr_imp.csv").query("data == 'mpdta'")
    res = et.did.att_gt(pd.read_csv(MPDTA), **ARGS, covariates="~ lpop", est_method="dr_imp")
    ours = res.summary().set_index(["group", "time"]).loc[
        list(zip(ref["group"], ref["time"], strict=True))]
    np.testing.assert_allclose(ours["att"], ref["att"], atol=1e-9)
    np.testing.assert_allclose(ours["se"], ref["se"], rtol=1e-6)
    assert res.meta["options"]["est_method"] == "dr_imp"


def test_improved_dr_matches_drdid_on_simulated_panel():
    ref = pd.read_csv(REF / "moderndid_dr_imp.csv").query("data == 'sim_two_period'")
    data = pd.read_csv(REF / "sim_two_period.csv")
    res = et.did.att_gt(data, **TWO, covariates=["x1", "x2"], est_method="dr_imp")
    assert res.table["att"].iloc[0] == pytest.approx(ref["att"].iloc[0], abs=1e-9)
    assert res.table["se"].iloc[0] == pytest.approx(ref["se"].iloc[0], rel=1e-6)
    # The true effect is 1.5: within three standard errors.
    assert abs(res.table["att"].iloc[0] - 1.5) < 3 * res.table["se"].iloc[0]


def test_tilting_balances_covariates_exactly():
    data = pd.read_csv(REF / "sim_two_period.csv").query("period == 1")
    x = np.column_stack([np.ones(len(data)), data[["x1", "x2"]]])
    d = (data["g"] == 2).to_numpy(float)
    p = ipt_propensity(x, d)
    odds = p / (1 - p)
    np.testing.assert_allclose(((1 - d) * odds) @ x, d @ x, rtol=1e-8)


def test_without_covariates_all_doubly_robust_forms_agree():
    data = pd.read_csv(MPDTA)
    imp = et.did.att_gt(data, **ARGS, est_method="dr_imp").table
    trad = et.did.att_gt(data, **ARGS, est_method="dr").table
    np.testing.assert_allclose(imp["att"], trad["att"], atol=1e-12)
    np.testing.assert_allclose(imp["se"], trad["se"], rtol=1e-9)


@pytest.mark.parametrize("method", ["dr", "ipw"])
def test_trimming_of_extreme_scores_as_drdid(method):
    """Comparison units with scores >= 0.995 are trimmed (5 units in this panel); without
    trimming the estimates would be 1.196 (dr) and 0.450 (ipw)."""
    ref = pd.read_csv(REF / "moderndid_trim.csv").set_index("est_method").loc[method]
    data = pd.read_csv(REF / "sim_strong_selection.csv")
    res = et.did.att_gt(data, **TWO, covariates=["x1"], est_method=method)
    assert res.table["att"].iloc[0] == pytest.approx(ref["att"], abs=1e-7)
    assert res.table["se"].iloc[0] == pytest.approx(ref["se"], rel=1e-6)
