"""estimate_att's inputs and options: which rows and columns enter, the boundaries of every
check (at, just below and just above), warnings that point at the caller's line, and the
default standard error each input gets (found by mutation testing, ``make mutation``).

Reference numbers are hand computations on the rows that should enter (complete rows,
positive weights), made with numpy.
"""

import os
import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import (
    DataWarning,
    EvaltoolsInputError,
    ExclusionWarning,
    ParameterError,
    SchemaError,
)

# mutmut calls every mutated function through a trampoline, which adds frames: warnings'
# stacklevels cannot be checked there.
UNDER_MUTMUT = "MUTANT_UNDER_TEST" in os.environ


@pytest.fixture(scope="module")
def df():
    rng = np.random.default_rng(8)
    n = 200
    d = pd.DataFrame({"x": rng.normal(size=n), "z": rng.binomial(1, 0.5, n),
                      "site": rng.integers(0, 25, n), "years": rng.uniform(0.5, 2, n)})
    d["treated"] = (rng.random(n) < 1 / (1 + np.exp(0.3 - d.x))).astype(int)
    d["y"] = d.x + d.treated + rng.normal(size=n)
    d["visits"] = rng.poisson(d.years * np.exp(0.3 * d.x))
    return d


@pytest.fixture(scope="module")
def matched(df):
    return et.match(df, "treated", ["x", "z"])


