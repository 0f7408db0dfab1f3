"""did_2x2, twfe and fit_panel: cases built so that a one-line bug changes a number or a
message (found by mutation testing, ``make mutation``).

Independent computations: cluster-robust standard errors from statsmodels' sandwich on
the full dummy regression (HC0 form, ``use_correction=False``) times the documented
small-sample factor, hand-computed cell means, and R's conventions as stated in the
docstrings (G/(G-1) for clusters; fixest's K = regressors other than the fixed effects).
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf

import evaltools as et
from evaltools.did.regression import fit_panel
from evaltools.exceptions import DataWarning, EvaltoolsWarning, ParameterError, SchemaError


@pytest.fixture(scope="module")
def panel():
    """Eight units over six periods, cohorts 3 and 5 and never treated, areas of 2 units."""
    rng = np.random.default_rng(11)
    d = pd.DataFrame([(u, t) for u in range(1, 9) for t in range(1, 7)], columns=["u", "t"])
    d["cohort"] = d.u.map({1: 3, 2: 3, 3: 3, 4: 5, 5: 5, 6: 0, 7: 0, 8: 0})
    d["d"] = ((d.cohort > 0) & (d.t >= d.cohort)).astype(int)
    d["group"] = (d.cohort > 0).astype(int)
    d["post"] = (d.t >= 4).astype(int)
    d["area"] = (d.u + 1) // 2
    d["x"] = rng.normal(size=len(d))
    d["y"] = d.u + 0.4 * d.t - 1.5 * d.d + d.x + rng.normal(size=len(d))
    d["n"] = rng.poisson(6, len(d)) + 1
    d["years"] = rng.uniform(0.5, 2, len(d))
    return d


def no_warnings(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return func(*args, **kwargs)


def cluster_se(fit, term, groups):
    """statsmodels' cluster sandwich without its correction, times G/(G-1)."""
    g = pd.factorize(groups)[0]
    hc0 = fit.model.fit(cov_type="cluster", cov_kwds={"groups": g, "use_correction": False})
    n_groups = len(np.unique(g))
    return float(np.sqrt(hc0.cov_params().loc[term, term] * n_groups / (n_groups - 1)))


# --- did_2x2 ----------------------------------------------------------------------------

def test_2x2_cluster_se_and_result_fields(panel):
    res = no_warnings(et.did.did_2x2, panel, outcome="y", treatment="group", post="post",
                      unit="u")
    ols = smf.ols("y ~ group * post", panel).fit()
    n, k = len(panel), 4
    se = cluster_se(ols, "group:post", panel.u) * np.sqrt((n - 1) / (n - k))
    assert res.estimate == pytest.approx(ols.params["group:post"], rel=1e-10)
    assert res.se == pytest.approx(se, rel=1e-8)
    assert (res.n_obs, res.term, res.scale, res.log_se, res.df) == (
        48, "group:post", "difference", None, None)
    assert res.notes == []
    assert res.meta["options"] == dict(outcome="y", treatment="group", post="post",
                                       family="gaussian", cluster="u", covariates=None,
                                       exposure=None)
    e = res._estimates()
    assert list(e.columns) == ["term", "estimate", "std_error", "n", "log_se", "df"]
    assert e.n.iloc[0] == 48 and np.isnan(e.log_se.iloc[0]) and np.isinf(e.df.iloc[0])
    assert res.tidy().n.iloc[0] == 48


