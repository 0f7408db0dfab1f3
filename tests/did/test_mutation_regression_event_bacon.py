"""event_study and bacon_decomposition: result contents, boundaries of the identification
checks and the plots (found by mutation testing, ``make mutation``).

Independent computations: counts of rows per event time and of units per comparison from
the panel itself, the joint Wald statistic of the leads from the fitted coefficients and
their covariance, the plotted points read back from matplotlib.
"""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from scipy import stats  # noqa: E402

import evaltools as et  # noqa: E402
from evaltools.exceptions import DataWarning, ParameterError, SchemaError  # noqa: E402


@pytest.fixture(scope="module")
def panel():
    """Nine units over seven periods: cohorts 3 (u1-3), 5 (u4-6), never (u7-9)."""
    rng = np.random.default_rng(21)
    d = pd.DataFrame([(u, t) for u in range(1, 10) for t in range(1, 8)], columns=["u", "t"])
    d["cohort"] = d.u.map(lambda u: 3 if u <= 3 else 5 if u <= 6 else 0)
    d["d"] = ((d.cohort > 0) & (d.t >= d.cohort)).astype(int)
    d["x"] = rng.normal(size=len(d))
    d["y"] = d.u + 0.3 * d.t - 2 * d.d + 0.5 * d.x + rng.normal(size=len(d))
    d["area"] = (d.u + 2) // 3
    return d


def es(d, **kw):
    args = dict(outcome="y", unit="u", time="t", cohort="cohort") | kw
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return et.did.event_study(d, **args)


# --- event_study: results -----------------------------------------------------------------

def test_event_study_counts_meta_and_pretrend(panel):
    res = es(panel, window=(-3, 2))
    rel = (panel.t - panel.cohort).where(panel.cohort > 0).clip(-3, 2)
    counts = rel.value_counts().drop(-1).sort_index()
    counts.index = counts.index.astype(int)
    t = res.tidy()
    assert t.term.tolist() == [f"event_time::{k}" for k in counts.index]
    assert t.n.tolist() == counts.tolist()
    assert res.table.index.name == "event time"
    assert res.table.index.tolist() == counts.index.tolist()
    assert res.table.n.tolist() == counts.tolist()
    assert res.meta["options"] == dict(outcome="y", unit="u", time="t", cohort="cohort",
                                       ref_period=-1, window=(-3, 2), covariates=None,
                                       cluster="u")
    leads = ["event_time::-3", "event_time::-2"]
    b = res.model.params[leads].to_numpy()
    v = res.model.cov.loc[leads, leads].to_numpy()
    wald = float(b @ np.linalg.solve(v, b))
    assert res.pretrend_stat == pytest.approx(wald, rel=1e-8)
    assert res.pretrend_p == pytest.approx(stats.chi2.sf(wald, 2), rel=1e-8)
    assert res.notes == []


def test_event_study_covariate_and_cluster_options(panel):
    res = es(panel, window=(-3, 2), covariates=["x"], cluster="area")
    assert res.meta["options"]["covariates"] == ["x"]
    assert res.meta["options"]["cluster"] == "area"
    t = res.tidy().set_index("term")
    assert t.loc["x", "n"] == len(panel)
    base = es(panel, window=(-3, 2), covariates=["x"])
    assert t.loc["event_time::0", "std_error"] != pytest.approx(
        base.tidy().set_index("term").loc["event_time::0", "std_error"], rel=1e-3)


def test_event_study_covariate_notes_and_messages(panel):
    with pytest.warns(DataWarning) as record:
        res = et.did.event_study(panel.assign(p=panel.t * 2.0, k=1.0), outcome="y", unit="u",
                                 time="t", cohort="cohort", window=(-3, 2),
                                 covariates=["x", "p", "k"])
    assert len(record) == 1
    assert str(record[0].message).startswith("event_study left out 2 covariate(s)")
    assert res.notes == ["Covariates left out (k: constant (1); p: constant within each "
                         "period (absorbed by the period effects))."]
    with pytest.raises(SchemaError, match="covariates formula of event_study has 'x' on the "
                                          "left of '~', but the outcome is 'y'"):
        es(panel, covariates="x ~ d")


