"""Aggregation windows, refusals and data checks of att_gt at their boundaries: each case is
built so that a one-line change of a comparison or a message gives a different outcome.

Reference rules: R's did ``aggte`` (the event window min_e <= e <= max_e includes its ends;
"calendar" ignores the window; the balanced event study keeps groups observed balance_e
periods after treatment) and the numbers pinned against moderndid in
test_mutation_attgt_reference.py.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.did.options import IgnoredOptionWarning
from evaltools.exceptions import ParameterError, SchemaError

ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")


def small_panel(periods=(1, 2, 3), cohorts=(3, 3, 3, 0, 0, 0), seed=0):
    rng = np.random.default_rng(seed)
    rows = [(i, t, g, rng.normal() + (g > 0) * (t >= g)) for i, g in enumerate(cohorts)
            for t in periods]
    return pd.DataFrame(rows, columns=["id", "t", "g", "y"])


SMALL = dict(outcome="y", unit="id", time="t", cohort="g")


def test_dynamic_window_ends_are_included(res):
    full = res.aggregate("dynamic")
    on_impact = res.aggregate("dynamic", max_e=0)
    assert list(on_impact.detail.index) == [-3, -2, -1, 0]
    assert on_impact.estimate == pytest.approx(full.detail.loc[0, "estimate"], rel=1e-12)
    assert on_impact.se == pytest.approx(full.detail.loc[0, "se"], rel=1e-12)
    lead = res.aggregate("dynamic", min_e=-1, max_e=1)
    assert list(lead.detail.index) == [-1, 0, 1]
    assert lead.estimate == pytest.approx(full.detail.loc[[0, 1], "estimate"].mean())
    assert lead.meta["options"] == dict(kind="dynamic", balance_e=None, min_e=-1, max_e=1)
    balanced = res.aggregate("dynamic", balance_e=0)
    assert balanced.meta["options"]["balance_e"] == 0
    assert res.aggregate("simple").meta["options"] == dict(kind="simple", balance_e=None,
                                                           min_e=-np.inf, max_e=np.inf)


def test_window_after_every_event_time_names_balance_e(res):
    """min_e = 5 with balance_e = 0 leaves nothing after treatment: the message repeats
    both options (the window check runs after the balance check)."""
    with pytest.raises(ParameterError, match=r"\(min_e=5, max_e=inf, balance_e=0\) leave no "
                                             r"event time after treatment"):
        res.aggregate("dynamic", min_e=5, balance_e=0)
    with pytest.raises(ParameterError, match=r"\(min_e=5, max_e=inf\) leave no event time"):
        res.aggregate("dynamic", min_e=5)


def test_calendar_ignores_a_window_before_treatment(res):
    """R's aggte ignores max_e for calendar: max_e = -1 (no post-treatment cell within it)
    still gives the full calendar aggregation instead of a refusal."""
    with pytest.warns(IgnoredOptionWarning, match="ignores max_e"):
        cal = res.aggregate("calendar", max_e=-1)
    full = res.aggregate("calendar")
    assert cal.estimate == full.estimate and cal.se == full.se
    pd.testing.assert_frame_equal(cal.detail, full.detail)


def test_max_e_before_the_only_event_time_zero():
    """One cohort treated in the last period: the only post-treatment event time is 0, so
    max_e = -1 is refused as a max_e problem (not as a panel without estimates)."""
    res = et.did.att_gt(small_panel(), **SMALL, min_cell=1)
    with pytest.raises(ParameterError, match=r"'max_e' parameter of aggregate \(-1\) leaves no "
                                             r"cell after treatment for kind='group' "
                                             r"\(estimated event times -1 to 0\)"):
        res.aggregate("group", max_e=-1)
    assert res.aggregate("group", max_e=0).estimate == res.aggregate("group").estimate
    calendar = res.aggregate("calendar")  # event time 0 only: still a calendar aggregate
    assert calendar.estimate == res.table.set_index("time").loc[3, "att"]


def test_error_lists_estimated_event_times_without_the_reference_cell():
    """Universal base with periods 2-4 and cohort 3: the reference cell (3,2) at event time
    -1 is not an estimate, so the estimated event times run from 0 to 1."""
    res = et.did.att_gt(small_panel(periods=(2, 3, 4)), **SMALL, base_period="universal",
                        min_cell=1)
    assert res.table.set_index("time").loc[2, "note"] == "reference period"
    with pytest.raises(ParameterError, match=r"estimated event times 0 to 1\)"):
        res.aggregate("simple", max_e=-1)
    dyn = res.aggregate("dynamic")  # the reference period enters at 0, as R's aggte
    assert list(dyn.detail.index) == [-1, 0, 1]
    assert dyn.detail.loc[-1, "estimate"] == 0


def test_anticipation_of_one_period_too_large():
    """Periods 1-3, every treated unit treated in period 2: with anticipation = 1 no cohort
    has a period before 2 - 1 = 1, which is a parameter problem (named as such)."""
    data = small_panel(cohorts=(2, 2, 2, 0, 0, 0))
    with pytest.raises(ParameterError, match="'anticipation' parameter of att_gt is too large: "
                                             "with anticipation=1"):
        et.did.att_gt(data, **SMALL, anticipation=1)
    ok = et.did.att_gt(data, **SMALL, min_cell=1)
    assert ok.table["group"].unique().tolist() == [2]


def test_cluster_column_checks_name_units_and_function(mpdta):
    missing = mpdta.assign(c=np.where(mpdta["countyreal"] == 8001, np.nan, 1.0))
    with pytest.raises(SchemaError, match=r"5 missing value\(s\), at countyreal \[8001"):
        et.did.att_gt(missing, **ARGS, cluster="c")
    lists = mpdta.assign(c=[[1]] * len(mpdta))
    with pytest.raises(SchemaError, match="Column 'c' of the data of att_gt holds values that "
                                          "cannot be grouped"):
        et.did.att_gt(lists, **ARGS, cluster="c")


def test_no_fit_message_lists_four_covariates(mpdta):
    """A covariate that marks the treated units separates them perfectly; the message
    names the first four of the five covariates and counts the rest."""
    rng = np.random.default_rng(1)
    units = mpdta["countyreal"].rank(method="dense").astype(int) - 1
    noise = {f"r{k}": rng.normal(size=500)[units] for k in range(1, 5)}
    marks = mpdta.assign(m=(mpdta["first.treat"] > 0) * 1.0, **noise)
    with pytest.raises(SchemaError, match=r"The covariates of att_gt \(\['m', 'r1', 'r2', "
                                          r"'r3' and 1 more\]\) separate group 2004.*or "
                                          r"collinear within groups, or coarsen them\."):
        et.did.att_gt(marks, **ARGS, covariates=["m", "r1", "r2", "r3", "r4"],
                      est_method="ipw")


def test_ties_in_the_propensity_are_overlap_not_separation():
    """A binary covariate with every treated unit at x = 1 and comparison units at both
    values: the largest comparison score equals the smallest treated one (a tie, not perfect
    separation), so IPW is estimated. Its weights put (almost) no mass on x = 0, so the
    estimate is the difference in mean changes among units with x = 1."""
    rng = np.random.default_rng(6)
    x = np.r_[np.ones(8), np.ones(6), np.zeros(6)]
    g = np.r_[np.full(8, 2), np.zeros(12)]
    dy = rng.normal(size=20) + 3 * x + (g > 0)
    data = pd.DataFrame({"id": np.repeat(np.arange(20), 2), "t": np.tile([1, 2], 20),
                         "g": np.repeat(g, 2), "x": np.repeat(x, 2),
                         "y": np.column_stack([np.zeros(20), dy]).ravel()})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = et.did.att_gt(data, **SMALL, covariates=["x"], est_method="ipw")
    want = dy[:8].mean() - dy[8:14].mean()
    assert res.table["att"].iloc[0] == pytest.approx(want, abs=1e-4)


def test_option_messages_name_the_parameter_and_function(mpdta, res):
    with pytest.raises(ParameterError, match="The 'control_group' parameter of att_gt"):
        et.did.att_gt(mpdta, **ARGS, control_group="never")
    with pytest.raises(ParameterError, match="The 'min_cell' parameter of att_gt"):
        et.did.att_gt(mpdta, **ARGS, min_cell=0)
    with pytest.raises(ParameterError, match="The 'kind' parameter of aggregate"):
        res.aggregate("event")


def test_covariate_names_as_index_or_array(mpdta):
    want = et.did.att_gt(mpdta, **ARGS, covariates=["lpop"], est_method="reg").table
    for given in (pd.Index(["lpop"]), np.array(["lpop"]), pd.Series(["lpop"])):
        got = et.did.att_gt(mpdta, **ARGS, covariates=given, est_method="reg").table
        pd.testing.assert_frame_equal(got, want)


def test_few_draws_warning_only_with_the_bootstrap(mpdta):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        et.did.att_gt(mpdta, **ARGS, n_boot=50)
    messages = [str(w.message) for w in seen]
    assert any("ignores n_boot=50" in m for m in messages)
    assert not any("so few draws" in m for m in messages)
    with pytest.warns(Warning, match="n_boot=99: so few draws"):
        et.did.att_gt(mpdta, **ARGS, bootstrap=True, n_boot=99, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        et.did.att_gt(mpdta, **ARGS, bootstrap=True, n_boot=100, random_state=1)


def test_size_limits_at_their_boundaries():
    from evaltools.did.options import check_boot_size, check_cell_size

    check_boot_size(2**31 // 8, 1, 10)  # exactly 2 GiB of draws
    with pytest.raises(ParameterError, match="too large for this panel"):
        check_boot_size(2**31 // 8 + 1, 1, 10)
    check_boot_size(10**5, 1, 10**5)  # exactly 10^10 multiplier weights
    with pytest.raises(ParameterError, match="multiplier weights"):
        check_boot_size(10**5, 1, 10**5 + 1)
    check_cell_size(6 * 2**30 // 8, 1)  # exactly 6 GiB of influence functions
    with pytest.raises(SchemaError, match="influence functions need"):
        check_cell_size(6 * 2**30 // 8 + 1, 1)


def test_window_of_one_event_time_and_no_warning_for_dynamic_options(res):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one = res.aggregate("dynamic", min_e=1, max_e=1)
        res.aggregate("dynamic", balance_e=1, min_e=-1, max_e=2)
    assert list(one.detail.index) == [1]
    assert one.estimate == pytest.approx(res.aggregate("dynamic").detail.loc[1, "estimate"])


def test_clusters_recoded_after_dropping_units(mpdta):
    """Counties of one cluster all treated in the first period are dropped (as R's did):
    the remaining clusters are renumbered, and the clustered SE is sqrt(sum_c S_c^2) / n
    over the 99 clusters left (R did's cluster sums)."""
    block = mpdta["countyreal"].rank(method="dense").astype(int).sub(1) // 5
    data = mpdta.assign(block=block)
    data.loc[data["block"] == 0, "first.treat"] = 2003
    with pytest.warns(Warning, match="Dropped 5 treated unit"):
        res = et.did.att_gt(data, **ARGS, cluster="block")
    assert "clustered (99 clusters)" in str(res)
    kept = data[data["block"] != 0].drop_duplicates("countyreal").sort_values("countyreal")
    inf = res.influence
    sums = pd.DataFrame(inf).groupby(kept["block"].to_numpy()).sum().to_numpy()
    np.testing.assert_allclose(res.table["se"], np.sqrt((sums**2).sum(axis=0)) / 495,
                               rtol=1e-12)
    with pytest.warns(Warning, match="Dropped 5 treated unit"):
        boot = et.did.att_gt(data, **ARGS, cluster="block", bootstrap=True, n_boot=200,
                             random_state=3, boot_weights="mammen")
    from evaltools.did.bootstrap import multiplier_weights

    v = multiplier_weights(np.random.default_rng(3), (200, 99), "mammen")
    np.testing.assert_allclose(boot.draws, v @ sums / 495, rtol=1e-10)


def test_base_period_and_random_state_checked_up_front(mpdta):
    with pytest.raises(ParameterError, match="The 'base_period' parameter of att_gt"):
        et.did.att_gt(mpdta, **ARGS, base_period="fixed")
    # An invalid seed is refused even without the bootstrap (before any work).
    with pytest.raises(ParameterError, match="'random_state' parameter of att_gt"):
        et.did.att_gt(mpdta, **ARGS, random_state=-1)
