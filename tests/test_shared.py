"""The shared validation layer, the safe formula reader and the result shape."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from evaltools._shared import ResultMixin, covariate_matrix
from evaltools.exceptions import DataWarning, ParameterError, SchemaError
from evaltools.validation import (
    check_bool,
    check_finite,
    check_treatment,
    check_unique_index,
    check_weights,
    drop_redundant,
)


@pytest.mark.parametrize("value", ["no", "False", 0, 1, None, np.float64(1.0)])
def test_check_bool_refuses_lookalikes(value):
    with pytest.raises(ParameterError, match="'replace' parameter of match must be True or"):
        check_bool(value, "replace", "match")


def test_check_finite_counts_nan_and_inf_separately():
    df = pd.DataFrame({"id": [1, 2, 3, 4], "x": [1.0, np.inf, np.nan, -np.inf]})
    with pytest.raises(SchemaError, match=r"'x' .* 1 missing and 2 infinite .* id \[2, 3, 4\]"):
        check_finite(df, ["x"], "data", id_col="id")


def test_check_finite_names_non_numeric_column():
    with pytest.raises(SchemaError, match=r"'x' .* must be numeric; it has dtype (object|str)"):
        check_finite(pd.DataFrame({"x": ["a", "b"]}), ["x"], "data")


def test_check_treatment_needs_both_groups_and_binary():
    with pytest.raises(SchemaError, match="all 3 rows are treated"):
        check_treatment(pd.DataFrame({"t": [1, 1, 1]}), "t", "data")
    with pytest.raises(SchemaError, match=r"must be 0/1; found values \[2\]"):
        check_treatment(pd.DataFrame({"t": [0, 1, 2]}), "t", "data")


def test_check_weights_and_index():
    with pytest.raises(ParameterError, match=r"1 weight\(s\) are not, at positions \[1\]"):
        check_weights([1.0, np.inf, 2.0], 3, "weights", "estimate_att")
    with pytest.raises(ParameterError, match="zero for every row"):
        check_weights([0.0, 0.0], 2, "weights", "estimate_att")
    with pytest.raises(SchemaError, match="repeats 1 label"):
        check_unique_index(pd.DataFrame({"x": [1, 2]}, index=[5, 5]), "data")


def test_drop_redundant_keeps_earlier_column_and_warns():
    x = pd.DataFrame({"a": [1.0, 2, 3, 5], "b": [0.0, 1, 1, 0], "c": [7.0, 7, 7, 7],
                      "d": [1.0, 3, 4, 5]})  # d = a + b
    with pytest.warns(DataWarning, match="Dropped 2 covariate"):
        kept, dropped = drop_redundant(x)
    assert list(kept) == ["a", "b"]
    assert dropped == {"c": "constant (7)", "d": "collinear with a, b"}


def test_formula_matches_hand_built_design():
    df = pd.DataFrame({"t": [0, 1, 0, 1], "age": [60.0, 70, 80, 90],
                       "region": ["n", "s", "w", "n"]})
    x, lhs = covariate_matrix(df, "t ~ age + I(age**2) + C(region) + np.log(age)", func="f")
    assert lhs == "t"
    expected = pd.DataFrame({"age": df.age, "I(age ** 2)": df.age ** 2,
                             "C(region)[T.s]": [0.0, 1, 0, 0], "C(region)[T.w]": [0.0, 0, 1, 0],
                             "np.log(age)": np.log(df.age)})
    pd.testing.assert_frame_equal(x, expected)


@pytest.mark.parametrize("formula, token", [
    ("t ~ __import__('os').system('x')", "could not be read"),
    ("t ~ age.__class__", "attribute 'age.__class__'"),
    ("t ~ np.sys", "attribute 'np.sys'"),
    ("t ~ age[0]", "Subscript"),
    ("t ~ open('f')", "call open()"),
    ("t ~ eval('1')", "call eval()"),
    ("t ~ globals", "name 'globals'"),
    ("t ~ I(age).real", "Missing operator"),
])
def test_formula_refuses_code(formula, token, tmp_path):
    df = pd.DataFrame({"t": [0, 1], "age": [60.0, 70]})
    with pytest.raises(ParameterError, match=re.escape(token)):
        covariate_matrix(df, formula, func="match")


def test_formula_refuses_missing_values_instead_of_dropping_rows():
    df = pd.DataFrame({"t": [0, 1, 1], "age": [60.0, np.inf, 70]})
    with pytest.raises(SchemaError, match="'age' .* 0 missing and 1 infinite"):
        covariate_matrix(df, "t ~ age", func="match")


class _Two(ResultMixin):
    def _estimates(self):
        return pd.DataFrame({"term": ["diff", "ratio"], "estimate": [2.0, 0.5],
                             "std_error": [1.0, 0.05], "log_se": [np.nan, 0.1], "n": [9, 9]})


def test_tidy_and_conf_int_use_normal_and_log_scales():
    t = _Two().tidy(0.9)
    z = stats.norm.ppf(0.95)
    assert t.loc[0, "conf_low"] == pytest.approx(2 - z)
    assert t.loc[1, "conf_high"] == pytest.approx(0.5 * np.exp(z * 0.1))
    assert t.loc[1, "p_value"] == pytest.approx(2 * stats.norm.sf(abs(np.log(0.5)) / 0.1))
    ci = _Two().conf_int()
    assert list(ci.columns) == ["lower", "upper"] and list(ci.index) == ["diff", "ratio"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ParameterError, match="'level' parameter of tidy"):
            _Two().tidy(95)


class _Large(ResultMixin):
    def _estimates(self):
        return pd.DataFrame({"term": ["earnings"], "estimate": [12_000.0],
                             "std_error": [800.0], "n": [400]})


def test_tidy_of_large_differences_is_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = _Large().tidy()
    assert t.loc[0, "conf_low"] == pytest.approx(12_000 - stats.norm.ppf(0.975) * 800)


@pytest.mark.parametrize("value, message", [
    ([[1, 2]], "must be a pandas DataFrame. Got list"),
    (None, "must be a pandas DataFrame. Got NoneType"),
    (pd.DataFrame({"x": []}), "has no rows"),
])
def test_check_frame(value, message):
    from evaltools.validation import check_frame

    with pytest.raises(SchemaError, match=message):
        check_frame(value, "data")


@pytest.mark.parametrize("thresholds, message", [
    ({"smd": -1}, r"'thresholds\['smd'\]' parameter of balance_table must be a float in \(0"),
    ({"var_ratio": 0.5}, r"'thresholds\['var_ratio'\]'"),
    ({"ks": 0.1}, "unknown key"),
    ([0.1], "must be a dict"),
])
def test_balance_thresholds_are_checked(thresholds, message):
    import evaltools as et

    df = pd.DataFrame({"t": [0, 1, 0, 1], "age": [60.0, 70, 80, 90]})
    with pytest.raises(ParameterError, match=message):
        et.balance_table(df, treatment="t", covariates=["age"], thresholds=thresholds)


def test_covariates_as_a_pandas_index_read_as_a_list():
    df = pd.DataFrame({"t": [0, 1, 0], "age": [60.0, 70, 80], "x": [1.0, 0, 2]})
    x, lhs = covariate_matrix(df, pd.Index(["age", "x"]), func="match")
    assert lhs is None and list(x.columns) == ["age", "x"]
    with pytest.raises(ParameterError, match="non-empty list of column names"):
        covariate_matrix(df, pd.Index([]), func="match")


def test_check_finite_names_a_column_of_lists():
    """Cells holding lists (unhashable) get the schema error, not a raw TypeError."""
    from evaltools.validation import check_finite

    frame = pd.DataFrame({"y": [[1, 2], [3], [1, 2]]})
    with pytest.raises(SchemaError, match=r"Column 'y' of the data table must be numeric; it "
                                          r"has dtype object with values such as"):
        check_finite(frame, ["y"], "data")