def test_event_study_integer_outcome(panel):
    res = es(panel.assign(y=np.round(panel.y * 10).astype(int)), window=(-3, 2))
    ref = es(panel.assign(y=np.round(panel.y * 10)), window=(-3, 2))
    assert res.table.estimate.to_numpy() == pytest.approx(ref.table.estimate.to_numpy())


# --- event_study: boundaries ----------------------------------------------------------------

def test_ref_period_must_be_integer_valued(panel):
    with pytest.raises(ParameterError, match="'ref_period' parameter of event_study"):
        es(panel, ref_period=-1.5)


@pytest.mark.parametrize("window", [(-1, 2), (-3, -1)])
def test_window_may_end_at_the_reference_period(panel, window):
    res = es(panel, window=window)
    assert -1 not in res.table.index and len(res.table) == window[1] - window[0]


def test_window_of_one_event_time_is_refused(panel):
    with pytest.raises(ParameterError, match="'window' parameter of event_study"):
        es(panel, window=(-1, -1))


def test_cohort_first_seen_at_the_reference_period_is_identified(panel):
    """Cohort 2 is first observed at event time -1 = ref_period: identified."""
    res = es(panel.assign(cohort=panel.cohort.replace(3, 2)), window=(-3, 2))
    assert np.isfinite(res.table.loc[0, "estimate"])
    with pytest.raises(SchemaError, match=r"Cohort\(s\) \[1\] of event_study \(3 units\)"):
        es(panel.assign(cohort=panel.cohort.replace(3, 1)), window=(-3, 2))


def test_last_cohort_seen_only_at_event_time_zero(panel):
    late = panel.assign(cohort=panel.cohort.replace({3: 7, 5: 7}))
    res = es(late)
    assert res.table.index.max() == 0


def test_first_period_one_cohort(panel):
    """Periods 0-6 and cohort 1 (treated in the second period) is a treated cohort."""
    d = panel.assign(t=panel.t - 1, cohort=panel.cohort.replace({3: 1, 5: 4}))
    res = es(d, window=(-3, 2))
    assert 0 in res.table.index


@pytest.mark.parametrize("value, shown", [(0.5, r"\[0.5\]"), (2.5, r"\[2.5\]")])
def test_cohort_between_periods_is_refused(panel, value, shown):
    with pytest.raises(SchemaError, match=f"'cohort' of event_study has values {shown} that"):
        es(panel.assign(cohort=panel.cohort.astype(float).replace(3, value)))


def test_all_treated_in_the_first_period(panel):
    with pytest.raises(SchemaError, match="All units are treated at once in event_study"):
        es(panel.assign(cohort=1))


def test_cohort_missing_in_some_rows_of_a_unit(panel):
    d = panel.assign(cohort=panel.cohort.astype(float))
    d.loc[(d.u == 2) & (d.t == 1), "cohort"] = np.nan
    with pytest.raises(SchemaError, match=r"'cohort' varies within 1 unit\(s\) in event_study"
                                          r", e.g. u \[2\]"):
        es(d)


def test_cohort_varying_units_in_the_order_of_the_data(panel):
    d = panel.assign(cohort=np.where(panel.u.isin([2, 5]) & (panel.t == 1), 4, panel.cohort))
    with pytest.raises(SchemaError, match=r"varies within 2 unit\(s\) in event_study, e.g. "
                                          r"u \[5, 2\]"):
        es(d.iloc[::-1])


def test_event_study_covariates_on_a_shifted_index(panel):
    shifted = panel.set_axis(np.arange(500, 500 + len(panel))[::-1])
    a = es(shifted, window=(-3, 2), covariates=["x"])
    b = es(panel, window=(-3, 2), covariates=["x"])
    assert a.tidy().estimate.to_numpy() == pytest.approx(b.tidy().estimate.to_numpy())


def test_event_study_needs_the_cohort_column(panel):
    with pytest.raises(SchemaError, match=r"The data table has no column \['cohort'\]"):
        es(panel.drop(columns="cohort"))


