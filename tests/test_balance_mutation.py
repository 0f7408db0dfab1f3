"""balance_table: every statistic by hand, each estimand's SD denominator, and every flag
exactly at, just below and just above its threshold (found by mutation testing,
``make mutation``).

Conventions checked (MatchIt's ``summary.matchit`` and cobalt's ``bal.tab``, as the module
states): the standardised mean difference divides by an SD from the unweighted full
sample, the treated SD for the ATT (cobalt ``s.d.denom = "treated"``), the control SD for
the ATC, sqrt((var_t + var_c) / 2) for the ATE ("pooled"); continuous variances use n - 1,
binary ones p (1 - p); weighted variances use the unbiased weighted estimator
sum w (x - m)^2 / (sum w - sum w^2 / sum w) (cobalt's ``col_w_sd``); variance ratios
treated / control for continuous covariates only; eCDF statistics are the mean and maximum
absolute differences of the weighted eCDFs over the pooled distinct values (MatchIt's
``eCDF Mean`` / ``eCDF Max``), and the difference in proportions for binary covariates.
"""

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.balance import BalanceTable
from evaltools.exceptions import DataWarning, ParameterError

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def df():
    rng = np.random.default_rng(3)
    n = 60
    d = pd.DataFrame({"treated": np.r_[np.ones(20), np.zeros(40)].astype(int),
                      "age": np.round(rng.normal(70, 8, n)),
                      "female": rng.binomial(1, 0.5, n),
                      "region": rng.choice(["north", "south", "east"], n)})
    d.loc[d.treated == 1, "age"] += 4
    d["w"] = np.where(d.treated == 1, 1.0, rng.choice([0.0, 0.5, 1.0, 2.5], n))
    return d


def wvar(x, w):
    m = np.sum(w * x) / np.sum(w)
    return np.sum(w * (x - m) ** 2) / (w.sum() - (w**2).sum() / w.sum())


def ecdf_stats(xt, wt, xc, wc):
    """Weighted eCDFs evaluated at each pooled distinct value, by a plain loop."""
    diffs = [abs(wt[xt <= v].sum() / wt.sum() - wc[xc <= v].sum() / wc.sum())
             for v in np.unique(np.r_[xt, xc])]
    return np.mean(diffs), np.max(diffs)


@pytest.mark.parametrize("estimand", ["ATT", "ATC", "ATE"])
def test_every_statistic_by_hand(df, estimand):
    bt = et.balance_table(df, "treated", ["age", "female", "region"], weights="w",
                          estimand=estimand)
    tab = bt.table
    t = df.treated.to_numpy() == 1
    w = df.w.to_numpy()
    assert list(tab.index) == ["age", "female", "region_east", "region_north", "region_south"]
    for col in tab.index:
        if col.startswith("region_"):
            v = (df.region == col.split("_")[1]).to_numpy(float)
        else:
            v = df[col].to_numpy(float)
        binary = col != "age"
        assert tab.loc[col, "type"] == ("binary" if binary else "continuous")
        ddof = 0 if binary else 1
        vt, vc = np.var(v[t], ddof=ddof), np.var(v[~t], ddof=ddof)
        sd = {"ATT": np.sqrt(vt), "ATC": np.sqrt(vc), "ATE": np.sqrt((vt + vc) / 2)}[estimand]
        for stage, wt, wc in (("before", np.ones(t.sum()), np.ones((~t).sum())),
                              ("after", w[t], w[~t])):
            mt, mc = np.average(v[t], weights=wt), np.average(v[~t], weights=wc)
            row = tab.loc[col]
            assert row[f"mean_treated_{stage}"] == pytest.approx(mt, rel=1e-12)
            assert row[f"mean_control_{stage}"] == pytest.approx(mc, rel=1e-12)
            assert row[f"smd_{stage}"] == pytest.approx((mt - mc) / sd, rel=1e-10)
            if binary:
                assert np.isnan(row[f"var_ratio_{stage}"])
                assert row[f"ecdf_mean_{stage}"] == pytest.approx(abs(mt - mc), rel=1e-12)
                assert row[f"ecdf_max_{stage}"] == pytest.approx(abs(mt - mc), rel=1e-12)
            else:
                assert row[f"var_ratio_{stage}"] == pytest.approx(
                    wvar(v[t], wt) / wvar(v[~t], wc), rel=1e-10)
                e_mean, e_max = ecdf_stats(v[t], wt, v[~t], wc)
                assert row[f"ecdf_mean_{stage}"] == pytest.approx(e_mean, rel=1e-10)
                assert row[f"ecdf_max_{stage}"] == pytest.approx(e_max, rel=1e-10)
    assert bt.estimand == estimand and bt.weighted
    assert bt.meta["options"] == dict(estimand=estimand,
                                      thresholds={"smd": 0.1, "var_ratio": 2.0})


