"""Result methods given arguments they do not take name them in a ParameterError; the right
calls still work and give the same numbers."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ParameterError


@pytest.fixture(scope="module")
def results():
    rng = np.random.default_rng(2)
    n = 150
    df = pd.DataFrame({"treated": (rng.random(n) < 0.4).astype(int), "age": rng.normal(70, 6, n),
                       "x1": rng.normal(0, 1, n)})
    df["y"] = df["age"] * 0.1 + df["treated"] + rng.normal(0, 1, n)
    m = et.match(df, "treated", ["age", "x1"], random_state=1)
    return {"match": m, "effect": et.estimate_att(m, "y"),
            "balance": et.balance_table(df, "treated", ["age"]),
            "weights": et.weighting.ipw(df, "treated", ["age"])}


@pytest.mark.parametrize("key", ["match", "effect", "balance", "weights"])
def test_wrong_arguments_are_named(results, key):
    r = results[key]
    name = type(r).__name__
    with pytest.raises(ParameterError, match=rf"{name}\.summary\(\) takes no arguments; got "
                                             r"digits=-1\. Fix: round the table"):
        r.summary(digits=-1)
    with pytest.raises(ParameterError, match=rf"{name}\.conf_int\(\) takes only level; got "
                                             r"alpha=0\.05"):
        r.conf_int(alpha=0.05)
    with pytest.raises(ParameterError, match=rf"{name}\.tidy\(\) takes only level; got 0\.95, "
                                             r"0\.9"):
        r.tidy(0.95, 0.9)


def test_right_calls_are_unchanged(results):
    e = results["effect"]
    assert e.tidy(0.9).equals(e.tidy(level=0.9))
    low, high = e.conf_int(level=0.9).iloc[0]
    assert low < e.estimate < high
    assert e.summary().equals(e.summary())


def test_extra_positional_arguments_to_plot_are_named(results):
    with pytest.raises(ParameterError, match=r"MatchResult\.plot\(\) takes only kind, ax, "
                                             r"kwargs; got 'love', None, 3\. See "
                                             r"help\(MatchResult\.plot\)"):
        results["match"].plot("love", None, 3)