def test_not_identified_says_how_to_fix(panel):
    with pytest.raises(SchemaError, match="regression of event_study is not identified.*add "
                                          r"never-treated units \(cohort 0\)"):
        es(panel[panel.cohort > 0])


def test_event_study_messages_name_the_function(panel):
    with pytest.raises(SchemaError, match=r"no column \['y'\].*event_study"):
        es(panel.drop(columns="y"))
    with pytest.raises(SchemaError, match="The data of event_study has 2 rows that repeat"):
        es(pd.concat([panel, panel.iloc[[0]]]))
    with pytest.raises(ParameterError, match="'cluster' column 'area' of event_study varies"):
        es(panel.assign(area=panel.t), cluster="area")
    with pytest.raises(SchemaError, match=r"Column 'cohort' of the data table has 0 missing "
                                          r"and 1 infinite value\(s\), at u \[1\]"):
        es(panel.assign(cohort=np.where(panel.index == 0, np.inf, panel.cohort)))


def test_event_study_plot_shows_the_intervals(panel):
    res = es(panel, window=(-3, 2))
    ax = res.plot()
    t = res.table
    line = ax.lines[0]
    assert line.get_xdata().tolist() == t.index.tolist()
    assert np.asarray(line.get_ydata()) == pytest.approx(t.estimate.to_numpy())
    assert line.get_marker() == "o" and line.get_linestyle() == "None"
    bars = ax.collections[0].get_segments()
    assert [s[0][1] for s in bars] == pytest.approx(t.conf_low.tolist())
    assert [s[1][1] for s in bars] == pytest.approx(t.conf_high.tolist())
    assert len(ax.lines) == 5  # points, two cap lines, the zero and the reference lines
    caps = ax.lines[1:3]
    assert [c.get_marker() for c in caps] == ["_", "_"]
    assert all(c.get_markersize() == 6 for c in caps)  # capsize=3 -> 2 * 3 points
    zero = [ln for ln in ax.lines if list(ln.get_ydata()) == [0, 0]]
    ref = [ln for ln in ax.lines if list(ln.get_xdata()) == [-0.5, -0.5]]
    assert zero and zero[0].get_color() == "black" and zero[0].get_linewidth() == 0.8
    assert ref and ref[0].get_color() == "grey" and ref[0].get_linestyle() == "--"
    assert ax.get_xlabel() == "periods relative to treatment"
    assert ax.get_ylabel() == "effect relative to the reference period (outcome units)"
    assert tuple(ax.figure.get_size_inches()) == (7, 4)
    own = plt.subplots()[1]
    assert res.plot(ax=own, color="red") is own
    assert own.lines[0].get_color() == "red"
    plt.close("all")


# --- bacon_decomposition ------------------------------------------------------------------

def bacon(d):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return et.did.bacon_decomposition(d, outcome="y", unit="u", time="t", treatment="d")


def test_bacon_table_tidy_and_notes(panel):
    res = bacon(panel)
    t = res.table
    assert t[["type", "treated", "control"]].values.tolist() == [
        ["treated vs never treated", 3, "never"],
        ["earlier vs later treated", 3, 5],
        ["later vs earlier treated", 5, 3],
        ["treated vs never treated", 5, "never"]]
    assert t.n_units.tolist() == [6, 6, 6, 6]
    tidy = res.tidy()
    assert tidy.term.tolist() == ["twfe", "3 vs never", "3 vs 5", "5 vs 3", "5 vs never"]
    assert tidy.n.tolist() == [len(panel), 6, 6, 6, 6]
    assert tidy.estimate.iloc[1:].tolist() == pytest.approx(t.estimate.tolist())
    assert tidy.std_error.iloc[1:].isna().all() and tidy.p_value.iloc[1:].isna().all()
    e = res._estimates()
    assert e.index.tolist() == list(range(5))
    assert np.isinf(e.df.iloc[1:]).all() and e.df.iloc[0] == res.model.df_resid
    share = t.weight[t.type == "later vs earlier treated"].sum()
    assert 0 < share < 1
    assert res._notes() == [
        f"Weighted sum of the 2x2 estimates = TWFE estimate {res.twfe_estimate:.4f}. "
        f"{share:.0%} of the weight is on comparisons that use already-treated units as "
        "controls, which are biased when effects change over time."]
    assert res.meta["options"] == dict(outcome="y", unit="u", time="t", treatment="d")