def test_docstring_example_and_denominators_differ():
    """Treated ages 80, 70 (SD 7.071), controls 60, 75, 65 (SD 7.638): the mean
    difference 8.333 over each estimand's SD."""
    d = pd.DataFrame({"treated": [1, 1, 0, 0, 0], "age": [80, 70, 60, 75, 65]})
    diff = 75 - 200 / 3
    sd_t, sd_c = np.std([80, 70], ddof=1), np.std([60, 75, 65], ddof=1)
    for estimand, sd in (("ATT", sd_t), ("ATC", sd_c),
                         ("ATE", np.sqrt((sd_t**2 + sd_c**2) / 2))):
        smd = et.balance_table(d, "treated", ["age"], estimand=estimand).table.smd_before
        assert smd.iloc[0] == pytest.approx(diff / sd, rel=1e-12)
    assert diff / sd_t == pytest.approx(1.179, abs=5e-4)


def test_normalised_weights_give_the_same_table(df):
    """Weights scaled to sum to 1 in each group (as some packages report them) describe
    the same weighted sample."""
    t = df.treated == 1
    w = df.w / np.where(t, df.w[t].sum(), df.w[~t].sum())
    assert w[~t].sum() == pytest.approx(1.0, abs=1e-15)
    pd.testing.assert_frame_equal(
        et.balance_table(df, "treated", ["age", "female"], weights=w.to_numpy()).table,
        et.balance_table(df, "treated", ["age", "female"], weights="w").table,
        rtol=1e-10)


def test_weights_as_name_series_or_array_agree(df):
    by_name = et.balance_table(df, "treated", ["age"], weights="w").table
    arr = et.balance_table(df, "treated", ["age"], weights=df.w.to_numpy()).table
    shuffled = df.w.sample(frac=1, random_state=0)  # aligned on the index, not position
    series = et.balance_table(df, "treated", ["age"], weights=shuffled).table
    pd.testing.assert_frame_equal(by_name, arr)
    pd.testing.assert_frame_equal(by_name, series)
    lst = et.balance_table(df, "treated", ["age"], weights=list(df.w)).table
    pd.testing.assert_frame_equal(by_name, lst)


def test_unweighted_table_and_summary_columns(df):
    bt = et.balance_table(df, "treated", ["age", "female"])
    assert not bt.weighted
    assert bt.table[[c for c in bt.table.columns if c.endswith("_after")]].isna().all().all()
    s = bt.summary()
    assert not any(c.endswith("_after") for c in s.columns)
    assert list(s.columns) == ["type", "mean_treated_before", "mean_control_before",
                               "smd_before", "var_ratio_before", "ecdf_mean_before",
                               "ecdf_max_before", "balanced_smd<0.1", "var_ratio_ok"]
    weighted = et.balance_table(df, "treated", ["age", "female"], weights="w").summary()
    assert "smd_after" in weighted.columns and "var_ratio_after" in weighted.columns


def _table(smd_before, smd_after, vr_before, vr_after):
    n = len(smd_before)
    return pd.DataFrame({"type": ["continuous"] * n, "smd_before": smd_before,
                         "smd_after": smd_after, "var_ratio_before": vr_before,
                         "var_ratio_after": vr_after}, index=[f"v{i}" for i in range(n)])


def test_smd_flag_at_and_either_side_of_the_threshold():
    """|SMD| <= threshold is balanced ("yes"): at it, and just below, yes; just above, no;
    the sign does not matter. Read off the stage that applies (after when weighted)."""
    lim = 0.1
    vals = [lim, -lim, np.nextafter(lim, 0), np.nextafter(lim, 1), -np.nextafter(lim, 1)]
    t = _table([5.0] * 5, vals, [1.0] * 5, [1.0] * 5)
    s = BalanceTable(t, "ATT", {"smd": lim, "var_ratio": 2.0}, weighted=True).summary()
    assert s["balanced_smd<0.1"].tolist() == ["yes", "yes", "yes", "no", "no"]
    before = BalanceTable(_table(vals, [5.0] * 5, [1.0] * 5, [1.0] * 5), "ATT",
                          {"smd": lim, "var_ratio": 2.0}, weighted=False).summary()
    assert before["balanced_smd<0.1"].tolist() == ["yes", "yes", "yes", "no", "no"]


