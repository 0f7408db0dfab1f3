"""att_gt with base_period="universal": every period is estimated against the last period
before treatment, so the longest leads of the event study exist (as R's did).

Reference: moderndid 0.2.0 (a Python port of R's did that reports agreement with it),
tests/did/reference/make_moderndid_reference.py -> moderndid_universal*.csv, on mpdta.
"""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ExclusionWarning

MPDTA = et.datasets.sample_path("mpdta.csv")
REF = MPDTA.parents[1] / "tests" / "did" / "reference"
ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")
SETTINGS = {
    "dr": dict(est_method="dr"),
    "dr_lpop": dict(est_method="dr", covariates="~ lpop"),
    "notyet": dict(est_method="dr", control_group="notyettreated"),
    "anticipation1": dict(est_method="reg", anticipation=1),
}


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_universal_base_matches_reference(mpdta, setting):
    ref = pd.read_csv(REF / "moderndid_universal.csv")
    ref = ref[ref.setting == setting].set_index(["group", "time"])
    if setting == "anticipation1":  # the 2004 group has no period before 2004 - 1 (as R)
        with pytest.warns(ExclusionWarning, match="Dropped 20 treated unit"):
            res = et.did.att_gt(mpdta, **ARGS, **SETTINGS[setting], base_period="universal")
    else:
        res = et.did.att_gt(mpdta, **ARGS, **SETTINGS[setting], base_period="universal")
    ours = res.summary().set_index(["group", "time"])
    assert sorted(ours.index) == sorted(ref.index)  # the first period's cells included
    ours = ours.loc[ref.index]
    np.testing.assert_allclose(ours["att"], ref["att"], atol=1e-7)
    np.testing.assert_allclose(ours["se"], ref["se"], rtol=1e-5)  # NaN at the reference

    dyn_ref = pd.read_csv(REF / "moderndid_universal_dynamic.csv")
    dyn_ref = dyn_ref[dyn_ref.setting == setting].set_index("event_time")
    dynamic = res.aggregate("dynamic")
    overall = dyn_ref.loc["overall"]
    assert dynamic.estimate == pytest.approx(overall.estimate, abs=1e-7)
    assert dynamic.se == pytest.approx(overall.se, rel=1e-5)
    by_e = dyn_ref.drop("overall").rename(index=int)
    assert list(dynamic.detail.index) == list(by_e.index)
    np.testing.assert_allclose(dynamic.detail["estimate"], by_e["estimate"], atol=1e-7)
    np.testing.assert_allclose(dynamic.detail["se"], by_e["se"], rtol=1e-5)


def test_longest_lead_by_hand(mpdta):
    """ATT(2007, 2003) with the universal base 2006: the 2007 group's mean change from 2006
    to 2003 minus the never-treated units' (no covariates: a difference in means)."""
    res = et.did.att_gt(mpdta, **ARGS, base_period="universal", est_method="reg")
    wide = mpdta.pivot(index="countyreal", columns="year", values="lemp")
    g = mpdta.drop_duplicates("countyreal").set_index("countyreal")["first.treat"]
    dy = wide[2003] - wide[2006]
    by_hand = dy[g == 2007].mean() - dy[g == 0].mean()
    got = res.summary().set_index(["group", "time"]).loc[(2007, 2003), "att"]
    assert got == pytest.approx(by_hand, abs=1e-12)
    assert res.aggregate("dynamic").detail.index.min() == -4


def test_varying_base_leaves_out_the_first_period(mpdta):
    res = et.did.att_gt(mpdta, **ARGS)
    assert 2003 not in set(res.summary()["time"])


@pytest.mark.parametrize("base_period", ["varying", "universal"])
def test_time_varying_covariates_from_the_earlier_period(base_period):
    """R's did takes each cell's covariates from the earlier of its two periods: moderndid
    reference on a panel whose covariate drifts over time (make_moderndid_reference.py)."""
    data = pd.read_csv(REF / "sim_time_varying.csv")
    ref = pd.read_csv(REF / "moderndid_time_varying.csv").query("base_period == @base_period")
    res = et.did.att_gt(data, outcome="y", time="period", unit="id", cohort="g",
                        covariates="~ x", base_period=base_period)
    ours = res.summary().set_index(["group", "time"]).loc[
        list(zip(ref["group"], ref["time"], strict=True))]
    np.testing.assert_allclose(ours["att"], ref["att"], atol=1e-8)
    np.testing.assert_allclose(ours["se"], ref["se"], rtol=1e-6)
