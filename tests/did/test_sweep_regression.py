"""did_2x2, twfe, event_study, bacon_decomposition and matched_did answer wrong options
clearly: column roles, covariates that repeat the outcome, plot arguments, matched tables
whose ids cannot meet the panel, and weights that leave a group empty."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import evaltools as et  # noqa: E402
from evaltools.exceptions import ParameterError, SchemaError  # noqa: E402


@pytest.fixture(scope="module")
def panel():
    data, _ = et.datasets.area_rollout(n_areas=40, random_state=3)
    return data.assign(ever=lambda d: (d["first_year"] > 0).astype(int),
                       post=lambda d: (d["year"] >= d["year"].median()).astype(int),
                       x=np.random.default_rng(0).normal(size=len(data)))


TW = dict(outcome="rate_per_1000", unit="area", time="year", treatment="treated")
ES = dict(outcome="rate_per_1000", unit="area", time="year", cohort="first_year")
TWO = dict(outcome="rate_per_1000", treatment="ever", post="post", unit="area")


@pytest.mark.parametrize("func,kwargs,role", [
    (et.did.did_2x2, TWO, "outcome"), (et.did.twfe, TW, "treatment"),
    (et.did.event_study, ES, "cohort"), (et.did.bacon_decomposition, TW, "unit")])
def test_roles_must_be_column_names(panel, func, kwargs, role):
    with pytest.raises(ParameterError, match=f"'{role}' parameter of {func.__name__} must be "
                                             "one column name"):
        func(panel, **{**kwargs, role: None})
    with pytest.raises(ParameterError, match=f"'{role}' parameter of {func.__name__}"):
        func(panel, **{**kwargs, role: [kwargs[role]]})


def test_roles_cannot_share_a_column(panel):
    with pytest.raises(ParameterError, match="'unit' and 'time' parameters of twfe both name "
                                             "column 'year'"):
        et.did.twfe(panel, **{**TW, "unit": "year"})
    with pytest.raises(ParameterError, match="'outcome' and 'treatment' parameters of "
                                             "bacon_decomposition"):
        et.did.bacon_decomposition(panel, **{**TW, "outcome": "treated"})
    with pytest.raises(ParameterError, match="'outcome' and 'exposure' parameters of did_2x2"):
        et.did.did_2x2(panel, **{**TWO, "outcome": "bed_days"}, family="poisson",
                       exposure="bed_days")
    # cluster may repeat the unit: clustering on units is the default anyway
    a = et.did.twfe(panel, **TW, cluster="area")
    assert a.se == pytest.approx(et.did.twfe(panel, **TW).se)


def test_twfe_cluster_must_be_one_name(panel):
    with pytest.raises(ParameterError, match="'cluster' parameter of twfe must be one column"):
        et.did.twfe(panel, **TW, cluster=["area"])


def test_covariates_cannot_include_the_outcome(panel):
    with pytest.raises(SchemaError, match="covariates of did_2x2 include the outcome "
                                          "'rate_per_1000'"):
        et.did.did_2x2(panel, **TWO, covariates=["x", "rate_per_1000"])
    with pytest.raises(SchemaError, match="covariates of event_study include the outcome"):
        et.did.event_study(panel, **ES, covariates="~ rate_per_1000")


def test_result_plots_check_ax_and_keywords(panel):
    es = et.did.event_study(panel, **ES, window=(-3, 3))
    bacon = et.did.bacon_decomposition(panel, **TW)
    with pytest.raises(ParameterError, match="'ax' parameter of EventStudyResult.plot"):
        es.plot(ax="a")
    with pytest.raises(ParameterError, match="'ax' parameter of BaconResult.plot"):
        bacon.plot(ax=1)
    with pytest.raises(ParameterError, match=r"\['colour'\] of EventStudyResult.plot are "
                                             "passed to matplotlib's errorbar"):
        es.plot(colour="k")
    with pytest.raises(ParameterError, match=r"\['size'\] of BaconResult.plot"):
        bacon.plot(size=3)
    _, ax = plt.subplots()
    assert es.plot(ax=ax, color="k") is ax
    plt.close("all")


def _matched():
    rng = np.random.default_rng(2)
    ids, k = np.arange(40), np.arange(-3, 3)
    long = pd.DataFrame({"match_id": np.repeat(ids, len(k)), "rel_period": np.tile(k, 40),
                         "y": rng.poisson(1, 40 * len(k)).astype(float), "exposure": 1.0})
    table = pd.DataFrame({"match_id": ids, "treated": ids % 2, "subclass": ids // 2,
                          "weights": 1.0})
    return long, table


def mdid(long, table, **kwargs):
    return et.did.matched_did(long, table, outcome="y", pre=(-3, 0), post=(0, 3), **kwargs)


def test_matched_ids_of_another_dtype_are_refused():
    long, table = _matched()
    with pytest.raises(SchemaError, match=r"'match_id' column is int64 in the panel but "
                                          r"(object|str) in the matched table"):
        mdid(long, table.assign(match_id=table["match_id"].astype(str)))


def test_matched_ids_absent_from_the_panel_are_refused():
    long, table = _matched()
    with pytest.raises(SchemaError, match="None of the 40 'match_id' ids of the matched table "
                                          "of matched_did appears in the panel"):
        mdid(long, table.assign(match_id=table["match_id"] + 1000))


def test_matched_windows_message_names_the_windows_and_exposure():
    long, table = _matched()
    with pytest.raises(SchemaError, match=r"No treated unit of matched_did has rows in both "
                                          r"the pre window \[-3, 0\] and the post window "
                                          r"\[0, 3\] of 'rel_period' \(the panel has -3 to 2\) "
                                          r"with person-time > 0 in 'exposure'"):
        with pytest.warns(et.exceptions.ExclusionWarning):
            mdid(long.assign(exposure=0.0), table)


def test_matched_group_with_zero_weight_is_refused():
    long, table = _matched()
    zero = table.assign(weights=np.where(table["treated"] == 1, 1.0, 0.0))
    with pytest.raises(SchemaError, match="Every control unit of matched_did in the analysis "
                                          "has weight 0 in 'weights'"):
        mdid(long, zero)


def test_matched_roles_and_frames():
    long, table = _matched()
    with pytest.raises(SchemaError, match="The matched table must be a pandas DataFrame"):
        mdid(long, None)
    with pytest.raises(ParameterError, match="'unit' and 'time' parameters of matched_did"):
        mdid(long, table, unit="rel_period")
    with pytest.raises(ParameterError, match="'outcome' parameter of matched_did must be one"):
        et.did.matched_did(long, table, outcome=None, pre=(-3, 0), post=(0, 3))
    # with rates=False the exposure column is not used, so its name is not checked
    assert np.isfinite(mdid(long, table, rates=False, exposure=None).estimate)


def test_matched_exposure_without_rates_is_ignored_with_a_warning():
    long, table = _matched()
    with pytest.warns(et.did.options.IgnoredOptionWarning, match="ignores exposure='py' with "
                                                                 "rates=False"):
        est = mdid(long.assign(py=1.0), table, rates=False, exposure="py").estimate
    assert est == mdid(long, table, rates=False).estimate


def test_event_study_window_of_bools_is_refused(panel):
    with pytest.raises(ParameterError, match="'window' parameter of event_study"):
        et.did.event_study(panel, **ES, window=(-3, True))


def test_missing_columns_name_the_parameter(panel):
    with pytest.raises(SchemaError, match=r"The data table has no column \['areaa'\] \(the "
                                          r"'unit' parameter of twfe\).*Fix: pass the column "
                                          "names of your data to twfe"):
        et.did.twfe(panel, **{**TW, "unit": "areaa"})
    with pytest.raises(SchemaError, match=r"no column \['grp'\] \(the 'cluster' parameter of "
                                          "event_study"):
        et.did.event_study(panel, **ES, cluster="grp")
    long, table = _matched()
    with pytest.raises(SchemaError, match=r"The matched table has no column \['set'\] \(the "
                                          "'subclass' parameter of matched_did"):
        mdid(long, table, subclass="set")


def test_reference_after_treatment_warns(panel):
    with pytest.warns(et.exceptions.EvaltoolsWarning, match="ref_period=0: the reference is a "
                                                            "treated period"):
        res = et.did.event_study(panel, **ES, ref_period=0, window=(-3, 3))
    assert 0 not in res.table.index and -1 in res.table.index


def test_covariates_given_as_a_bare_name(panel):
    with pytest.raises(ParameterError, match=r"'covariates' parameter of did_2x2 must be a list "
                                             r"of column names or a formula with '~'. Got 'x' "
                                             r"instead. Fix: covariates=\['x'\]"):
        et.did.did_2x2(panel, **TWO, covariates="x")
    with pytest.raises(ParameterError, match="'covariates' parameter of att_gt"):
        et.did.att_gt(panel, outcome="rate_per_1000", unit="area", time="year",
                      cohort="first_year", covariates="x")


@pytest.mark.parametrize("func,kwargs", [
    (et.did.did_2x2, TWO), (et.did.twfe, TW), (et.did.event_study, ES),
    (et.did.bacon_decomposition, TW),
    (et.did.att_gt, dict(outcome="rate_per_1000", unit="area", time="year",
                         cohort="first_year"))])
def test_constant_outcome_is_refused(panel, func, kwargs):
    with pytest.raises(SchemaError, match=r"outcome column 'rate_per_1000' of the data table "
                                          rf"of {func.__name__} is 7 in all 400 rows"):
        func(panel.assign(rate_per_1000=7.0), **kwargs)


def test_constant_counts_over_unequal_person_time_are_rates_that_vary():
    long, table = _matched()
    with pytest.raises(SchemaError, match="'y' of the panel table of matched_did is 0 in all"):
        mdid(long.assign(y=0.0), table)
    with pytest.raises(SchemaError, match="is 2 in all 240 rows"):
        mdid(long.assign(y=2.0), table, rates=False)
    varying = long.assign(y=2.0, exposure=np.where(long["match_id"] % 3 == 0, 0.5, 1.0))
    assert np.isfinite(mdid(varying, table).estimate)


@pytest.mark.parametrize("func,kwargs", [
    (et.did.twfe, TW), (et.did.event_study, ES), (et.did.bacon_decomposition, TW)])
def test_infinite_period_is_refused(panel, func, kwargs):
    bad = panel.assign(year=np.where(panel.index == 5, np.inf, panel["year"]))
    with pytest.raises(SchemaError, match=r"Column 'year' of the data table has 0 missing and 1 "
                                          r"infinite value\(s\), at area \['A001'\]"):
        func(bad, **kwargs)


def test_bacon_accepts_treatment_stored_as_categories(panel):
    cats = panel.assign(treated=panel["treated"].astype("category"))
    a = et.did.bacon_decomposition(cats, **TW)
    b = et.did.bacon_decomposition(panel, **TW)
    assert a.twfe_estimate == pytest.approx(b.twfe_estimate, rel=1e-12)


def test_poisson_that_cannot_be_fitted_names_the_columns(panel):
    huge = panel.assign(bed_days=np.where(panel.index == 3, 1e300, panel["bed_days"]),
                        py=1.0)
    with pytest.raises(SchemaError, match="The Poisson model of did_2x2 could not be fitted.*"
                                          "outcome 'bed_days'.*exposure 'py'"):
        et.did.did_2x2(huge, **{**TWO, "outcome": "bed_days"}, family="poisson", exposure="py")


def test_cohorts_after_every_period(panel):
    with pytest.raises(SchemaError, match="No treated unit in event_study is observed after its "
                                          "treatment starts"):
        et.did.event_study(panel.assign(year=-panel["year"]), **ES)


def test_event_study_outcome_too_large_for_the_lead_test(panel):
    huge = panel.assign(rate_per_1000=np.where(panel.index == 3, 1e300,
                                               panel["rate_per_1000"]))
    with pytest.raises(SchemaError, match="outcome column 'rate_per_1000' of the data table of "
                                          "event_study has 1 value.*beyond 1e.100"):
        et.did.event_study(huge, **ES)