def test_variance_ratio_flag_at_and_either_side_of_both_bounds():
    """OK inside [1/2, 2], bounds included; NaN (binary covariates) gives no flag."""
    vals = [2.0, np.nextafter(2.0, 0), np.nextafter(2.0, 3), 0.5, np.nextafter(0.5, 1),
            np.nextafter(0.5, 0), np.nan, 1.0]
    n = len(vals)
    s = BalanceTable(_table([0.0] * n, [0.0] * n, [1.0] * n, vals), "ATT",
                     {"smd": 0.1, "var_ratio": 2.0}, weighted=True).summary()
    ok = s["var_ratio_ok"].tolist()
    assert pd.isna(ok[6]) and ok[:6] + ok[7:] == ["yes", "yes", "no", "yes", "yes", "no", "yes"]
    s = BalanceTable(_table([0.0] * n, [0.0] * n, vals, [1.0] * n), "ATT",
                     {"smd": 0.1, "var_ratio": 2.0}, weighted=False).summary()
    ok = s["var_ratio_ok"].tolist()
    assert pd.isna(ok[6]) and ok[:6] + ok[7:] == ["yes", "yes", "no", "yes", "yes", "no", "yes"]


def test_flags_from_real_statistics_at_their_own_value():
    """Thresholds set to the computed statistics themselves: the SMD is balanced at its own
    value and not at the next float below; a variance ratio of exactly 2 (treated
    variance 2, control variance 1) is OK at var_ratio=2 and not just below."""
    d = pd.DataFrame({"treated": [1, 1, 0, 0, 0], "x": [-1.0, 1.0, -1.0, 0.0, 1.0],
                      "v": [3.0, 1.0, 0.0, 2.0, 1.0]})
    bt = et.balance_table(d, "treated", ["x", "v"])
    assert bt.table.loc["x", "var_ratio_before"] == 2.0
    smd = abs(bt.table.loc["v", "smd_before"])
    at = et.balance_table(d, "treated", ["v"], thresholds={"smd": smd}).summary()
    assert at.iloc[0, -2] == "yes"
    below = et.balance_table(d, "treated", ["v"],
                             thresholds={"smd": np.nextafter(smd, 0)}).summary()
    assert below.iloc[0, -2] == "no"
    ok = et.balance_table(d, "treated", ["x"], thresholds={"var_ratio": 2.0}).summary()
    assert ok["var_ratio_ok"].iloc[0] == "yes"
    tight = et.balance_table(d, "treated", ["x"],
                             thresholds={"var_ratio": np.nextafter(2.0, 0)}).summary()
    assert tight["var_ratio_ok"].iloc[0] == "no"
    # Swapped groups: ratio exactly 1/2, the lower bound, is OK.
    swapped = et.balance_table(d.assign(treated=1 - d.treated), "treated", ["x"])
    assert swapped.table.loc["x", "var_ratio_before"] == 0.5
    assert swapped.summary()["var_ratio_ok"].iloc[0] == "yes"


def test_threshold_options():
    d = pd.DataFrame({"treated": [1, 1, 0, 0], "x": [1.0, 2.0, 3.0, 5.0]})
    bt = et.balance_table(d, "treated", ["x"], thresholds={"smd": 0.25})
    assert bt.thresholds == {"smd": 0.25, "var_ratio": 2.0}
    assert "balanced_smd<0.25" in bt.summary().columns
    assert et.balance_table(d, "treated", ["x"], thresholds={"var_ratio": 3}).thresholds == {
        "smd": 0.1, "var_ratio": 3}
    assert et.balance_table(d, "treated", ["x"], thresholds={"smd": 1e-9}).thresholds[
        "smd"] == 1e-9
    assert et.balance_table(d, "treated", ["x"], thresholds={
        "var_ratio": np.nextafter(1.0, 2)}).thresholds["var_ratio"] > 1
    for bad, message in (({"smd": 0}, r"'thresholds\['smd'\]' parameter of balance_table"),
                         ({"smd": -0.1}, r"'thresholds\['smd'\]'"),
                         ({"var_ratio": 1}, r"'thresholds\['var_ratio'\]' parameter"),
                         ({"var_ratio": 0.5}, r"'thresholds\['var_ratio'\]'"),
                         ({"sdm": 0.1}, r"unknown key\(s\) \['sdm'\]"),
                         ([0.1], r"must be a dict")):
        with pytest.raises(ParameterError, match=message):
            et.balance_table(d, "treated", ["x"], thresholds=bad)