def strict(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func(*args, **kwargs)


def diff_means(d, outcome="y", w="weights"):
    t = d.treated == 1
    return (np.average(d[outcome][t], weights=d[w][t])
            - np.average(d[outcome][~t], weights=d[w][~t]))


# --- columns a result already knows ------------------------------------------------------

def test_a_result_s_own_column_names_given_again_are_not_warned_about(df, matched):
    strict(et.estimate_att, matched, "y", treatment="treated", weights="weights",
           cluster="subclass")
    strict(et.estimate_att, matched, "y", cluster=None)
    w = et.weighting.ipw(df, "treated", ["x", "z"])
    res = strict(et.estimate_att, w, "y", cluster="site", treatment="treated")
    assert res.se_type == "m-estimation"
    # The named cluster is used: clustered M-estimation differs from the unclustered one.
    assert res.se != pytest.approx(et.estimate_att(w, "y").se, rel=1e-3)


@pytest.mark.skipif(UNDER_MUTMUT, reason="mutmut adds stack frames")
def test_warnings_point_at_one_frame(df, matched):
    """Every warning of estimate_att names the same frame (its stacklevel). That frame is
    meant to be the caller's line; at present it is the line of the argument checker that
    wraps every public function (one frame short, for all warnings alike), so either is
    accepted here, but not a mixture."""
    cases = [
        lambda: et.estimate_att(matched, "y", treatment="z"),
        lambda: et.estimate_att(matched, "y", exposure="years"),
        lambda: et.estimate_att(matched, "y", covariates=["x"]),
        lambda: et.estimate_att(matched, "y", model="regression"),
        lambda: et.estimate_att(matched, "y", n_boot=100),
        lambda: et.estimate_att(matched, "y", model="regression", covariates="~ 1"),
        lambda: et.estimate_att(matched.matched_data.assign(y=1.0), "y"),
        lambda: et.estimate_att(matched.matched_data.assign(
            visits=lambda d: d.visits * d.treated), "visits", model="poisson"),
        lambda: et.estimate_att(matched.matched_data.assign(
            y=lambda d: d.y.where(d.index != d.index[0])), "y", missing="drop"),
        lambda: et.estimate_att(matched.matched_data.assign(subclass=np.arange(
            len(matched.matched_data)) % 4), "y"),
    ]
    files = set()
    for case in cases:
        with pytest.warns(Warning) as caught:
            case()
        files |= {w.filename for w in caught}
    assert files == {__file__}, files


# --- missing values ------------------------------------------------------------------------

def test_missing_drop_leaves_out_exactly_the_incomplete_rows(df):
    d = df.assign(weights=1.0)
    d.loc[[3, 10], "y"] = np.nan
    d.loc[17, "x"] = np.inf
    d.loc[25, "weights"] = np.nan
    with pytest.warns(ExclusionWarning, match=r"left out 4 row\(s\) with missing or infinite "
                                              r"values in \{'y': 2, 'weights': 1, 'x': 1\}"):
        res = et.estimate_att(d, "y", model="regression", covariates=["x"], missing="drop",
                              se="robust")
    complete = d.drop(index=[3, 10, 17, 25])
    plain = et.estimate_att(complete, "y", model="regression", covariates=["x"], se="robust")
    assert res.estimate == pytest.approx(plain.estimate, rel=1e-12)
    assert res.se == pytest.approx(plain.se, rel=1e-12)
    assert res.n_treated + res.n_control == 196
    flow = res.meta["flow"].set_index("step")["n"]
    assert flow["excluded: missing or infinite values"] == 4 and flow["rows supplied"] == 200
    with pytest.raises(SchemaError, match=r"missing or infinite values in \{'y': 2, "
                                          r"'weights': 1, 'x': 1\} \(4 row\(s\)"):
        et.estimate_att(d, "y", model="regression", covariates=["x"])
    # Only the columns used are checked: a missing value elsewhere is no reason to refuse.
    strict(et.estimate_att, complete.assign(other=np.nan), "y")


def test_missing_outcomes_with_ipw_keep_every_unit_in_the_weight_model(df):
    """The weights' model uses every unit; the outcome model only the observed ones (so
    the estimate is the weighted difference over observed rows, same weights)."""
    w = et.weighting.ipw(df, "treated", ["x", "z"])
    y = df.y.where(df.index % 9 != 0)
    w.data = df.assign(y=y)
    with pytest.warns(ExclusionWarning, match=r"left out 23 row"):
        res = et.estimate_att(w, "y", missing="drop")
    seen = w.weighted_data[y.notna()]
    assert res.estimate == pytest.approx(diff_means(seen), rel=1e-10)
    assert (res.n_treated, res.n_control) == ((seen.treated == 1).sum(),
                                              (seen.treated == 0).sum())
    assert res.se_type == "m-estimation"


# --- values ---------------------------------------------------------------------------------

def test_exposure_must_be_positive_at_the_boundary(df):
    d = df.assign(weights=1.0)
    tiny = d.assign(years=d.years.where(d.index != 0, 1e-12))
    strict(et.estimate_att, tiny, "visits", model="poisson", exposure="years")
    with pytest.raises(EvaltoolsInputError, match=r"Exposure column 'years' has 1 missing or "
                                                  r"non-positive value\(s\), e.g. at rows \[0\]"):
        et.estimate_att(d.assign(years=d.years.where(d.index != 0, 0.0)), "visits",
                        model="poisson", exposure="years")


def test_counts_must_not_be_negative_for_rate_models_only(df):
    d = df.assign(weights=1.0, visits=df.visits.where(df.index != 5, -1))
    for model in ("poisson", "negbin"):
        with pytest.raises(EvaltoolsInputError, match=rf"Outcome 'visits' has 1 negative "
                                                      rf"value\(s\), at row index \[5\]; "
                                                      rf"model='{model}' needs counts"):
            et.estimate_att(d, "visits", model=model)
    assert np.isfinite(et.estimate_att(d, "visits").estimate)
    zero = d.assign(visits=d.visits.clip(lower=0))  # zero counts are fine
    assert np.isfinite(et.estimate_att(zero, "visits", model="poisson").estimate)


def test_negative_weights_are_refused_zero_weights_are_not(df):
    d = df.assign(weights=1.0)
    with pytest.raises(EvaltoolsInputError, match=r"Column 'weights' has 2 negative weight\(s\), "
                                                  r"at row index \[1, 2\]"):
        et.estimate_att(d.assign(weights=np.where(d.index.isin([1, 2]), -0.5, 1.0)), "y")
    zero = d.assign(weights=np.where(d.index.isin([1, 2]), 0.0, 1.0))
    res = et.estimate_att(zero, "y", se="robust")
    assert res.estimate == pytest.approx(diff_means(zero.drop(index=[1, 2])), rel=1e-12)
    assert res.n_treated + res.n_control == 198


@pytest.mark.parametrize("group", [0, 1])
def test_one_unit_with_positive_weight_in_a_group(df, group):
    """One unit in a group (counting positive weights only) is warned about; two are not."""
    d = df.assign(weights=1.0)
    idx = d.index[d.treated == group]
    name = "treated" if group else "control"
    one = d.assign(weights=np.where(d.index.isin(idx[1:]), 0.0, 1.0))
    with pytest.warns(DataWarning, match=rf"estimate_att has only 1 {name} unit with a "
                                         r"positive weight"):
        et.estimate_att(one, "y", se="robust")
    two = d.assign(weights=np.where(d.index.isin(idx[2:]), 0.0, 1.0))
    res = strict(et.estimate_att, two, "y", se="robust")
    assert res.n_treated + res.n_control == (len(d) - len(idx) + 2)


def test_text_columns_are_refused(df):
    d = df.assign(weights=1.0)
    with pytest.raises(SchemaError, match=r"The weight column 'weights' must be numeric"):
        et.estimate_att(d.assign(weights="1"), "y")
    with pytest.raises(SchemaError, match=r"The weight column 'weights' must be numeric"):
        et.estimate_att(d.assign(weights=True), "y")
    with pytest.raises(SchemaError, match=r"The exposure column 'years' must be numeric"):
        et.estimate_att(d.assign(years="a"), "visits", model="poisson", exposure="years")
    with pytest.raises(SchemaError, match=r"Outcome 'label' must be numeric; it is \w+ with "
                                          r"values such as"):
        et.estimate_att(d.assign(label="a"), "label")


# --- roles -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("cluster", "role"), [("visits", "the outcome"), ("treated", "the treatment"),
                                               ("weights", "the weights"),
                                               ("years", "the exposure")])