def test_2x2_cluster_option_and_hc1_without_unit(panel):
    """cluster= wins over unit; with neither, HC1 (n/(n-k) times HC0)."""
    ols = smf.ols("y ~ group * post", panel).fit()
    n, k = len(panel), 4
    by_area = et.did.did_2x2(panel, outcome="y", treatment="group", post="post", unit="u",
                             cluster="area")
    assert by_area.se == pytest.approx(
        cluster_se(ols, "group:post", panel.area) * np.sqrt((n - 1) / (n - k)), rel=1e-8)
    assert by_area.meta["options"]["cluster"] == "area"
    # A cluster without a unit column: clusters are not checked against units.
    no_unit = et.did.did_2x2(panel, outcome="y", treatment="group", post="post",
                             cluster="area")
    assert no_unit.se == pytest.approx(by_area.se, rel=1e-12)
    hc1 = et.did.did_2x2(panel, outcome="y", treatment="group", post="post")
    hc0 = ols.model.fit(cov_type="HC0").bse["group:post"]
    assert hc1.se == pytest.approx(hc0 * np.sqrt(n / (n - k)), rel=1e-8)
    assert hc1.meta["options"]["cluster"] is None


def test_2x2_poisson_result_fields_and_offset(panel):
    res = et.did.did_2x2(panel, outcome="n", treatment="group", post="post", unit="u",
                         family="poisson", exposure="years")
    glm = smf.glm("n ~ group * post", panel, family=sm.families.Poisson(),
                  offset=np.log(panel.years)).fit()
    b = glm.params["group:post"]
    se = cluster_se(glm, "group:post", panel.u) * np.sqrt((48 - 1) / (48 - 4))
    assert res.estimate == pytest.approx(np.exp(b), rel=1e-8)
    assert res.log_se == pytest.approx(se, rel=1e-6)
    assert res.se == pytest.approx(np.exp(b) * se, rel=1e-6)
    assert (res.n_obs, res.term, res.notes) == (48, "group:post", [])
    assert res.meta["options"]["exposure"] == "years"
    assert res.meta["options"]["family"] == "poisson"
    # Without exposure there is no offset: the same as exposure 1 for everyone.
    plain = et.did.did_2x2(panel, outcome="n", treatment="group", post="post", unit="u",
                           family="poisson")
    ones = et.did.did_2x2(panel.assign(one=1.0), outcome="n", treatment="group",
                          post="post", unit="u", family="poisson", exposure="one")
    assert plain.estimate == pytest.approx(ones.estimate, rel=1e-10)
    assert plain.estimate != pytest.approx(res.estimate, rel=1e-3)


def test_2x2_covariates_on_a_shifted_index(panel):
    """The design keeps the data's index, so covariates line up with their rows."""
    shifted = panel.set_axis(np.arange(100, 100 + len(panel))[::-1])
    res = et.did.did_2x2(shifted, outcome="y", treatment="group", post="post", unit="u",
                         covariates=["x"])
    ols = smf.ols("y ~ group * post + x", panel).fit()
    assert res.estimate == pytest.approx(ols.params["group:post"], rel=1e-10)
    assert res.meta["options"]["covariates"] == ["x"]


def test_2x2_collinear_covariate_warns_once(panel):
    with pytest.warns(DataWarning) as record:
        res = et.did.did_2x2(panel.assign(z=panel.group * panel.post), outcome="y",
                             treatment="group", post="post", unit="u", covariates=["z"])
    assert len(record) == 1
    assert "did_2x2 left out 1 covariate" in str(record[0].message)
    assert res.notes == ["Covariates left out (z: collinear with group:post)."]


def test_2x2_two_dropped_covariates_are_listed(panel):
    with pytest.warns(DataWarning, match=r"k: constant \(1\); z: collinear with group:post"):
        et.did.did_2x2(panel.assign(k=1.0, z=panel.group * panel.post), outcome="y",
                       treatment="group", post="post", unit="u", covariates=["k", "z"])


def test_2x2_gaussian_without_exposure_does_not_warn(panel):
    no_warnings(et.did.did_2x2, panel, outcome="y", treatment="group", post="post")


@pytest.mark.parametrize("drop, message", [
    ([(0, 0)], "no comparison rows in the pre-period"),
    ([(1, 1)], "no treated rows in the post-period"),
    ([(0, 0), (1, 1)], "no comparison rows in the pre-period, treated rows in the "
                       "post-period"),
])
def test_2x2_empty_cells_are_named(panel, drop, message):
    keep = ~pd.Series(False, index=panel.index)
    for g, p in drop:
        keep &= ~((panel.group == g) & (panel.post == p))
    with pytest.raises(SchemaError, match=f"not identified in did_2x2: there are {message}"):
        et.did.did_2x2(panel[keep], outcome="y", treatment="group", post="post")