@pytest.mark.parametrize(("estimand", "n_treated", "warns"), [
    ("ATT", 1, True), ("ATT", 2, False), ("ATC", 1, False), ("ATE", 1, True),
    ("ATE", 2, False)])
def test_one_unit_in_the_sd_group(estimand, n_treated, warns):
    """The SD group needs two units: with one the SMD is NaN, with two it is finite."""
    d = pd.DataFrame({"treated": [1] * n_treated + [0] * 4,
                      "x": [5.0, 7.0][:n_treated] + [1.0, 2.0, 4.0, 3.0]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tab = et.balance_table(d, "treated", ["x"], estimand=estimand).table
    said = [w for w in caught if issubclass(w.category, DataWarning)]
    assert bool(said) is warns
    if warns:
        assert "Only one treated unit in 'treated'" in str(said[0].message)
        assert np.isnan(tab.loc["x", "smd_before"])
    else:
        assert np.isfinite(tab.loc["x", "smd_before"])


def test_one_control_for_the_atc():
    d = pd.DataFrame({"treated": [1, 1, 1, 0], "x": [1.0, 2.0, 4.0, 3.0]})
    with pytest.warns(DataWarning, match=r"Only one control unit in 'treated'.*"
                                         r"estimand='ATC' are NaN"):
        tab = et.balance_table(d, "treated", ["x"], estimand="ATC").table
    assert np.isnan(tab.loc["x", "smd_before"])


def test_zero_weight_rows_and_a_single_weighted_unit(df):
    """Zero weights drop rows from 'after'; a group left with one positive weight has no
    weighted variance (denominator sum w - sum w^2 / sum w = 0), so no variance ratio."""
    w = np.where(df.treated == 1, 0.0, 1.0)
    w[0] = 3.0  # one treated unit keeps weight
    tab = et.balance_table(df, "treated", ["age"], weights=w).table
    assert np.isnan(tab.loc["age", "var_ratio_after"])
    assert tab.loc["age", "mean_treated_after"] == df.age.iloc[0]
    zero = np.where(df.treated == 1, 0.0, 1.0)
    with pytest.raises(ParameterError, match=r"zero for every treated unit \(20 rows\)"):
        et.balance_table(df, "treated", ["age"], weights=zero)
    with pytest.raises(ParameterError, match=r"zero for every control unit \(40 rows\)"):
        et.balance_table(df, "treated", ["age"], weights=1.0 - zero)


def test_constant_covariate_has_no_smd():
    """A zero SD gives no SMD (NaN), even when the means differ (not an infinity)."""
    d = pd.DataFrame({"treated": [1, 1, 0, 0, 0], "x": [2.0, 2.0, 3.0, 1.0, 3.0],
                      "c": 4.0})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        tab = et.balance_table(d, "treated", ["x", "c"]).table
    assert np.isnan(tab.loc["x", "smd_before"])  # treated SD 0, means 2 and 7/3
    assert np.isnan(tab.loc["c", "smd_before"])
    assert np.isfinite(et.balance_table(d, "treated", ["x"], estimand="ATC").table.loc[
        "x", "smd_before"])


def test_weights_bounds():
    d = pd.DataFrame({"treated": [1, 1, 0, 0], "x": [1.0, 2.0, 3.0, 5.0]})
    et.balance_table(d, "treated", ["x"], weights=np.full(4, 1e150))  # at the bound: fine
    with pytest.raises(ParameterError, match=r"weights as large as"):
        et.balance_table(d, "treated", ["x"], weights=np.full(4, 1.01e150))
    with pytest.raises(ParameterError, match=r"'weights' parameter of balance_table must be a "
                                             r"column name"):
        et.balance_table(d, "treated", ["x"], weights=3.0)


def test_formula_covariates_and_kinds():
    d = pd.DataFrame({"treated": [1, 1, 0, 0, 0, 1], "x": [1.0, 2.0, 3.0, 5.0, 4.0, 2.0],
                      "flag": [True, False, False, True, False, True]})
    tab = et.balance_table(d, covariates="treated ~ x + flag").table
    assert dict(tab["type"]) == {"x": "continuous", "flag": "binary"}
    listed = et.balance_table(d, "treated", ["x", "flag"]).table
    assert listed.loc["flag", "type"] == "binary"
    assert listed.loc["flag", "smd_before"] == pytest.approx(
        tab.loc["flag", "smd_before"])
    with pytest.raises(ParameterError, match=r"includes the treatment column 'treated'"):
        et.balance_table(d, "treated", ["x", "treated"])


def test_notes_name_the_denominator_and_the_worst_covariate(df):
    for estimand, words in (("ATT", "the treated group's SD"),
                            ("ATC", "the control group's SD"),
                            ("ATE", "sqrt((var_treated + var_control) / 2)")):
        bt = et.balance_table(df, "treated", ["age", "female"], weights="w",
                              estimand=estimand)
        notes = bt._notes()
        assert notes[0] == (f"Standardised mean differences divide by {words} in the "
                            "unweighted sample (binary covariates too, as MatchIt); variance "
                            "ratios are for continuous covariates; eCDF statistics are "
                            "weighted.")
        worst = bt.table.smd_after.abs().idxmax()
        assert notes[1] == (f"Largest |SMD| after: {worst} "
                            f"({bt.table.loc[worst, 'smd_after']:.3f}).")
    plain = et.balance_table(df, "treated", ["age", "female"])
    assert plain._notes()[1].startswith("Largest |SMD| before: age")


def test_love_plot(df):
    import matplotlib.pyplot as plt

    bt = et.balance_table(df, "treated", ["age", "female"], weights="w",
                          thresholds={"smd": 0.2})
    ax = bt.plot()
    assert len(ax.collections) == 2
    np.testing.assert_allclose(ax.collections[0].get_offsets()[:, 0],
                               bt.table.smd_before.abs())
    np.testing.assert_allclose(ax.collections[1].get_offsets()[:, 0],
                               bt.table.smd_after.abs())
    assert ax.lines[0].get_xdata()[0] == 0.2
    assert [t.get_text() for t in ax.get_yticklabels()] == ["age", "female"]
    assert ax.get_xlabel() == "absolute standardised mean difference"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["before", "after"]
    # Styles: open red circles before, filled blue after, a dashed grey threshold line of
    # width 1; extra keyword arguments reach both scatters.
    before, after = ax.collections
    assert before.get_facecolors().size == 0 or before.get_facecolors()[0][3] == 0
    np.testing.assert_allclose(before.get_edgecolors()[0], matplotlib.colors.to_rgba(
        "tab:red"))
    np.testing.assert_allclose(after.get_facecolors()[0], matplotlib.colors.to_rgba(
        "tab:blue"))
    marker = matplotlib.markers.MarkerStyle("o")
    circle = marker.get_path().transformed(marker.get_transform()).vertices
    for points in (before, after):
        np.testing.assert_allclose(points.get_paths()[0].vertices, circle)
    line = ax.lines[0]
    assert line.get_linestyle() == "--" and line.get_linewidth() == 1
    np.testing.assert_allclose(matplotlib.colors.to_rgba(line.get_color()),
                               matplotlib.colors.to_rgba("grey"))
    plt.close(ax.figure)
    big = bt.plot(s=99)
    assert [c.get_sizes()[0] for c in big.collections] == [99, 99]
    plt.close(big.figure)
    _, ax2 = plt.subplots()
    assert et.balance_table(df, "treated", ["age"]).plot(ax=ax2) is ax2
    assert len(ax2.collections) == 1
    plt.close(ax2.figure)


def test_a_weight_column_with_infinite_values(df):
    with pytest.raises(et.exceptions.SchemaError,
                       match=r"Column 'w' of the data table has 0 missing and 1 infinite "
                             r"value\(s\), at row index \[0\]\. Fix: give every row a finite "
                             r"weight \(0 to leave it out\)"):
        et.balance_table(df.assign(w=np.where(df.index == 0, np.inf, df.w)), "treated",
                         ["age"], weights="w")
