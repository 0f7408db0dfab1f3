"""att_gt and its results answer wrong options clearly: column roles, bootstrap settings and
sizes, aggregation windows, plot arguments; and options that the others make meaningless
are ignored with a warning (as R's did's aggte does)."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import evaltools as et  # noqa: E402
from evaltools.did.options import IgnoredOptionWarning, check_boot_size  # noqa: E402
from evaltools.exceptions import ParameterError, SchemaError  # noqa: E402

ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")


def fit(data, **kwargs):
    return et.did.att_gt(data, **{**ARGS, **kwargs})


@pytest.mark.parametrize("role,value", [("outcome", None), ("cohort", ["first.treat"]),
                                        ("unit", 3.5), ("time", {"year": 1})])
def test_roles_must_be_one_column_name(mpdta, role, value):
    with pytest.raises(ParameterError, match=f"The '{role}' parameter of att_gt must be one "
                                             "column name"):
        fit(mpdta, **{role: value})


def test_two_roles_cannot_share_a_column(mpdta):
    with pytest.raises(ParameterError, match="The 'unit' and 'time' parameters of att_gt both "
                                             "name column 'year'"):
        fit(mpdta, unit="year")
    with pytest.raises(ParameterError, match="'outcome' and 'time' parameters"):
        fit(mpdta, outcome="year")


def test_bootstrap_settings_without_the_bootstrap_are_ignored_with_a_warning(mpdta, res):
    with pytest.warns(IgnoredOptionWarning, match=r"ignores n_boot=5000, boot_weights='mammen',"
                                                  r" random_state=3.*bootstrap=False"):
        ignored = fit(mpdta, n_boot=5000, boot_weights="mammen", random_state=3)
    pd.testing.assert_frame_equal(ignored.table, res.table)
    with warnings.catch_warnings():
        warnings.simplefilter("error", IgnoredOptionWarning)
        fit(mpdta, n_boot=999, boot_weights="rademacher")  # the defaults: nothing to say


@pytest.mark.parametrize("n_boot", [10**7, True, 99.5, "999", np.inf])
def test_n_boot_is_bounded(mpdta, n_boot):
    with pytest.raises(ParameterError, match=r"'n_boot' parameter of att_gt must be an int in "
                                             r"\[1, 1000000\]"):
        fit(mpdta, bootstrap=True, n_boot=n_boot)


def test_bootstrap_size_refused_with_the_figure():
    # 10^6 draws of 600 cells are 4.5 GiB of draws; 10^6 draws for 20,000 clusters are 2e10
    # multiplier weights.
    with pytest.raises(ParameterError, match=r"1,000,000 draws of 600 group-time cells need "
                                             r"4.5 GiB.*n_boot=447,392 or fewer"):
        check_boot_size(10**6, 600, 500)
    with pytest.raises(ParameterError, match=r"for 20,000 units or clusters are 2e\+10 "
                                             r"multiplier weights.*n_boot=500,000 or fewer"):
        check_boot_size(10**6, 10, 20_000)
    check_boot_size(999, 600, 20_000)


def test_random_state_seed_sequence_reproducible(mpdta):
    a = fit(mpdta, est_method="reg", bootstrap=True, n_boot=100,
            random_state=np.random.SeedSequence(4))
    b = fit(mpdta, est_method="reg", bootstrap=True, n_boot=100,
            random_state=np.random.SeedSequence(4))
    np.testing.assert_array_equal(a.table["se"], b.table["se"])
    with pytest.raises(ParameterError, match="'random_state' parameter of att_gt"):
        fit(mpdta, bootstrap=True, random_state=1.5)


def test_min_cell_that_leaves_no_cell_is_refused(mpdta):
    with pytest.raises(SchemaError, match=r"No group-time cell after treatment could be "
                                          r"estimated.*too few units.*lower min_cell \(now "
                                          r"1000\)"):
        fit(mpdta, est_method="reg", min_cell=1000)


def test_one_cluster_is_refused(mpdta):
    with pytest.raises(ParameterError, match="cluster' column 'c' of att_gt has 1 distinct"):
        fit(mpdta.assign(c=1), cluster="c")


def test_covariate_formula_naming_another_outcome_is_refused(mpdta):
    with pytest.raises(SchemaError, match="has 'lpop' on the left of '~', but the outcome is "
                                          "'lemp'"):
        fit(mpdta, covariates="lpop ~ treat")
    same = fit(mpdta, covariates="lemp ~ lpop", est_method="reg")
    other = fit(mpdta, covariates="~ lpop", est_method="reg")
    np.testing.assert_allclose(same.table["att"], other.table["att"])


@pytest.mark.parametrize("options,message", [
    (dict(balance_e=-2), r"'balance_e' parameter of aggregate must be an int in \[0, inf\)"),
    (dict(balance_e=1.5), "'balance_e' parameter"),
    (dict(balance_e="2"), "'balance_e' parameter"),
    (dict(min_e=np.nan), r"'min_e' parameter of aggregate must be a float"),
    (dict(max_e="3"), "'max_e' parameter"),
    (dict(max_e=None), "'max_e' parameter"),
    (dict(min_e=3, max_e=-3), r"'min_e' parameter of aggregate \(3\) is above 'max_e' \(-3\)"),
    (dict(min_e=50), r"leave no event time after treatment; the estimated event times run "
                     r"from -3 to 3"),
    (dict(balance_e=9), r"'balance_e' parameter of aggregate \(9\) keeps no group.*longest: 3"),
])
def test_dynamic_aggregation_options(res, options, message):
    with pytest.raises(ParameterError, match=message):
        res.aggregate("dynamic", **options)


def test_bootstrap_aggregation_refuses_negative_balance_e(mpdta):
    boot = fit(mpdta, est_method="reg", bootstrap=True, n_boot=100, random_state=1)
    with pytest.raises(ParameterError, match="'balance_e' parameter"):
        boot.aggregate("dynamic", balance_e=-1)


def test_simple_with_max_e_before_treatment_is_refused(res):
    with pytest.raises(ParameterError, match=r"'max_e' parameter of aggregate \(-1\) leaves no "
                                             r"cell after treatment for kind='simple'"):
        res.aggregate("simple", max_e=-1)


def test_event_time_options_the_kind_ignores_warn(res):
    with pytest.warns(IgnoredOptionWarning, match=r"kind='group'\) ignores balance_e, min_e"):
        res.aggregate("group", balance_e=1, min_e=-1)
    with pytest.warns(IgnoredOptionWarning, match=r"kind='simple'\) ignores min_e"):
        res.aggregate("simple", min_e=0)


def test_calendar_ignores_max_e_as_r_aggte(res):
    """R's did (compute.aggte.R, type "calendar"): min_e, max_e and balance_e are ignored with
    a warning, and the calendar estimate stays the published -0.0417 for mpdta (Callaway &
    Sant'Anna's did vignette, dr, never treated)."""
    with pytest.warns(IgnoredOptionWarning, match="ignores max_e"):
        windowed = res.aggregate("calendar", max_e=0)
    assert round(windowed.estimate, 4) == -0.0417
    pd.testing.assert_frame_equal(windowed.detail, res.aggregate("calendar").detail)


def test_max_e_still_limits_simple_and_group_as_r(res):
    """R's aggte keeps cells with g <= t <= g + max_e for "simple" and "group"; with max_e=0
    only the on-impact cells enter: hand-computed as their group-size-weighted mean."""
    t = res.table[(res.table["time"] == res.table["group"])]
    sizes = pd.Series(res.groups).value_counts()
    w = t["group"].map(sizes).to_numpy(float)
    expected = float(w @ t["att"].to_numpy() / w.sum())
    assert res.aggregate("simple", max_e=0).estimate == pytest.approx(expected, rel=1e-12)


def test_plots_check_their_arguments(res):
    with pytest.raises(ParameterError, match="'ax' parameter of ATTgtResult.plot must be a "
                                             "matplotlib Axes"):
        res.plot(ax="left")
    with pytest.raises(ParameterError, match="'ax' parameter of AggregateResult.plot"):
        res.aggregate("dynamic").plot(ax=3)
    with pytest.raises(ParameterError, match="nothing to plot for kind='simple'"):
        res.aggregate("simple").plot()
    with pytest.raises(ParameterError, match=r"keyword arguments \['colour'\] of "
                                             r"ATTgtResult.plot are passed to matplotlib's "
                                             r"scatter"):
        res.plot(colour="red")
    with pytest.raises(ParameterError, match=r"\['markersize'\] of AggregateResult.plot"):
        res.aggregate("group").plot(markersize="big")
    _, ax = plt.subplots()
    assert res.aggregate("group").plot(ax=ax, color="k") is ax
    plt.close("all")


def test_few_bootstrap_draws_warn(mpdta):
    with pytest.warns(et.exceptions.EvaltoolsWarning, match="n_boot=5: so few draws give "
                                                            "unstable standard errors"):
        fit(mpdta, est_method="reg", bootstrap=True, n_boot=5, random_state=1)


def test_role_columns_cannot_be_covariates(mpdta):
    with pytest.raises(SchemaError, match=r"covariates of att_gt include \['first.treat'\], "
                                          "given as the unit, time or cohort column"):
        fit(mpdta, covariates=["lpop", "first.treat"])
    with pytest.raises(SchemaError, match=r"include \['year'\]"):
        fit(mpdta, covariates=["year"])


@pytest.mark.parametrize("method,what", [
    ("ipw", "separate group 2004 from its comparison units perfectly"),
    ("dr_imp", "separate group 2004"),
    ("reg", "are collinear among these units")])
def test_covariate_that_marks_the_group_is_refused(mpdta, method, what):
    """A treated-group indicator as covariate: in each cell it is 1 for the group and 0 for
    every comparison unit, so the propensity separates them (and is constant among the
    comparison units, which makes their X'X singular)."""
    marked = mpdta.assign(ever=(mpdta["first.treat"] > 0).astype(float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", et.exceptions.ConvergenceWarning)
        with pytest.raises(SchemaError, match=rf"covariates of att_gt \(\['ever'\]\) {what}.*"
                                              r"ATT\(2004,2004\)"):
            fit(mpdta.assign(ever=marked["ever"]), covariates=["ever"], est_method=method)


def test_panel_too_large_for_its_influence_functions():
    from evaltools.did.options import check_cell_size

    # 200,000 units x 5,000 cells x 8 bytes = 7.5 GiB
    with pytest.raises(SchemaError, match=r"5,000 group-time cells for 200,000 units, whose "
                                          r"influence functions need 7.5 GiB"):
        check_cell_size(200_000, 5_000)
    check_cell_size(200_000, 500)