def test_2x2_messages_name_the_function(panel):
    with pytest.raises(SchemaError, match="The data of did_2x2 has no rows"):
        et.did.did_2x2(panel.iloc[:0], outcome="y", treatment="group", post="post")
    with pytest.raises(SchemaError, match="treatment column 'group' of did_2x2 is 1 in all "
                                          "1 rows"):
        et.did.did_2x2(panel.iloc[[20]], outcome="y", treatment="group", post="post")
    with pytest.raises(SchemaError, match="post column 'post' of did_2x2 is 0"):
        et.did.did_2x2(panel[panel.post == 0], outcome="y", treatment="group", post="post")
    with pytest.raises(ParameterError, match="'cluster' column 'area' of did_2x2"):
        et.did.did_2x2(panel.assign(area=1), outcome="y", treatment="group", post="post",
                       cluster="area")
    with pytest.raises(SchemaError, match="data of did_2x2 has 1 duplicate row"):
        et.did.did_2x2(pd.concat([panel, panel.iloc[[0]]]), outcome="y", treatment="group",
                       post="post", unit="u")
    # Units are listed in the order they appear (here 8 before 2).
    with pytest.raises(SchemaError, match="in did_2x2, e.g. u \\[8, 2\\]"):
        flip = panel.u.isin([8, 2]) & (panel.t == 1)
        flipped = panel.assign(group=np.where(flip, 1 - panel.group, panel.group))
        et.did.did_2x2(flipped.iloc[::-1], outcome="y", treatment="group", post="post",
                       unit="u")
    with pytest.raises(SchemaError, match="covariates formula of did_2x2 has 'n' on the left "
                                          "of '~', but the outcome is 'y'"):
        et.did.did_2x2(panel, outcome="y", treatment="group", post="post",
                       covariates="n ~ x")
    with pytest.raises(SchemaError, match="family='poisson' in did_2x2: the group"):
        et.did.did_2x2(panel.assign(n=np.where(panel.group == 1, 0, panel.n)), outcome="n",
                       treatment="group", post="post", family="poisson")
    with pytest.raises(SchemaError, match="exposure column 'years' of did_2x2"):
        et.did.did_2x2(panel.assign(years=0.0), outcome="n", treatment="group", post="post",
                       family="poisson", exposure="years")


def test_treatment_all_zero_message(panel):
    with pytest.raises(SchemaError, match="is 0 in all 18 rows: every row is comparison, so "
                                          "there is no treated row"):
        et.did.did_2x2(panel[panel.group == 0], outcome="y", treatment="group", post="post")


# --- twfe and fit_panel -----------------------------------------------------------------

def test_twfe_se_clustered_on_units_and_on_clusters(panel):
    ols = smf.ols("y ~ d + C(u) + C(t)", panel).fit()
    res = no_warnings(et.did.twfe, panel, outcome="y", unit="u", time="t", treatment="d")
    # One regressor, so fixest's (n-1)/(n-k) is 1: the cluster sandwich times G/(G-1).
    assert res.estimate == pytest.approx(ols.params["d"], rel=1e-9)
    assert res.se == pytest.approx(cluster_se(ols, "d", panel.u), rel=1e-7)
    by_area = et.did.twfe(panel, outcome="y", unit="u", time="t", treatment="d",
                          cluster="area")
    assert by_area.se == pytest.approx(cluster_se(ols, "d", panel.area), rel=1e-7)
    assert by_area.se != pytest.approx(res.se, rel=1e-3)
    # t reference with the residual df of the fixed-effects fit: 48 - 8 - 6 + 1 - 1.
    assert (res.n_obs, res.term, res.df) == (48, "d", 34)
    assert res.meta["options"] == dict(estimator="two-way fixed effects", outcome="y",
                                       unit="u", time="t", treatment="d", cluster="u")
    assert by_area.meta["options"]["cluster"] == "area"