def test_bacon_counts_units_of_each_comparison(panel):
    """Unequal group sizes: 2 early (u1-2), 3 late (u3-5) and 5 never treated (u6-10)."""
    d = panel.assign(cohort=panel.u.map(lambda u: 3 if u <= 2 else 5 if u <= 5 else 0))
    d["d"] = ((d.cohort > 0) & (d.t >= d.cohort)).astype(int)
    d = pd.concat([d, d[d.u == 9].assign(u=10)], ignore_index=True)
    t = bacon(d).table.set_index(["treated", "control"])
    assert t.n_units.to_dict() == {(3, "never"): 7, (3, 5): 5, (5, 3): 5, (5, "never"): 8}


def test_bacon_integer_outcome(panel):
    res = bacon(panel.assign(y=np.round(panel.y * 10).astype(int)))
    assert res.twfe_estimate == pytest.approx(float(res.model.params.iloc[0]), rel=1e-9)


def test_bacon_messages_name_the_function(panel):
    with pytest.raises(SchemaError, match=r"no column \['y'\].*bacon_decomposition"):
        bacon(panel.drop(columns="y"))
    with pytest.raises(SchemaError, match="The data of bacon_decomposition has 2 rows"):
        bacon(pd.concat([panel, panel.iloc[[0]]]))
    with pytest.raises(SchemaError, match="treatment column 'd' of bacon_decomposition"):
        bacon(panel.assign(d=0))
    with pytest.raises(SchemaError, match="bacon_decomposition needs a balanced panel"):
        bacon(panel.iloc[1:])
    with pytest.raises(SchemaError, match="bacon_decomposition needs treatment that stays on"):
        bacon(panel.assign(d=np.where((panel.u == 1) & (panel.t == 7), 0, panel.d)))
    with pytest.raises(SchemaError, match="No unit switches treatment in bacon_decomposition"):
        bacon(panel.assign(d=(panel.cohort > 0).astype(int)))
    with pytest.raises(SchemaError, match=r"1 unit\(s\) are treated from the first period in "
                                          "bacon_decomposition"):
        bacon(panel.assign(d=np.where(panel.u == 1, 1, panel.d)))


def test_bacon_plot_shows_each_comparison(panel):
    res = bacon(panel)
    ax = res.plot()
    labels = [c.get_label() for c in ax.collections]
    assert labels == sorted(res.table.type.unique())
    for c in ax.collections:
        part = res.table[res.table.type == c.get_label()]
        assert c.get_offsets()[:, 0].tolist() == pytest.approx(part.weight.tolist())
        assert c.get_offsets()[:, 1].tolist() == pytest.approx(part.estimate.tolist())
    line = ax.lines[0]
    assert list(line.get_ydata()) == pytest.approx([res.twfe_estimate] * 2)
    assert line.get_color() == "black" and line.get_linestyle() == "--"
    assert line.get_label() == "TWFE"
    assert ax.get_xlabel() == "weight"
    assert ax.get_ylabel() == "2x2 DiD estimate (outcome units)"
    legend = ax.get_legend()
    assert sorted(x.get_text() for x in legend.get_texts()) == sorted([*labels, "TWFE"])
    assert legend.get_texts()[0].get_fontsize() == pytest.approx(
        matplotlib.font_manager.FontProperties(size="small").get_size_in_points())
    assert tuple(ax.figure.get_size_inches()) == (6, 4)
    own = plt.subplots()[1]
    assert res.plot(ax=own, color="red") is own
    assert all(tuple(c.get_facecolor()[0]) == (1, 0, 0, 1) for c in own.collections)
    plt.close("all")