def test_cluster_cannot_be_another_role(df, cluster, role):
    d = df.assign(weights=1.0)
    with pytest.raises(ParameterError, match=rf"'cluster' parameter of estimate_att names "
                                             rf"'{cluster}', which is {role} column"):
        et.estimate_att(d, "visits", model="poisson",
                        exposure="years", cluster=cluster)


def test_outcome_cannot_be_the_exposure(df):
    with pytest.raises(ParameterError, match=r"names 'years', which is the exposure column"):
        et.estimate_att(df.assign(weights=1.0), "years", model="poisson", exposure="years")


def test_cluster_column_with_missing_values(df):
    d = df.assign(weights=1.0, site=df.site.where(df.index > 2))
    with pytest.raises(SchemaError, match=r"Cluster column 'site' is empty for 3 rows, at row "
                                          r"index \[0, 1, 2\]"):
        et.estimate_att(d, "y", cluster="site")
    # With robust errors the cluster column is not needed, so not checked.
    assert et.estimate_att(d, "y", cluster="site", se="robust").se_type == "robust"


# --- defaults and the standard errors they choose --------------------------------------------

def test_default_standard_errors(df, matched):
    assert et.estimate_att(matched, "y").se_type == "cluster"
    assert et.estimate_att(df.assign(weights=1.0), "y").se_type == "robust"
    w = et.weighting.ipw(df, "treated", ["x", "z"])
    assert et.estimate_att(w, "visits", model="poisson").se_type == "m-estimation"
    # The negative binomial's dispersion is not in the stacked equations: robust instead.
    nb = et.estimate_att(w, "visits", model="negbin", exposure="years")
    assert nb.se_type == "robust"
    assert et.estimate_att(w, "visits", model="negbin", cluster="site").se_type == "cluster"
    with pytest.raises(ParameterError, match=r"se='m-estimation' of estimate_att needs estimated "
                                             r"weights with their model, but model='negbin'"):
        et.estimate_att(w, "visits", model="negbin", se="m-estimation")
    with pytest.raises(ParameterError, match=r"but the weights do not come from "
                                             r"et.weighting.ipw"):
        et.estimate_att(df.assign(weights=1.0), "y", se="m-estimation")


def test_cluster_se_needs_sets(df):
    d = df.assign(weights=1.0)
    with pytest.raises(EvaltoolsInputError, match=r"se='cluster' needs a matched-set column, "
                                                  r"but 'subclass' is not in the data"):
        et.estimate_att(d, "y", se="cluster")
    with_replacement = et.match(df, "treated", ["x", "z"], replace=True)
    assert with_replacement.matched_data["subclass"].isna().all()
    assert et.estimate_att(with_replacement, "y").se_type == "robust"
    with pytest.raises(EvaltoolsInputError, match=r"but 'subclass' is empty for \d+ rows "
                                                  r"\(matching with replacement"):
        et.estimate_att(with_replacement, "y", se="cluster")


@pytest.mark.parametrize(("n_sets", "outcome"), [(1, "error"), (2, "warn"), (9, "warn"),
                                                 (10, "quiet")])
def test_number_of_clusters_at_the_boundaries(df, n_sets, outcome):
    d = df.assign(weights=1.0, site=df.index % n_sets)
    if outcome == "error":
        with pytest.raises(EvaltoolsInputError, match=r"Cluster column 'site' has 1 distinct"):
            et.estimate_att(d, "y", cluster="site")
    elif outcome == "warn":
        with pytest.warns(DataWarning, match=rf"Cluster column 'site' has only {n_sets} distinct "
                                             r"values: clustered standard errors from fewer "
                                             r"than 10"):
            et.estimate_att(d, "y", cluster="site")
    else:
        assert strict(et.estimate_att, d, "y", cluster="site").se_type == "cluster"


