"""matched_did and the shared DiD checks: weights, person-time, windows and thresholds at
their boundaries (found by mutation testing, ``make mutation``).

matched_did's estimate is the weighted mean change of participants minus that of their
controls, and its standard error the matched-set clustered sandwich. Both are checked
against an independent route: weighted least squares of each unit's change on the
treatment indicator (statsmodels), whose cluster-robust covariance without correction
(HC0 form) times G/(G-1) is the documented variance.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import evaltools as et
from evaltools.did.checks import (
    absorbed_by_effects,
    check_cluster,
    check_exposure,
    check_hashable,
    check_panel,
    check_unit_time,
)
from evaltools.exceptions import DataWarning, ExclusionWarning, ParameterError, SchemaError


@pytest.fixture(scope="module")
def sample():
    """Twelve matched units in five sets with unequal weights; four periods each side."""
    rng = np.random.default_rng(5)
    ids = np.arange(1, 13)
    panel = pd.DataFrame([(i, t) for i in ids for t in range(-4, 4)],
                         columns=["match_id", "rel_period"])
    panel["exposure"] = rng.uniform(0.2, 1.0, len(panel))
    panel["y"] = rng.poisson(3 * panel.exposure) + (panel.match_id % 3) * (
        panel.rel_period >= 0)
    matched = pd.DataFrame({"match_id": ids, "treated": [1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0],
                            "weights": [1, 0.5, 1.5, 2, 2, 1, 0.25, 0.75, 0.5, 1, 1, 3.0],
                            "subclass": [1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5]})
    return panel, matched


def changes(panel, rates, pre=(-4, 0), post=(0, 4)):
    out = []
    for lo, hi in (pre, post):
        part = panel[(panel.rel_period >= lo) & (panel.rel_period < hi)]
        s = part.groupby("match_id")[["y", "exposure"]].sum()
        out.append(s.y / s.exposure if rates else s.y)
    return out[1] - out[0]


def wls_reference(matched, delta):
    d = matched.set_index("match_id").join(delta.rename("delta"))
    x = sm.add_constant(d.treated.astype(float))
    fit = sm.WLS(d.delta, x, weights=d.weights).fit(
        cov_type="cluster", cov_kwds={"groups": d.subclass.to_numpy(), "use_correction": False})
    g = d.subclass.nunique()
    return fit.params["treated"], float(np.sqrt(fit.cov_params().loc["treated", "treated"]
                                                * g / (g - 1)))


@pytest.mark.parametrize("rates", [True, False])
def test_matched_did_weighted_estimate_and_se(sample, rates):
    panel, matched = sample
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = et.did.matched_did(panel, matched, outcome="y", pre=(-4, 0), post=(0, 4),
                                 rates=rates)
    est, se = wls_reference(matched, changes(panel, rates))
    assert res.estimate == pytest.approx(est, rel=1e-10)
    assert res.se == pytest.approx(se, rel=1e-8)
    assert (res.n_obs, res.term) == (12, "y change")
    assert res.meta["options"] == dict(outcome="y", pre=(-4, 0), post=(0, 4), rates=rates,
                                       unit="match_id", time="rel_period")
    assert res.meta["flow"].to_dict("list") == {
        "step": ["matched units", "left out: no data in a window", "in the analysis"],
        "n": [12, 0, 12]}


def test_matched_did_counts_without_an_exposure_column(sample):
    panel, matched = sample
    res = et.did.matched_did(panel.drop(columns="exposure"), matched, outcome="y",
                             pre=(-4, 0), post=(0, 4), rates=False)
    assert res.estimate == pytest.approx(wls_reference(matched, changes(panel, False))[0])


def test_zero_person_time_is_left_out_and_counted(sample):
    """Exposure 0 is allowed (no person-time); a window with none leaves the unit out."""
    panel, matched = sample
    dead = panel.assign(exposure=np.where((panel.match_id == 2) & (panel.rel_period >= 0),
                                          0.0, panel.exposure))
    with pytest.warns(ExclusionWarning, match=r"left out 1 of 12 .* match_id \[2\]"):
        res = et.did.matched_did(dead, matched, outcome="y", pre=(-4, 0), post=(0, 4))
    assert res.meta["flow"].n.tolist() == [12, 1, 11]
    est, se = wls_reference(matched[matched.match_id != 2], changes(panel, True))
    assert res.estimate == pytest.approx(est, rel=1e-10)
    assert res.se == pytest.approx(se, rel=1e-8)
    with pytest.raises(SchemaError, match=r"exposure column 'exposure' of matched_did has 1 "
                                          r"negative value\(s\), at match_id \[3\]"):
        et.did.matched_did(dead.assign(exposure=np.where(dead.index == 17, -0.1,
                                                         dead.exposure)),
                           matched, outcome="y", pre=(-4, 0), post=(0, 4))
    with pytest.raises(SchemaError, match=r"Column 'exposure' of the data table has 0 missing "
                                          r"and 1 infinite"):
        et.did.matched_did(panel.assign(exposure=np.where(panel.index == 17, np.inf,
                                                          panel.exposure)),
                           matched, outcome="y", pre=(-4, 0), post=(0, 4))


def test_two_matched_sets_have_a_standard_error_and_one_set_warns(sample):
    panel, matched = sample
    two = matched.assign(subclass=np.where(matched.subclass <= 2, 1, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = et.did.matched_did(panel, two, outcome="y", pre=(-4, 0), post=(0, 4))
    assert res.se == pytest.approx(wls_reference(two, changes(panel, True))[1], rel=1e-8)
    with pytest.warns(DataWarning, match="one matched set"):
        one = et.did.matched_did(panel, matched.assign(subclass=1), outcome="y",
                                 pre=(-4, 0), post=(0, 4))
    assert np.isnan(one.se)


@pytest.mark.parametrize("kw, message", [
    (dict(pre=(0, 0)), "'pre' parameter of matched_did"),
    (dict(post=(1, 1)), "'post' parameter of matched_did"),
])
def test_empty_windows_are_refused(sample, kw, message):
    panel, matched = sample
    args = dict(outcome="y", pre=(-4, 0), post=(0, 4)) | kw
    with pytest.raises(ParameterError, match=message):
        et.did.matched_did(panel, matched, **args)


def test_touching_windows_are_accepted(sample):
    panel, matched = sample
    res = et.did.matched_did(panel, matched, outcome="y", pre=(-1, 0), post=(0, 1))
    assert np.isfinite(res.estimate)


@pytest.mark.parametrize("group, name", [(0, "control"), (1, "treated")])
def test_no_unit_of_a_group_left_is_named(sample, group, name):
    panel, matched = sample
    units = matched.match_id[matched.treated == group]
    gone = panel[~(panel.match_id.isin(units) & (panel.rel_period >= 0))]
    with pytest.warns(ExclusionWarning), pytest.raises(SchemaError, match=f"No {name} unit"):
        et.did.matched_did(gone, matched, outcome="y", pre=(-4, 0), post=(0, 4))


def test_matched_messages_name_the_table_and_function(sample):
    panel, matched = sample
    with pytest.raises(ParameterError, match="'weights' parameter of matched_did"):
        et.did.matched_did(panel, matched.assign(weights=-matched.weights), outcome="y")
    with pytest.raises(SchemaError, match=r"'weights' of the matched table .* at match_id "
                                          r"\[1\]"):
        et.did.matched_did(panel, matched.assign(weights=np.where(matched.match_id == 1,
                                                                  np.inf, 1.0)), outcome="y")
    with pytest.raises(SchemaError, match="'treated' of the matched table must have both"):
        et.did.matched_did(panel, matched.assign(treated=1), outcome="y")
    with pytest.raises(SchemaError, match=r"matched table has no column \['subclass'\].*"
                                          "matched_did"):
        et.did.matched_did(panel, matched.drop(columns="subclass"), outcome="y")
    with pytest.raises(SchemaError, match=r"no column \['y'\].*matched_did"):
        et.did.matched_did(panel.drop(columns="y"), matched, outcome="y")
    with pytest.raises(SchemaError, match="The data of matched_did has 2 rows that repeat"):
        et.did.matched_did(pd.concat([panel, panel.iloc[[0]]]), matched, outcome="y")


# --- shared checks ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def grid():
    d = pd.DataFrame([(u, t) for u in range(1, 7) for t in range(1, 7)], columns=["u", "t"])
    d["cohort"] = d.u.map({1: 3, 2: 3, 3: 5, 4: 5, 5: 0, 6: 0})
    d["d"] = ((d.cohort > 0) & (d.t >= d.cohort)).astype(int)
    d["y"] = d.u + 0.5 * d.t - 2 * d.d + np.sin(np.arange(len(d)))
    d["area"] = (d.u + 1) // 2
    return d


def test_missing_values_are_located_by_unit_or_row(grid):
    with pytest.raises(SchemaError, match=r"Column 'u' of the data has 1 missing value\(s\), "
                                          r"at row index \[7\]"):
        check_panel(grid.assign(u=np.where(grid.index == 7, np.nan, grid.u)), "twfe",
                    numeric=["y"], other=["u", "t"], unit="u")
    with pytest.raises(SchemaError, match=r"Column 't' .* at u \[2\]"):
        check_panel(grid.assign(t=np.where(grid.index == 7, np.nan, grid.t)), "twfe",
                    numeric=["y"], other=["u", "t"], unit="u")
    with pytest.raises(SchemaError, match=r"Column 't' .* at row index \[7\]"):
        check_panel(grid.assign(t=np.where(grid.index == 7, np.nan, grid.t)), "twfe",
                    numeric=["y"], other=["u", "t"])
    with pytest.raises(SchemaError, match=r"Column 'y' of the data table has 1 missing"):
        check_panel(grid.assign(y=np.where(grid.index == 7, np.nan, grid.y)), "twfe",
                    numeric=["y"], other=["u", "t"], unit="u")
    with pytest.raises(SchemaError, match=r"The data table has no column \['z'\].*Fix: pass "
                                          "the column names of your data to twfe"):
        check_panel(grid, "twfe", numeric=["z"], other=["u"])
    with pytest.raises(SchemaError, match="The data of twfe has no rows"):
        check_panel(grid.iloc[:0], "twfe", numeric=["y"], other=["u"])
    check_panel(grid.iloc[:1], "twfe", numeric=["y"], other=["u"])  # one row is data


def test_exposure_problems_are_located(grid):
    d = grid.assign(n=3, years=np.where(grid.index == 9, 0.0, 1.0), post=(grid.t >= 3) * 1,
                    group=(grid.cohort > 0) * 1)
    args = dict(outcome="n", treatment="group", post="post", family="poisson",
                exposure="years")
    with pytest.raises(SchemaError, match=r"1 row\(s\) are zero or negative, at u \[2\] "
                                          r"\(values \[0.0\]\)"):
        et.did.did_2x2(d, unit="u", **args)
    with pytest.raises(SchemaError, match=r"zero or negative, at row index \[9\]"):
        et.did.did_2x2(d, **args)
    with pytest.raises(SchemaError, match=r"Column 'years' of the data table has 0 missing and "
                                          r"1 infinite value\(s\), at u \[2\]"):
        et.did.did_2x2(d.assign(years=np.where(d.index == 9, np.inf, 1.0)), unit="u", **args)


def test_check_exposure_on_its_own(grid):
    d = grid.assign(years=np.where(grid.index == 9, np.inf, 1.0))
    with pytest.raises(SchemaError, match=r"Column 'years' of the data table has 0 missing and "
                                          r"1 infinite value\(s\), at u \[2\]"):
        check_exposure(d, "years", "u", "did_2x2")
    check_exposure(grid, None, "u", "did_2x2")


def test_unit_time_duplicates_differ_in_other_columns(grid):
    twin = grid.iloc[[3]].assign(y=99.0)
    with pytest.raises(SchemaError, match=r"2 rows that repeat a \(u, t\) pair"):
        et.did.twfe(pd.concat([grid, twin]), outcome="y", unit="u", time="t", treatment="d")


def test_examples_follow_the_order_of_the_data(grid):
    """Units are shown in the order they appear, not sorted (here 6 before 2)."""
    rev = grid.iloc[::-1]
    with pytest.raises(SchemaError, match=r"2 of 6 units .* e.g. u \[6, 2\]"):
        et.did.bacon_decomposition(rev[~(rev.u.isin([2, 6]) & (rev.t == 4))], outcome="y",
                                   unit="u", time="t", treatment="d")
    with pytest.raises(ParameterError, match=r"varies within 2 unit\(s\), e.g. u \[6, 2\]"):
        et.did.twfe(rev.assign(area=np.where(rev.u.isin([2, 6]), rev.t, rev.area)),
                    outcome="y", unit="u", time="t", treatment="d", cluster="area")


def test_cluster_equal_to_unit_and_two_clusters(grid):
    res = et.did.twfe(grid, outcome="y", unit="u", time="t", treatment="d", cluster="u")
    base = et.did.twfe(grid, outcome="y", unit="u", time="t", treatment="d")
    assert res.se == pytest.approx(base.se, rel=1e-12)
    two = grid.assign(half=(grid.u > 3) * 1)
    assert np.isfinite(et.did.twfe(two, outcome="y", unit="u", time="t", treatment="d",
                                   cluster="half").se)


def test_absorbed_by_effects_uses_a_relative_tolerance():
    """A large covariate constant within units is absorbed despite rounding in its means;
    one that varies by a small relative amount is kept."""
    unit = np.repeat([1, 2, 3], 3)
    big = pd.DataFrame({"big": np.repeat([1e7 + 0.1, 2e7 + 0.3, 3e7 + 0.7], 3)})
    big["big"] += np.tile([0.0, 1e-9, -1e-9], 3) * 1e7 * 1e-6
    assert absorbed_by_effects(big, {"unit": unit}) == {
        "big": "constant within each unit (absorbed by the unit effects)"}
    varied = pd.DataFrame({"v": np.repeat([1.0, 2.0, 3.0], 3) + np.tile([0, 1e-3, 0], 3)})
    assert absorbed_by_effects(varied, {"unit": unit}) == {}
    assert absorbed_by_effects(pd.DataFrame({"p": np.tile([1.0, 2.0, 3.0], 3)}),
                               {"unit": unit, "period": np.tile([1, 2, 3], 3)}) == {
        "p": "constant within each period (absorbed by the period effects)"}


def test_plain_finite_and_groupable_columns(grid):
    with pytest.raises(SchemaError, match=r"Column\(s\) \['y'\] of the data of twfe hold "
                                          "complex numbers"):
        check_panel(grid.assign(y=grid.y + 1j), "twfe", numeric=["y"], other=["u"])
    check_panel(grid.assign(z=grid.y + 1j), "twfe", numeric=["y"], other=["z"])
    twice = pd.concat([grid[["u", "y"]], grid[["y"]]], axis=1)
    with pytest.raises(SchemaError, match="The data table"):
        check_panel(twice, "twfe", numeric=["y"], other=["u"])
    with pytest.raises(SchemaError, match=r"Column 't' of the data table has 0 missing and 1 "
                                          r"infinite value\(s\), at u \[2\]\. Fix: every row "
                                          "needs a finite period"):
        check_unit_time(grid.assign(t=np.where(grid.index == 7, np.inf, grid.t)), "u", "t",
                        "twfe")
    odd = grid.assign(c=pd.Series([[1, 2], (3,), "a"] + [1] * (len(grid) - 3), dtype=object))
    with pytest.raises(SchemaError, match=r"Column 'c' of the data of twfe holds values that "
                                          r"cannot be grouped \(2 row\(s\) of type \['list', 'tuple'\]\)"):
        check_hashable(odd, "c", "twfe")
    with pytest.raises(SchemaError, match="Column 'c' of the data of twfe holds"):
        check_cluster(odd, "c", "u", "twfe")
    check_hashable(grid, "area", "twfe")

