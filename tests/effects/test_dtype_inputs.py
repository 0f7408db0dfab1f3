"""estimate_att with column types and shapes a careless export produces, and with groups of
one: refused or warned about with the column named."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, EvaltoolsInputError


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(5)
    n = 80
    t = np.r_[np.ones(n // 2), np.zeros(n // 2)].astype(int)
    return pd.DataFrame({"treated": t, "y": 1.0 + 0.5 * t + rng.normal(0, 1, n),
                         "age": rng.normal(70, 5, n), "weights": 1.0})


def test_complex_outcome_is_refused(data):
    with pytest.raises(EvaltoolsInputError, match=r"Column 'y' .* complex numbers"):
        et.estimate_att(data.assign(y=data["y"] + 1j), "y")


@pytest.mark.parametrize("column", ["y", "weights"])
def test_values_whose_squares_overflow_are_refused(data, column):
    with pytest.raises(EvaltoolsInputError, match=rf"Column '{column}' .* larger than 1e\+150"):
        et.estimate_att(data.assign(**{column: data[column] * 1e300}), "y")


def test_covariates_given_as_values_are_refused(data):
    with pytest.raises(EvaltoolsInputError, match=r"'covariates' parameter of estimate_att "
                                                  r"must be a list .* Got a Series"):
        et.estimate_att(data, "y", model="regression", covariates=data["age"])


def test_repeated_outcome_column_is_refused(data):
    with pytest.raises(EvaltoolsInputError, match=r"duplicate column name.*'y'"):
        et.estimate_att(pd.concat([data, data[["y"]]], axis=1), "y")


def test_one_treated_unit_is_warned_about(data):
    one = pd.concat([data[data["treated"] == 1].iloc[:1], data[data["treated"] == 0]])
    with pytest.warns(DataWarning, match=r"only 1 treated unit with a positive weight"):
        r = et.estimate_att(one, "y")
    # The estimate itself is the hand-computed difference of means.
    expected = one["y"].iloc[0] - one.loc[one["treated"] == 0, "y"].mean()
    assert r.estimate == pytest.approx(expected)


def test_one_control_with_positive_weight_is_warned_about(data):
    w = np.where(data["treated"] == 0, 0.0, 1.0)
    w[np.flatnonzero(data["treated"] == 0)[0]] = 1.0
    with pytest.warns(DataWarning, match=r"only 1 control unit"):
        et.estimate_att(data.assign(weights=w), "y")


@pytest.mark.parametrize("cluster, role", [("y", "outcome"), ("weights", "weights")])
def test_cluster_cannot_be_another_role(data, cluster, role):
    with pytest.raises(EvaltoolsInputError, match=rf"'cluster' parameter of estimate_att names "
                                                  rf"'{cluster}', which is the {role} column"):
        et.estimate_att(data, "y", cluster=cluster, se="cluster")