def test_clusters_counted_after_zero_weight_rows_leave(df):
    """Sets whose rows all have weight 0 are not clusters: 10 sets, one all zero-weight,
    leaves 9 (warned)."""
    d = df.assign(weights=np.where(df.index % 10 == 9, 0.0, 1.0), site=df.index % 10)
    with pytest.warns(DataWarning, match=r"has only 9 distinct values"):
        et.estimate_att(d, "y", cluster="site")


@pytest.mark.parametrize(("n_boot", "ok"), [(9, False), (10, True), (10_000, True),
                                            (10_001, False)])
def test_n_boot_bounds(monkeypatch, n_boot, ok):
    import evaltools.effects_fit as fit

    d = pd.DataFrame({"treated": [1, 0] * 4, "y": np.arange(8.0), "weights": 1.0})
    if ok:  # stop before drawing: only the option check is under test
        monkeypatch.setattr(fit, "bootstrap_se", lambda *a, **k: 1.0)
        import evaltools.effects as eff

        monkeypatch.setattr(eff, "bootstrap_se", lambda *a, **k: 1.0)
        assert et.estimate_att(d, "y", se="bootstrap", n_boot=n_boot).se == 1.0
    else:
        with pytest.raises(ParameterError, match=r"'n_boot' parameter of estimate_att must be "
                                                 r"an int in \[10, "):
            et.estimate_att(d, "y", se="bootstrap", n_boot=n_boot)


def test_zero_group_warnings_for_rate_models(df):
    d = df.assign(weights=1.0)
    with pytest.warns(DataWarning, match=r"Outcome 'visits' is zero for every control row: the "
                                         r"rate ratio is unbounded"):
        et.estimate_att(d.assign(visits=d.visits * d.treated), "visits", model="poisson")
    # A difference in means is not a ratio: no warning.
    strict(et.estimate_att, d.assign(visits=d.visits * d.treated), "visits")


def test_wrong_option_types(df):
    d = df.assign(weights=1.0)
    with pytest.raises(ParameterError, match=r"'covariates' parameter of estimate_att must be a "
                                             r"list of column names or a formula string. Got a "
                                             r"dict"):
        et.estimate_att(d, "y", model="regression", covariates={"x": 1})
    with pytest.raises(ParameterError, match=r"'treatment' parameter of estimate_att must be a "
                                             r"column name \(str\). Got None"):
        et.estimate_att(d, "y", treatment=None)
    with pytest.raises(ParameterError, match=r"'missing' parameter of estimate_att"):
        et.estimate_att(d, "y", missing="ignore")
    with pytest.raises(ParameterError, match=r"'progress' parameter of estimate_att"):
        et.estimate_att(d, "y", progress="yes")
    with pytest.raises(ParameterError, match=r"'model' parameter of estimate_att"):
        et.estimate_att(d, "y", model="logit")


def test_text_covariates_with_missing_values():
    """A text covariate is expanded to indicators (as C(region) in a formula); a missing
    level is a missing value: refused, or its row dropped and counted. Hand WLS on the
    complete rows with the indicators is the reference."""
    rng = np.random.default_rng(1)
    n = 100
    d = pd.DataFrame({"treated": [1, 0] * 50, "x": rng.normal(size=n),
                      "region": rng.choice(["a", "b", "c"], n), "weights": 1.0})
    d["y"] = d.x + (d.region == "b") + rng.normal(size=n)
    d.loc[3, "region"] = None
    with pytest.raises(SchemaError, match=r"missing or infinite values in \{'region': 1\} "
                                          r"\(1 row\(s\), at row index \[3\]\)"):
        et.estimate_att(d, "y", model="regression", covariates=["x", "region"])
    with pytest.warns(ExclusionWarning, match=r"left out 1 row\(s\)"):
        res = et.estimate_att(d, "y", model="regression", covariates=["x", "region"],
                              missing="drop", se="robust")
    c = d.drop(index=3)
    z = np.column_stack([np.ones(99), c.treated, c.x, c.region == "b", c.region == "c"])
    beta = np.linalg.lstsq(z.astype(float), c.y.to_numpy(), rcond=None)[0]
    assert res.estimate == pytest.approx(beta[1], rel=1e-9)
    assert res.n_treated + res.n_control == 99


