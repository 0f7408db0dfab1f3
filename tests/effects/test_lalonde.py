"""The Dehejia-Wahba NSW data with CPS controls against the experimental benchmark.

Dehejia & Wahba (1999, JASA 94:1053-1062) report an experimental estimate of $1,794 (NSW
treated minus randomised controls); the naive comparison with CPS controls is about
-$8,498. Propensity matching and weighting on the usual covariates should recover an
estimate whose 95% interval covers the benchmark.
"""

import warnings

import pandas as pd
import pytest

import evaltools as et

DATA = et.datasets.sample_path("lalonde")
COVARIATES = ["age", "age2", "educ", "educ2", "black", "hisp", "marr", "nodegree", "re74",
              "re75", "u74", "u75"]


@pytest.fixture(scope="module")
def nsw():
    return pd.read_csv(DATA / "nsw_dw.csv")


@pytest.fixture(scope="module")
def nsw_cps(nsw):
    df = pd.concat([nsw[nsw.treat == 1], pd.read_csv(DATA / "cps_controls.csv")],
                   ignore_index=True)
    return df.assign(age2=df.age**2, educ2=df.educ**2, u74=(df.re74 == 0).astype(int),
                     u75=(df.re75 == 0).astype(int))


def test_experimental_benchmark(nsw):
    diff = nsw.groupby("treat").re78.mean()
    assert diff[1] - diff[0] == pytest.approx(1794.34, abs=0.5)


def test_naive_comparison_is_badly_biased(nsw_cps):
    diff = nsw_cps.groupby("treat").re78.mean()
    assert diff[1] - diff[0] == pytest.approx(-8497.5, abs=1)


@pytest.mark.parametrize("method", ["matching", "ipw", "entropy"])
def test_adjusted_estimates_cover_the_benchmark(nsw_cps, method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "matching":
            res = et.estimate_att(et.match(nsw_cps, "treat", COVARIATES), "re78")
        else:
            w = (et.weighting.ipw(nsw_cps, "treat", COVARIATES) if method == "ipw"
                 else et.weighting.entropy_balance(nsw_cps, "treat", COVARIATES))
            res = et.estimate_att(w, "re78")  # SE accounts for the estimated weights
            assert res.se_type == "m-estimation"
    assert res.ci_low < 1794 < res.ci_high
    assert res.estimate > 0  # far from the naive -8,498
