"""What att_gt's results show: the estimate table, tidy terms, summaries, notes and the
numbers the plots draw (positions and interval lengths), on mpdta.

The intervals are checked against the standard errors that test_mutation_attgt_reference.py
pins to moderndid: estimate +- 1.959964 x SE without the bootstrap, estimate +- the band's
critical value x SE on the plots.
"""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

import evaltools as et  # noqa: E402
from evaltools.exceptions import DataWarning, ParameterError  # noqa: E402

ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")
Z = 1.959963984540054


@pytest.fixture(scope="module")
def boot(mpdta):
    return et.did.att_gt(mpdta, **ARGS, bootstrap=True, n_boot=300, random_state=4)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_tidy_terms_counts_and_pointwise_intervals(res):
    tidy = res.tidy()
    t = res.table
    assert tidy["term"].tolist()[:5] == ["ATT(2004,2004)", "ATT(2004,2005)", "ATT(2004,2006)",
                                         "ATT(2004,2007)", "ATT(2006,2004)"]
    np.testing.assert_array_equal(tidy["estimate"], t["att"])
    np.testing.assert_array_equal(tidy["std_error"], t["se"])
    # Units in each 2x2 comparison: 20 (2004 cohort) + 309 never treated; 40 + 309; 131 + 309.
    assert tidy["n"].tolist()[::4] == [329, 349, 440]
    np.testing.assert_allclose(tidy["conf_low"], t["att"] - Z * t["se"], rtol=1e-12)
    np.testing.assert_allclose(t["ci_high"], t["att"] + Z * t["se"], rtol=1e-12)
    assert res.critical_value == pytest.approx(Z)
    summary = res.summary()
    assert list(summary.columns) == ["group", "time", "att", "se", "ci_low", "ci_high", "note"]
    assert (t["post"] == (t["time"] >= t["group"])).all()


def test_notes_name_inference_comparison_method_and_base(res, mpdta):
    text = str(res)
    assert ("pointwise 95% intervals (analytic standard errors); comparison: nevertreated; "
            "method: dr; base period: varying.") in text
    assert "cell(s) without an estimate" not in text
    with pytest.warns(DataWarning, match="c: constant"):
        other = et.did.att_gt(mpdta.assign(c=1.0), **ARGS, control_group="notyettreated",
                              est_method="reg", base_period="universal", covariates=["c"])
    text = str(other)
    assert "comparison: notyettreated; method: reg; base period: universal." in text
    assert "Covariate left out: c (constant (1))." in text
    keep = mpdta.loc[mpdta["first.treat"] == 2006, "countyreal"].unique()[1:]
    small = et.did.att_gt(mpdta[~mpdta["countyreal"].isin(keep)], **ARGS)
    assert "4 cell(s) without an estimate; see 'note'." in str(small)


def test_aggregate_summary_notes_and_intervals(res, boot):
    agg = res.aggregate("dynamic")
    s = agg.summary()
    assert s.index[0] == "overall (dynamic)" and list(s.index[1:]) == list(range(-3, 4))
    assert s.iloc[0].tolist() == pytest.approx([agg.estimate, agg.se, agg.estimate - Z * agg.se,
                                                agg.estimate + Z * agg.se])
    np.testing.assert_allclose(s["ci_high"].iloc[1:], agg.detail["estimate"]
                               + Z * agg.detail["se"], rtol=1e-12)
    assert agg.detail.index.name == "event time"
    assert "Overall: pointwise 95% interval." in str(agg)
    assert "uniform 95% band" not in str(agg)
    simple = res.aggregate("simple")
    assert list(simple.summary().index) == ["overall (simple)"]
    assert simple.tidy()["term"].tolist() == ["overall (simple)"]
    assert simple.tidy()["n"].iloc[0] == 500
    for kind, label, first in [("group", "group", "group 2004"),
                               ("calendar", "period", "period 2004")]:
        a = boot.aggregate(kind)
        assert a.detail.index.name == label
        assert a.tidy()["term"].iloc[1] == first
        assert (f"Rows by {label}: uniform 95% band (multiplier bootstrap). Overall: "
                "pointwise 95% interval.") in str(a)
    dyn = boot.aggregate("dynamic")
    assert dyn.tidy()["term"].tolist()[1:3] == ["event time -3", "event time -2"]
    with pytest.raises(ParameterError, match="already a 'dynamic' aggregation"):
        dyn.aggregate("simple")


def segments_by_x(collection):
    """{x: (low, high)} of the vertical segments of an error-bar LineCollection."""
    return {round(float(s[0, 0]), 6): (float(s[:, 1].min()), float(s[:, 1].max()))
            for s in collection.get_segments()}