def test_repeated_index_labels_are_refused(df):
    with pytest.raises(SchemaError, match=r"The index of the data table repeats"):
        et.estimate_att(df.assign(weights=1.0).set_axis([0] * len(df)), "y")


@pytest.mark.parametrize(("se", "words"), [
    ("cluster", "clustered on matched sets (sandwich::vcovCL, as MatchIt's vignettes)"),
    ("robust", "heteroskedasticity-robust, weights treated as known (HC1 for linear, HC0 for "
               "count models)"),
    ("m-estimation", "robust, adjusted for estimation of the weights (M-estimation: WeightIt's "
                     "vcov = 'asympt', HC0)"),
    ("bootstrap", "bootstrap (matched sets or units resampled; IPW and entropy-balancing "
                  "weights re-estimated in each draw)")])
def test_notes_say_which_standard_errors(df, se, words):
    w = et.weighting.ipw(df.assign(subclass=df.site), "treated", ["x", "z"])
    kwargs = dict(n_boot=10, random_state=1, progress=False) if se == "bootstrap" else {}
    res = et.estimate_att(w, "y", se=se, cluster="subclass", **kwargs)
    notes = res._notes()
    assert notes[0] == f"Model: difference; standard errors: {words}."
    assert notes[-1].startswith("Assumes no unmeasured confounding given the matching or "
                                "weighting covariates")


