"""MatchResult's tables, text and plots, and the distance models, against independent
computations: statsmodels' ``Logit`` and ``GLM`` (maximum likelihood) for the propensity
and prognostic scores, numpy's density histograms for the overlap plot, and hand counts.
"""

import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import evaltools as et
from evaltools.exceptions import ConvergenceWarning, EvaltoolsInputError, ParameterError
from evaltools.matching.distance import (
    fit_logistic,
    mahalanobis_coordinates,
    propensity_score,
    separated_columns,
)
from evaltools.matching.plots import overlap_plot

matplotlib.use("Agg")


def quiet_match(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return et.match(*args, **kwargs)


@pytest.fixture(scope="module")
def df():
    rng = np.random.default_rng(8)
    n = 120
    out = pd.DataFrame({"x": rng.normal(size=n), "z": rng.normal(size=n),
                        "sex": rng.choice(["f", "m"], n)})
    out["treated"] = (rng.random(n) < 1 / (1 + np.exp(-(-0.5 + out.x)))).astype(int)
    return out


@pytest.fixture(scope="module")
def hand():
    """Treated at 0 and 1; controls at 0.1, 0.2, 1.1, 5 (ratio 2 with replacement)."""
    data = pd.DataFrame({"treated": [1, 1, 0, 0, 0, 0], "y": [1.0, 2, 3, 4, 5, 6]})
    d = np.array([0.0, 1.0, 0.1, 0.2, 1.1, 5.0])
    return quiet_match(data, "treated", distance=d, ratio=2, replace=True, caliper=1.0)


# ------------------------------------------------------------------------ distance models

def test_propensity_score_and_logit_match_statsmodels(df):
    fit = sm.Logit(df.treated, sm.add_constant(pd.get_dummies(df[["x", "z", "sex"]],
                                                              drop_first=True, dtype=float))
                   ).fit(disp=0, tol=1e-12)
    p, linear = propensity_score(df, "treated", ["x", "z", "sex"])
    np.testing.assert_allclose(p, fit.predict(), rtol=1e-7)
    np.testing.assert_allclose(linear, fit.fittedvalues, rtol=1e-6, atol=1e-9)
    x = pd.get_dummies(df[["x", "z", "sex"]], drop_first=True, dtype=float)
    p2, linear2, coef = fit_logistic(x, df.treated.to_numpy() == 1)
    np.testing.assert_allclose(coef, fit.params.to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(p2, p)
    m = quiet_match(df, "treated", ["x", "z", "sex"])
    np.testing.assert_allclose(m.distance_, fit.predict(), rtol=1e-7)


def test_propensity_score_names_what_it_dropped(df):
    from evaltools.exceptions import DataWarning

    with pytest.warns(DataWarning, match=r"^match dropped 1 propensity covariate\(s\) that "
                                         r"carry no information of their own \(c: constant"):
        p, _ = propensity_score(df.assign(c=2.0), "treated", ["x", "c"])
    np.testing.assert_allclose(p, propensity_score(df, "treated", ["x"])[0])


def test_prognostic_score_is_the_control_poisson_fit(df):
    rng = np.random.default_rng(3)
    data = df.assign(visits=rng.poisson(np.exp(0.3 + 0.5 * df.x)))
    ctrl = data.treated == 0
    fit = sm.GLM(data.visits[ctrl], sm.add_constant(data.loc[ctrl, ["x", "z"]]),
                 family=sm.families.Poisson()).fit()
    m = quiet_match(data, "treated", ["x", "z"], distance="prognostic", outcome="visits",
                    caliper=0.3)
    expected = (sm.add_constant(data[["x", "z"]]) @ fit.params).to_numpy()
    np.testing.assert_allclose(m.distance_, expected, rtol=1e-7)
    assert m.meta["options"]["caliper_abs"] == pytest.approx(0.3 * np.std(expected, ddof=1))
    t, c = m.pairs.treated_id.to_numpy(), m.pairs.control_id.to_numpy()
    np.testing.assert_allclose(m.pairs.distance, np.abs(expected[t] - expected[c]))


def test_mahalanobis_coordinates_give_pooled_distances():
    rng = np.random.default_rng(1)
    x = pd.DataFrame(rng.normal(size=(30, 3)), columns=list("abc"))
    x["b"] += 0.5 * x["a"]
    t = np.arange(30) < 12
    x.loc[t, "a"] += 2.0  # group means differ: pooled within-group, not total covariance
    coords = mahalanobis_coordinates(x, t)
    v = x.to_numpy()
    centred = v - np.where(t[:, None], v[t].mean(axis=0), v[~t].mean(axis=0))
    cov = centred.T @ centred / (30 - 2)
    diff = v[0] - v[20]
    expected = np.sqrt(diff @ np.linalg.solve(cov, diff))
    assert np.linalg.norm(coords[0] - coords[20]) == pytest.approx(expected, rel=1e-10)
    with pytest.raises(EvaltoolsInputError, match=r"\['c'\] do not"):
        mahalanobis_coordinates(x.assign(c=1.0), t)


def test_separated_columns_by_hand():
    t = np.array([1, 1, 0, 0, 0], bool)
    x = pd.DataFrame({"apart": [5.0, 6, 1, 2, 3],       # treated range above controls'
                      "touch": [3.0, 6, 1, 2, 3],       # ranges share 3: not apart
                      "only_t": [1.0, 0, 0, 0, 0],      # the 1s all among the treated
                      "all_c": [0.0, 1, 1, 1, 1],       # every control is 1, a treated is 0
                      "mixed": [1.0, 0, 1, 0, 0]})
    assert separated_columns(x, t) == ["apart", "only_t", "all_c"]
    below = pd.DataFrame({"v": [1.0, 2, 3, 4, 5]})
    assert separated_columns(below, ~t) == ["v"]  # treated range below the controls'


def test_separation_warning_counts_extreme_units():
    data = pd.DataFrame({"treated": [1, 1, 1, 0, 0, 0], "x": [4.0, 5, 6, 1, 2, 3]})
    with pytest.warns(ConvergenceWarning, match=r"covariate\(s\) \['x'\] take values found "
                                                r"only among treated"):
        quiet = et.match(data, "treated", ["x"])
    assert len(quiet.pairs) == 3


# ---------------------------------------------------------------------- summary and text

def test_summary_counts_and_effective_sizes(hand):
    s = hand.summary()
    # Caliper 1 SD (1.87): 0 takes 0.1, 0.2; 1 takes 1.1 and 0.2 (0.8 away).
    assert s.loc["All"].tolist() == [4, 2]
    assert s.loc["Matched"].tolist() == [3, 2]
    assert s.loc["Unmatched"].tolist() == [1, 0]
    assert s.loc["Matched (ESS)", "Control"] == pytest.approx(2.67)  # 9 / 3.375 = 2.667
    assert s.loc["Matched (ESS)", "Treated"] == 2.0
    assert list(s.columns) == ["Control", "Treated"]
    assert list(s.index) == ["All", "Matched (ESS)", "Matched", "Unmatched"]


def test_text_names_the_options(hand):
    text = str(hand)
    sd = np.std([0.0, 1.0, 0.1, 0.2, 1.1, 5.0], ddof=1)
    assert "Method: nearest; distance: supplied; estimand ATT; ratio 2; replace True" in text
    assert f"caliper 1.0 SD ({sd} on the distance scale)" in text
    assert "order data; seed None" in text
    assert "no unmeasured confounding" in text
    html = hand._repr_html_()
    assert "<strong>Flow</strong>" in html and "controls matched (distinct)" in html


def test_no_estimate_tables(hand):
    for call in (hand.tidy, hand.conf_int):
        with pytest.raises(ParameterError, match=r"A MatchResult holds no estimate with a "
                                                 r"standard error, so tidy\(\) and conf_int\(\) "
                                                 r"do not apply"):
            call()


def test_matched_data_columns(hand):
    md = hand.matched_data
    assert list(md.columns) == ["treated", "y", "distance", "weights", "subclass"]
    assert md.index.tolist() == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(md.weights, [1, 1, 0.75, 1.5, 0.75])


def test_balance_of_the_matched_sample_by_hand(hand):
    """Weighted mean of y among controls: (3 * 0.75 + 4 * 1.5 + 5 * 0.75) / 3 = 4; treated
    mean 1.5; the SMD divides by the treated SD (ATT): sd(1, 2) = 0.7071."""
    bal = hand.balance(["y"]).table
    assert bal.loc["y", "smd_after"] == pytest.approx((1.5 - 4.0) / np.std([1, 2], ddof=1))


# ---------------------------------------------------------------------------------- plots

def test_overlap_plot_heights_are_density_histograms(hand):
    fig, ax = plt.subplots()
    out = hand.plot("overlap", ax=ax, bins=4)
    assert out is ax
    d = hand.distance_.to_numpy()
    t = hand.data.treated.to_numpy() == 1
    w = hand.weights.to_numpy()
    edges = np.histogram_bin_edges(d, bins=4)
    bars = ax.patches
    assert len(bars) == 16  # 4 bars: treated all, matched; controls all, matched
    heights = np.array([b.get_height() for b in bars]).reshape(4, 4)
    np.testing.assert_allclose(heights[0], np.histogram(d[t], edges, density=True)[0])
    np.testing.assert_allclose(heights[1], np.histogram(d[t], edges, weights=w[t],
                                                        density=True)[0])
    np.testing.assert_allclose(heights[2], -np.histogram(d[~t], edges, density=True)[0])
    np.testing.assert_allclose(heights[3], -np.histogram(d[~t], edges, weights=w[~t],
                                                         density=True)[0])
    lefts = np.array([b.get_x() for b in bars]).reshape(4, 4)
    np.testing.assert_allclose(lefts[0], edges[:-1])
    widths = np.array([b.get_width() for b in bars]).reshape(4, 4)
    np.testing.assert_allclose(widths, np.tile(np.diff(edges), (4, 1)))
    colours = [matplotlib.colors.to_hex(bars[4 * k].get_facecolor()) for k in range(4)]
    assert colours == ["#ff7f0e", "#ff7f0e", "#1f77b4", "#1f77b4"]  # tab:orange, tab:blue
    assert [bars[4 * k].get_alpha() for k in range(4)] == [0.25, 0.8, 0.25, 0.8]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["treated, all", "treated, matched", "control, all", "control, matched"]
    assert ax.get_ylabel() == "density (controls below zero)"
    assert ax.get_xlabel() == "distance measure (e.g. propensity score)"
    line = ax.lines[0]
    assert line.get_ydata()[0] == 0 and line.get_color() == "black"
    plt.close(fig)


def test_overlap_plot_without_matched_controls_draws_zeros():
    data = pd.DataFrame({"treated": [1, 0, 0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = et.match(data, "treated", distance=np.array([0.0, 5.0, 6.0]), caliper=0.01)
    ax = overlap_plot(m, bins=3)
    heights = np.array([b.get_height() for b in ax.patches]).reshape(4, 3)
    assert (heights[1] == 0).all() and (heights[3] == 0).all()
    assert heights[2].sum() < 0
    plt.close(ax.figure)


def test_overlap_plot_checks_and_passes_keywords(hand):
    ax = overlap_plot(hand, bins=3, edgecolor="red")
    matched = ax.patches[3]  # the first matched-treated bar
    assert matplotlib.colors.to_hex(matched.get_edgecolor()) == "#ff0000"
    plt.close(ax.figure)
    with pytest.raises(ParameterError, match=r"'ax' parameter of plot must be a matplotlib "
                                             r"Axes"):
        overlap_plot(hand, ax="axes")
    for bins in (0, 10_001):
        with pytest.raises(ParameterError, match=r"'bins' parameter of plot must be an int in "
                                                 r"\[1, 10000\]"):
            overlap_plot(hand, bins=bins)
    ax = overlap_plot(hand, bins=10_000)
    assert len(ax.patches) == 40_000
    plt.close(ax.figure)
    mahal = quiet_match(pd.DataFrame({"treated": [1, 0, 0], "x": [1.0, 2, 4],
                                      "z": [0.0, 1, 3]}), "treated", ["x", "z"],
                        distance="mahalanobis")
    with pytest.raises(ParameterError, match=r"no one-dimensional distance measure"):
        overlap_plot(mahal)


def test_love_plot_draws_on_the_given_axes(df):
    m = quiet_match(df, "treated", ["x", "z"])
    fig, ax = plt.subplots()
    assert m.plot(ax=ax) is ax
    assert m.plot("love", ax=ax) is ax
    plt.close("all")


def test_overlap_plot_with_one_matched_pair():
    """One treated unit matched (total weight 1): its matched histogram is drawn, not zeros."""
    data = pd.DataFrame({"treated": [1, 0, 0]})
    m = quiet_match(data, "treated", distance=np.array([0.0, 0.1, 6.0]))
    ax = overlap_plot(m, bins=3)
    heights = np.array([b.get_height() for b in ax.patches]).reshape(4, 3)
    np.testing.assert_allclose(heights[1], [1 / 2, 0, 0])  # density: 1 unit in a bin of 2
    np.testing.assert_allclose(heights[3], [-1 / 2, 0, 0])
    plt.close(ax.figure)


def test_html_holds_the_flow_without_its_index(hand):
    assert hand.flow.to_html(index=False, border=0) in hand._repr_html_()


def test_fit_logistic_names_its_caller_by_default():
    x = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6]})
    with pytest.warns(ConvergenceWarning, match=r"^The propensity model of match shows "
                                                r"\(quasi-\)complete separation"):
        fit_logistic(x, np.array([0, 0, 0, 1, 1, 1]) == 1)


def test_separated_columns_compare_each_column_on_its_own():
    t = np.array([1, 1, 0, 0, 0], bool)
    x = pd.DataFrame({"apart": [5.0, 6, 1, 2, 3], "wide": [0.0, 200, 100, 50, 60]})
    assert separated_columns(x, t) == ["apart"]
    x = pd.DataFrame({"apart": [-5.0, -6, 1, 2, 3], "wide": [-200.0, 0, -100, -50, -60]})
    assert separated_columns(x, t) == ["apart"]


def test_exact_result_contents(df):
    m = quiet_match(df, "treated", ["sex"], method="exact", random_state=3)
    assert m.meta["options"] == dict(method="exact", distance=None, exact=[], caliper=None,
                                     caliper_abs=None, ratio=None, replace=None, order=None,
                                     estimand="ATT", cutpoints=None)
    assert m.meta["random_state"] == 3
    pd.testing.assert_frame_equal(m.meta["flow"], m.flow)
    assert m.covariates == ["sex"] and m.treatment == "treated"
    assert list(m.pairs.columns) == ["subclass", "treated_id", "control_id", "distance"]
    assert m.pairs.empty
    m = quiet_match(df, "treated", ["x"], method="cem", exact=["sex"], estimand="ATC")
    assert m.meta["options"]["exact"] == ["sex"] and m.meta["options"]["estimand"] == "ATC"