def test_twfe_accepts_integer_outcome_and_names_itself(panel):
    res = et.did.twfe(panel.assign(y=panel.n), outcome="y", unit="u", time="t",
                      treatment="d")
    ols = smf.ols("n ~ d + C(u) + C(t)", panel).fit()
    assert res.estimate == pytest.approx(ols.params["d"], rel=1e-9)
    with pytest.raises(SchemaError, match="The data of twfe has no rows"):
        et.did.twfe(panel.iloc[:0], outcome="y", unit="u", time="t", treatment="d")
    with pytest.raises(SchemaError, match="treatment column 'd' of twfe"):
        et.did.twfe(panel.assign(d=0), outcome="y", unit="u", time="t", treatment="d")
    with pytest.raises(SchemaError, match="No unit switches treatment in twfe"):
        et.did.twfe(panel, outcome="y", unit="u", time="t", treatment="group")
    with pytest.raises(SchemaError, match="All units are treated at once in twfe"):
        et.did.twfe(panel.assign(d=(panel.t >= 3).astype(int)), outcome="y", unit="u",
                    time="t", treatment="d")
    with pytest.raises(ParameterError, match="'cluster' column 'area' of twfe varies"):
        et.did.twfe(panel.assign(area=panel.t), outcome="y", unit="u", time="t",
                    treatment="d", cluster="area")
    with pytest.raises(SchemaError, match="time column 't' of twfe"):
        et.did.twfe(panel.assign(t=panel.t > 3), outcome="y", unit="u", time="t",
                    treatment="d")


def test_fit_panel_not_identified_names_the_fix(panel):
    d = panel.set_index(["u", "t"])
    x = pd.DataFrame({"a": d.group.astype(float)}, index=d.index)  # absorbed by units
    with pytest.raises(SchemaError, match="regression of twfe is not identified.*Fix: check "
                                          "that there are comparison units and that "
                                          "treatment timing varies"):
        fit_panel(d.y, x, None, "twfe")


def test_2x2_checks_the_post_column_and_formula_terms(panel):
    with pytest.raises(SchemaError, match=r"Column 'post' of the data has 1 missing value\(s\),"
                                          r" at u \[1\]"):
        et.did.did_2x2(panel.assign(post=np.where(panel.index == 0, np.nan, panel.post)),
                       outcome="y", treatment="group", post="post", unit="u")
    with pytest.raises(ParameterError, match="formula term 'zz' of did_2x2"):
        et.did.did_2x2(panel, outcome="y", treatment="group", post="post", covariates="~ zz")


def test_2x2_poisson_keeps_the_covariate_note(panel):
    with pytest.warns(DataWarning):
        res = et.did.did_2x2(panel.assign(k=2.0), outcome="n", treatment="group", post="post",
                             unit="u", covariates=["x", "k"], family="poisson",
                             exposure="years")
    assert res.notes == ["Covariates left out (k: constant (2))."]


def test_twfe_absorbed_treatment_in_an_unbalanced_panel():
    """Treatment = unit effect + period effect (units 4-6 switch off in period 3, which
    units 1-3 never reach): absorbed although it varies within units and periods."""
    d = pd.DataFrame([(u, t) for u in range(1, 7) for t in (1, 2, 3) if u > 3 or t < 3],
                     columns=["u", "t"])
    d["d"] = ((d.u > 3) & (d.t < 3)).astype(int)
    d["y"] = np.arange(len(d)) % 4 + d.u * 0.1
    with pytest.raises(SchemaError, match="regression of twfe is not identified.*Fix: check "
                                          "that there are comparison units"):
        et.did.twfe(d, outcome="y", unit="u", time="t", treatment="d")


# --- column roles of every regression DiD function: named when missing or not a name ---