def test_all_zero_counts_warn_only_that_the_outcome_is_constant(df):
    """(No events at all: the model itself cannot be fitted, which is said too.)"""
    d = df.assign(weights=1.0, visits=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(EvaltoolsInputError, match=r"could not be fitted"):
            et.estimate_att(d, "visits", model="poisson")
    messages = [str(w.message) for w in caught if issubclass(w.category, DataWarning)]
    assert messages and all("for every analysed row" in m for m in messages), messages


def test_confounding_note_and_dropped_covariate_note(df):
    d = df.assign(weights=1.0, copy=df.treated * 2.0)
    with pytest.warns(DataWarning):
        res = et.estimate_att(d, "y", model="regression", covariates=["x", "copy"])
    notes = res._notes()
    assert notes[-1] == ("Assumes no unmeasured confounding given the matching or weighting "
                         "covariates (see et.sensitivity for how strong a confounder would "
                         "have to be).")
    assert notes[1].startswith("Dropped adjustment covariate(s) with no information of their "
                               "own: copy (")
    assert res.notes == notes[1:2]


def test_a_missing_cluster_column_says_how_to_do_without(df):
    with pytest.raises(SchemaError, match=r"with cluster=, or pass cluster=None\."):
        et.estimate_att(df.assign(weights=1.0), "y", cluster="practice")


def test_the_bootstrap_time_check_comes_after_ten_draws(monkeypatch):
    """With eleven draws the projection is made (after the tenth) and can stop the run."""
    import evaltools.effects_fit as fit

    monkeypatch.setattr(fit, "MAX_BOOT_SECONDS", 1e-9)
    d = pd.DataFrame({"treated": [1, 0] * 10, "y": np.arange(20.0), "weights": 1.0})
    with pytest.raises(ParameterError, match=r"asks for 11 draws"):
        et.estimate_att(d, "y", se="bootstrap", n_boot=11, progress=False)
    # Ten draws end before any projection.
    assert et.estimate_att(d, "y", se="bootstrap", n_boot=10, progress=False,
                           random_state=0).se > 0


@pytest.mark.parametrize("message", ["IRLS did not converge in 100 iterations",
                                     "Perfect separation or prediction detected"])
def test_fitting_trouble_reported_by_statsmodels_is_passed_on(df, monkeypatch, message):
    """statsmodels' own warnings of non-convergence or separation become one
    ConvergenceWarning naming the model (the fit is simulated to warn)."""
    import evaltools.effects_fit as fit

    real = fit._fit_arrays

    def warns(*args, **kwargs):
        warnings.warn(message, RuntimeWarning, stacklevel=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(fit, "_fit_arrays", warns)
    with pytest.warns(et.exceptions.ConvergenceWarning, match=r"The poisson outcome model of "
                                                              r"estimate_att did not converge "
                                                              r"cleanly"):
        et.estimate_att(df.assign(weights=1.0), "visits", model="poisson")
    monkeypatch.setattr(fit, "_fit_arrays", real)
    strict(et.estimate_att, df.assign(weights=1.0), "visits", model="poisson")


def test_formula_errors_name_estimate_att(df):
    with pytest.raises(ParameterError, match=r"formula term .nosuch. of estimate_att"):
        et.estimate_att(df.assign(weights=1.0), "y", model="regression",
                        covariates="~ x + nosuch")


def test_dropped_covariates_are_called_adjustment_covariates(df):
    d = df.assign(weights=1.0, copy=df.treated * 2.0)
    with pytest.warns(DataWarning, match=r"Dropped 1 adjustment covariate\(s\) that carry no "
                                         r"information"):
        et.estimate_att(d, "y", model="regression", covariates=["x", "copy"])


def test_cluster_se_after_matching_with_replacement_names_the_sets_column(df):
    """A MatchResult's sets are its 'subclass' column, whatever cluster= says (ignored)."""
    m = et.match(df, "treated", ["x", "z"], replace=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        with pytest.raises(EvaltoolsInputError, match=r"but 'subclass' is empty for"):
            et.estimate_att(m, "y", se="cluster", cluster="site")


def test_a_weight_result_s_own_columns(df):
    w = et.weighting.ipw(df, "treated", ["x", "z"])
    with pytest.warns(DataWarning, match=r"'treatment' parameter of estimate_att is ignored: a "
                                         r"WeightResult knows its own treatment column"):
        et.estimate_att(w, "y", treatment="z")


def test_tiny_group_counts_observed_outcomes_only(df):
    """With IPW every unit stays for the weight model, but only observed outcomes count
    towards a group's size: one treated outcome observed is one treated unit."""
    w = et.weighting.ipw(df, "treated", ["x", "z"])
    first = df.index[df.treated == 1][0]
    w.data = df.assign(y=df.y.where((df.treated == 0) | (df.index == first)))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        et.estimate_att(w, "y", missing="drop")
    assert any("only 1 treated unit with a positive weight" in str(c.message) for c in caught)


def test_a_formula_s_left_hand_side_is_the_treatment(df):
    """'arm ~ x' names the treatment column of a DataFrame (hand WLS on arm and x)."""
    d = df.rename(columns={"treated": "arm"}).assign(weights=1.0)
    res = et.estimate_att(d, "y", model="regression", covariates="arm ~ x", se="robust")
    z = np.column_stack([np.ones(len(d)), d.arm, d.x])
    beta = np.linalg.lstsq(z.astype(float), d.y.to_numpy(), rcond=None)[0]
    assert res.treatment == "arm" and res.estimate == pytest.approx(beta[1], rel=1e-10)
    with pytest.raises(ParameterError, match=r"The formula 'arm ~ x' of estimate_att names 'arm' "
                                             r"as the treatment"):
        et.estimate_att(d.assign(z2=d.z), "y", model="regression", covariates="arm ~ x",
                        treatment="z2")


def test_a_missing_exposure_column_is_named(df):
    with pytest.raises(SchemaError, match=r"no column \['person_years'\]"):
        et.estimate_att(df.assign(weights=1.0), "visits", model="poisson",
                        exposure="person_years")


def test_huge_values_and_repeated_columns_name_the_data_table(df):
    d = df.assign(weights=1.0)
    with pytest.raises(SchemaError, match=r"Column 'y' of the data table has 1 value\(s\) larger "
                                          r"than 1e\+150"):
        et.estimate_att(d.assign(y=np.where(d.index == 4, 1e200, d.y)), "y")
    et.estimate_att(d.assign(y=np.where(d.index == 4, 1e150, d.y)), "y")  # at the limit
    with pytest.raises(SchemaError, match=r"The data table has 1 duplicate column name"):
        et.estimate_att(pd.concat([d, d[["y"]]], axis=1), "y")


def test_design_and_draw_helpers():
    """effects_fit.design names estimate_att in a formula error; a bootstrap draw counts a
    group only through units with positive weight."""
    from evaltools.effects_fit import _both_groups, design

    d = pd.DataFrame({"t": [0, 1, 0, 1], "age": [60.0, 70, 65, 80]})
    with pytest.raises(ParameterError, match=r"of estimate_att"):
        design(d, "t", "~ age + nosuch")
    assert _both_groups(np.array([1, 0, 0]), np.array([1.0, 2.0, 0.0]))
    assert not _both_groups(np.array([1, 0, 0]), np.array([0.0, 2.0, 1.0]))
    assert not _both_groups(np.array([1, 1, 0]), np.array([1.0, 2.0, 0.0]))
