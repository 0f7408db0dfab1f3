"""Column types and shapes a careless export produces: complex numbers, magnitudes whose
squares overflow, repeated column names, formulas with two '~'. Each is refused with a
message naming the column or parameter."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import EvaltoolsInputError
from evaltools.validation import check_real


@pytest.fixture(scope="module")
def people():
    rng = np.random.default_rng(3)
    n = 120
    age = rng.normal(75, 8, n)
    return pd.DataFrame({"treated": (rng.random(n) < 0.4).astype(int), "age": age,
                         "x1": rng.normal(0, 1, n), "region": rng.choice(["n", "s"], n)})


FUNCS = [et.match, et.balance_table, et.weighting.ipw, et.weighting.entropy_balance]


def test_check_real_refuses_complex_and_overflowing_values():
    with pytest.raises(EvaltoolsInputError, match=r"Column 'a' of the data table holds complex"):
        check_real(pd.DataFrame({"a": [1 + 1j, 2]}), ["a"], "data")
    with pytest.raises(EvaltoolsInputError,
                       match=r"Column 'a' of the data table has 1 value\(s\) larger than 1e\+150"
                             r".*row index \[1\]"):
        check_real(pd.DataFrame({"a": [1.0, -1e300, np.nan]}), ["a"], "data")
    check_real(pd.DataFrame({"a": [1e149, np.inf, -0.0]}), ["a"], "data")  # inf: check_finite


@pytest.mark.parametrize("func", FUNCS)
def test_complex_covariate_is_refused(func, people):
    with pytest.raises(EvaltoolsInputError, match=r"Column 'age' .* complex numbers"):
        func(people.assign(age=people["age"] + 1j), "treated", ["age", "x1"])


@pytest.mark.parametrize("func", FUNCS)
def test_covariate_whose_square_overflows_is_refused(func, people):
    with pytest.raises(EvaltoolsInputError, match=r"Column 'age' .* larger than 1e\+150"):
        func(people.assign(age=people["age"] * 1e300), "treated", ["age", "x1"])


@pytest.mark.parametrize("func", FUNCS)
def test_huge_covariate_in_a_formula_is_refused(func, people):
    with pytest.raises(EvaltoolsInputError, match=r"Column 'age' .* larger than 1e\+150"):
        func(people.assign(age=people["age"] * 1e300), "treated", "treated ~ age + x1")


@pytest.mark.parametrize("func", FUNCS)
@pytest.mark.parametrize("column", ["age", "treated"])
def test_repeated_column_name_is_refused(func, column, people):
    data = pd.concat([people, people[[column]]], axis=1)
    with pytest.raises(EvaltoolsInputError, match=rf"duplicate column name.*'{column}'"):
        func(data, "treated", ["age", "x1"])


def test_repeated_column_in_a_formula_is_refused(people):
    data = pd.concat([people, people[["x1"]]], axis=1)
    with pytest.raises(EvaltoolsInputError, match=r"duplicate column name.*'x1'"):
        et.match(data, covariates="treated ~ age + x1")


def test_formula_with_two_tildes_is_refused(people):
    with pytest.raises(EvaltoolsInputError, match=r"has 2 '~'; it must have one"):
        et.match(people, covariates="treated ~ age ~ x1")


def test_balance_weights_so_large_they_overflow_are_refused(people):
    with pytest.raises(EvaltoolsInputError,
                       match=r"'weights' parameter of balance_table has weights as large as "
                             r"1e\+308"):
        et.balance_table(people, "treated", ["age"], weights=np.full(len(people), 1e308))


@pytest.mark.parametrize("formula, term", [("treated ~ age + I(age ** 400)", "age \\*\\* 400"),
                                           ("treated ~ age + I(x1 / 0)", "x1 / 0")])
def test_formula_terms_that_compute_inf_are_refused(people, formula, term):
    with pytest.raises(EvaltoolsInputError, match=rf"computes infinite or missing values in "
                                                  rf"term\(s\) \['I\({term}\)'\]"):
        et.match(people, covariates=formula)


@pytest.mark.parametrize("func", [et.match, et.weighting.ipw])
def test_formula_categorical_identifier_is_refused(people, func):
    data = people.assign(pid=np.arange(len(people)), code=[f"p{i}" for i in range(len(people))])
    for formula, column in [("treated ~ age + C(pid)", "pid"), ("treated ~ age + code", "code")]:
        with pytest.raises(EvaltoolsInputError, match=rf"treats \['{column}'\] as categorical, "
                                                      rf"with \[120\] distinct values for 120"):
            func(data, "treated", formula)
    func(data, "treated", "treated ~ age + C(region)")  # two levels: fine


def test_formula_longer_than_the_bound_is_refused_at_once(people):
    formula = "treated ~ " + " + ".join(f"I(age * {i})" for i in range(2000))
    with pytest.raises(EvaltoolsInputError, match=r"formula of match must be at most 5,000 "
                                                  r"characters. Got 30,897 instead"):
        et.match(people, covariates=formula)
