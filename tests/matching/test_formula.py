"""Covariates as a MatchIt-style formula, and the one vocabulary for the treatment."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ParameterError

REF = Path(__file__).parent / "reference"
FORMULA = "treat ~ age + educ + C(race) + married + nodegree + re74 + re75"


@pytest.fixture(scope="module")
def lalonde():
    return pd.read_csv(REF / "lalonde.csv")


def test_formula_gives_matchits_propensity_scores(lalonde):
    """MatchIt 4.5.1's glm scores for treat ~ age + educ + race + ... (make_reference.R);
    the formula's left-hand side names the treatment."""
    ref = pd.read_csv(REF / "matchit_ps.csv")
    m = et.match(lalonde, covariates=FORMULA)
    assert m.treatment == "treat"
    np.testing.assert_allclose(m.distance_.to_numpy(), ref["ps"].to_numpy(), rtol=1e-6)
    listed = et.match(lalonde, "treat", ["age", "educ", "race", "married", "nodegree", "re74",
                                         "re75"])
    pd.testing.assert_frame_equal(m.pairs, listed.pairs)


def test_formula_terms_enter_the_model(lalonde):
    m = et.match(lalonde, covariates="treat ~ age + I(age**2) + log1p(re74)")
    bal = m.balance().table
    assert list(bal.index) == ["age", "I(age ** 2)", "log1p(re74)"]
    one_sided = et.match(lalonde, "treat", "~ age + I(age**2) + log1p(re74)")
    pd.testing.assert_series_equal(m.weights, one_sided.weights)


def test_left_hand_side_must_agree_with_treatment(lalonde):
    with pytest.raises(ParameterError, match=r"names 'treat' as the treatment on its left-hand "
                                             r"side, but treatment='married' was passed"):
        et.match(lalonde, "married", FORMULA)
    for call in (lambda: et.balance_table(lalonde, "married", FORMULA),
                 lambda: et.weighting.ipw(lalonde, "married", FORMULA),
                 lambda: et.weighting.entropy_balance(lalonde, "married", FORMULA)):
        with pytest.raises(ParameterError, match="left-hand side"):
            call()


def test_formula_cannot_run_code(lalonde):
    with pytest.raises(ParameterError, match="may not"):
        et.match(lalonde, covariates="treat ~ age + I(os.getcwd())")


def test_balance_weighting_and_effects_take_formulas(lalonde):
    bt = et.balance_table(lalonde, covariates="treat ~ age + C(race)")
    assert list(bt.table.index) == ["age", "C(race)[T.hispan]", "C(race)[T.white]"]
    # Same weights from a list and from the equivalent formula.
    listed = et.weighting.ipw(lalonde, "treat", ["age", "educ", "race"]).weights
    w = et.weighting.ipw(lalonde, covariates="treat ~ age + educ + C(race)")
    np.testing.assert_allclose(w.weights, listed, rtol=1e-8)
    eb = et.weighting.entropy_balance(lalonde, covariates="treat ~ age + educ")
    assert eb.treatment == "treat"
    m = et.match(lalonde, covariates=FORMULA)
    a = et.estimate_att(m, "re78", model="regression", covariates="~ age + educ + C(race)")
    b = et.estimate_att(m, "re78", model="regression", covariates=["age", "educ", "race"])
    assert a.estimate == pytest.approx(b.estimate, rel=1e-10)
    assert a.se == pytest.approx(b.se, rel=1e-10)
    with pytest.raises(ParameterError, match="left-hand side"):
        et.estimate_att(m, "re78", model="regression", covariates="married ~ age")