@pytest.fixture(scope="module")
def role_panel():
    d = pd.DataFrame([(u, t) for u in range(1, 7) for t in range(1, 7)], columns=["u", "t"])
    d["cohort"] = d.u.map({1: 3, 2: 3, 3: 5, 4: 5, 5: 0, 6: 0})
    d["d"] = ((d.cohort > 0) & (d.t >= d.cohort)).astype(int)
    d["group"] = (d.cohort > 0).astype(int)
    d["post"] = (d.t >= 3).astype(int)
    d["y"] = d.u + 0.5 * d.t - 2 * d.d + np.sin(np.arange(len(d)))
    d["n"] = 3 + d.t % 2
    d["years"] = 1.0
    d["area"] = (d.u + 1) // 2
    return d


CALLS = {
    "did_2x2": (et.did.did_2x2, dict(outcome="n", treatment="group", post="post", unit="u",
                                     cluster="area", exposure="years", family="poisson")),
    "twfe": (et.did.twfe, dict(outcome="y", unit="u", time="t", treatment="d",
                               cluster="area")),
    "event_study": (et.did.event_study, dict(outcome="y", unit="u", time="t",
                                             cohort="cohort", cluster="area")),
    "bacon_decomposition": (et.did.bacon_decomposition, dict(outcome="y", unit="u", time="t",
                                                             treatment="d")),
}
CASES = [(f, role) for f, (_, kw) in CALLS.items() for role in kw if role != "family"]
MATCHED_ROLES = ["outcome", "unit", "time", "exposure", "weights", "subclass", "treatment"]


@pytest.mark.parametrize("func, role", CASES, ids=[f"{f}-{r}" for f, r in CASES])
def test_missing_column_names_its_parameter(role_panel, func, role):
    call, kw = CALLS[func]
    with pytest.raises(SchemaError, match=rf"no column \['zz'\] \(the '{role}' parameter of "
                                          rf"{func}\)"):
        call(role_panel, **(kw | {role: "zz"}))


@pytest.mark.parametrize("func, role", CASES, ids=[f"{f}-{r}" for f, r in CASES])
def test_non_name_names_its_parameter(role_panel, func, role):
    call, kw = CALLS[func]
    with pytest.raises(ParameterError, match=rf"The '{role}' parameter of {func} must be one "
                                             "column name"):
        call(role_panel, **(kw | {role: ["y", "n"]}))


@pytest.fixture(scope="module")
def matched_pair():
    panel = pd.DataFrame({"match_id": np.repeat([1, 2, 3, 4], 2), "rel_period": [-1, 0] * 4,
                          "y": [4.0, 1, 3, 3, 4, 2, 2, 2], "exposure": 1.0})
    matched = pd.DataFrame({"match_id": [1, 2, 3, 4], "treated": [1, 0, 1, 0],
                            "weights": 1.0, "subclass": [1, 1, 2, 2]})
    return panel, matched


@pytest.mark.parametrize("role", MATCHED_ROLES)
def test_matched_did_roles_are_named(matched_pair, role):
    panel, matched = matched_pair
    with pytest.raises(SchemaError, match=rf"no column \['zz'\] \(the '{role}' parameter of "
                                          "matched_did\\)"):
        et.did.matched_did(panel, matched, pre=(-1, 0), post=(0, 1),
                           **({"outcome": "y"} | {role: "zz"}))
    with pytest.raises(ParameterError, match=f"The '{role}' parameter of matched_did must be "
                                             "one column name"):
        et.did.matched_did(panel, matched, pre=(-1, 0), post=(0, 1),
                           **({"outcome": "y"} | {role: ["y", "n"]}))


def test_constant_gaussian_outcome_with_exposure_is_refused(role_panel):
    with pytest.warns(EvaltoolsWarning), pytest.raises(SchemaError, match="is 5 in all 36"):
        et.did.did_2x2(role_panel.assign(y=5.0), outcome="y", treatment="group", post="post",
                       exposure="years")