def test_att_gt_plot_draws_the_intervals_and_colours(boot):
    ax = boot.plot()
    assert tuple(ax.figure.get_size_inches()) == (8, 4)
    t = boot.table
    crit = boot.critical_value
    bars = [c for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)]
    dots = [c for c in ax.collections if isinstance(c, matplotlib.collections.PathCollection)]
    assert len(bars) == len(dots) == 3
    for i, (group, part) in enumerate(t.groupby("group")):
        x = part["time"].to_numpy() + (i - 1) * 0.08  # offsets -0.08, 0, 0.08
        seg = segments_by_x(bars[i])
        for xi, att, se in zip(x, part["att"], part["se"], strict=True):
            low, high = seg[round(xi, 6)]
            assert low == pytest.approx(att - crit * se) and high == pytest.approx(att + crit * se)
        np.testing.assert_allclose(dots[i].get_offsets(), np.column_stack([x, part["att"]]))
        colours = dots[i].get_facecolors()
        want = [to_rgba("tab:blue") if p else to_rgba("tab:red") for p in part["post"]]
        np.testing.assert_allclose(colours, want)
        assert dots[i].get_label() == f"group {group}"
        assert to_rgba(bars[i].get_color()[0]) == to_rgba("grey")
    zero = [line for line in ax.lines if list(line.get_ydata()) == [0, 0]]
    assert len(zero) == 1 and to_rgba(zero[0].get_color()) == to_rgba("black")
    assert zero[0].get_linewidth() == 0.8
    assert ax.get_xlabel() == "period"
    assert ax.get_ylabel() == "ATT(g, t) (outcome units)"
    assert ax.get_title() == "red: before treatment, blue: after"
    own = plt.subplots()[1]
    assert boot.plot(ax=own, marker="s") is own


@pytest.mark.parametrize("kind", ["dynamic", "group", "calendar"])
def test_aggregate_plot_draws_the_band(boot, kind):
    agg = boot.aggregate(kind)
    ax = agg.plot()
    assert tuple(ax.figure.get_size_inches()) == (7, 4)
    d = agg.detail
    assert agg.critical_value > Z
    bars = [c for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)]
    assert len(bars) == 1
    seg = segments_by_x(bars[0])
    for k, est, se in zip(d.index.astype(float), d["estimate"], d["se"], strict=True):
        low, high = seg[round(k, 6)]
        assert low == pytest.approx(est - agg.critical_value * se)
        assert high == pytest.approx(est + agg.critical_value * se)
    points = [line for line in ax.lines if line.get_marker() == "o"]
    assert len(points) == 1
    np.testing.assert_allclose(np.asarray(points[0].get_xdata(), float), d.index.astype(float))
    np.testing.assert_allclose(np.asarray(points[0].get_ydata(), float), d["estimate"])
    assert points[0].get_linestyle() == "None"
    caps = [line for line in ax.lines if line.get_marker() == "_"]
    assert caps and caps[0].get_markersize() == 2 * 3  # capsize 3
    horizontal = [line for line in ax.lines if list(line.get_ydata()) == [0, 0]]
    assert len(horizontal) == 1 and horizontal[0].get_linewidth() == 0.8
    assert to_rgba(horizontal[0].get_color()) == to_rgba("black")
    vertical = [line for line in ax.lines if list(line.get_xdata()) == [-0.5, -0.5]]
    if kind == "dynamic":
        assert len(vertical) == 1 and vertical[0].get_linestyle() == "--"
        assert to_rgba(vertical[0].get_color()) == to_rgba("grey")
    else:
        assert not vertical
    assert ax.get_xlabel() == {"dynamic": "event time (periods since treatment)",
                               "group": "group", "calendar": "period"}[kind]
    assert ax.get_ylabel() == "average treatment effect (outcome units)"
    own = plt.subplots()[1]
    assert agg.plot(ax=own, color="red") is own


def test_simple_aggregate_has_nothing_to_plot(res):
    with pytest.raises(ParameterError, match="nothing to plot for kind='simple'"):
        res.aggregate("simple").plot()


def test_meta_records_the_bootstrap_settings_only_with_the_bootstrap(mpdta):
    plain = et.did.att_gt(mpdta, **ARGS)
    o = plain.meta["options"]
    assert o["bootstrap"] is False and o["n_boot"] is None and o["boot_weights"] is None
    assert plain.meta["random_state"] is None and plain.meta["bootstrap_seed"] is None
    boot = et.did.att_gt(mpdta, **ARGS, bootstrap=True, n_boot=120, random_state=8)
    o = boot.meta["options"]
    assert o["bootstrap"] is True and o["n_boot"] == 120 and o["boot_weights"] == "rademacher"
    assert boot.meta["random_state"] == 8 and boot.meta["bootstrap_seed"] == 8
    assert o["control_group"] == "nevertreated" and o["est_method"] == "dr"
