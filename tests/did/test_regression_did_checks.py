"""Bad input to did_2x2, twfe, event_study, bacon_decomposition and matched_did: each class
gets an evaltools error (or a warning and a note) whose message names the problem."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import (
    DataWarning,
    EvaltoolsWarning,
    ExclusionWarning,
    ParameterError,
    SchemaError,
)


@pytest.fixture
def panel():
    """Six units over six periods: cohorts 3 (u1, u2), 5 (u3, u4), never (u5, u6)."""
    rng = np.random.default_rng(0)
    d = pd.DataFrame([(u, t) for u in range(1, 7) for t in range(1, 7)], columns=["u", "t"])
    d["cohort"] = d.u.map({1: 3, 2: 3, 3: 5, 4: 5, 5: 0, 6: 0})
    d["d"] = ((d.cohort > 0) & (d.t >= d.cohort)).astype(int)
    d["group"] = (d.cohort > 0).astype(int)
    d["post"] = (d.t >= 3).astype(int)
    d["x"] = rng.normal(size=len(d))
    d["region"] = d.u % 2
    d["y"] = d.u + 0.5 * d.t - 2 * d.d + d.x + rng.normal(size=len(d))
    d["n"] = rng.poisson(5, len(d))
    d["years"] = 1.0
    return d


def did(d, **kw):
    args = dict(outcome="y", treatment="group", post="post", unit="u") | kw
    return et.did.did_2x2(d, **args)


def tw(d, **kw):
    return et.did.twfe(d, **(dict(outcome="y", unit="u", time="t", treatment="d") | kw))


def es(d, **kw):
    return et.did.event_study(d, **(dict(outcome="y", unit="u", time="t", cohort="cohort")
                                    | kw))


def bacon(d, **kw):
    return et.did.bacon_decomposition(d, **(dict(outcome="y", unit="u", time="t",
                                                 treatment="d") | kw))


# --- columns, values, binary indicators ------------------------------------------------

@pytest.mark.parametrize("call", [did, tw, es, bacon], ids=lambda f: f.__name__)
def test_missing_column_is_named(panel, call):
    with pytest.raises(SchemaError, match=r"has no column \['y'\]"):
        call(panel.drop(columns="y"))


@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["nan", "inf"])
@pytest.mark.parametrize("call", [did, tw, es, bacon], ids=lambda f: f.__name__)
def test_missing_or_infinite_outcome(panel, call, bad):
    panel.loc[[3, 7], "y"] = bad
    with pytest.raises(SchemaError, match=r"Column 'y' .* at u \[1, 2\]"):
        call(panel)


def test_not_a_dataframe(panel):
    with pytest.raises(SchemaError, match="must be a pandas DataFrame"):
        did(panel.to_dict())


def test_missing_unit_values(panel):
    panel.loc[4, "u"] = np.nan
    with pytest.raises(SchemaError, match="Column 'u' of the data has 1 missing"):
        tw(panel)


@pytest.mark.parametrize("call,col", [(did, "group"), (tw, "d"), (bacon, "d")],
                         ids=["did_2x2", "twfe", "bacon"])
def test_treatment_must_be_binary(panel, call, col):
    panel[col] = panel[col] * 2
    with pytest.raises(SchemaError, match=f"Column '{col}' of the data table must be 0/1"):
        call(panel)


@pytest.mark.parametrize("call,col", [(did, "group"), (tw, "d"), (bacon, "d")],
                         ids=["did_2x2", "twfe", "bacon"])
def test_constant_treatment(panel, call, col):
    panel[col] = 1
    with pytest.raises(SchemaError, match=f"treatment column '{col}' .* is 1 in all 36 rows"):
        call(panel)


def test_post_without_pre_period(panel):
    panel["post"] = 1
    with pytest.raises(SchemaError, match="every row is post, so there is no pre row"):
        did(panel)


def test_2x2_empty_group(panel):
    panel = panel[~((panel.group == 1) & (panel.post == 0))]
    with pytest.raises(SchemaError, match="no treated rows in the pre-period"):
        did(panel)


def test_2x2_treatment_must_mark_the_group(panel):
    with pytest.raises(SchemaError, match=r"'d' varies within 4 unit\(s\).*group indicator"):
        did(panel, treatment="d")


@pytest.mark.parametrize("call", [tw, es, bacon], ids=lambda f: f.__name__)
def test_duplicate_unit_periods(panel, call):
    with pytest.raises(SchemaError, match=r"2 rows that repeat a \(u, t\) pair, e.g. u \[1\]"):
        call(pd.concat([panel, panel.iloc[[0]]]))


def test_2x2_duplicate_rows(panel):
    doubled = pd.concat([panel, panel.iloc[:2]])
    with pytest.raises(SchemaError, match=r"2 duplicate row\(s\) .* at u \[1\]"):
        did(doubled)


def test_time_must_be_numbered(panel):
    with pytest.raises(SchemaError, match="time column 't' of twfe must hold numbered"):
        tw(panel.assign(t=panel.t.astype(str)))


# --- clusters --------------------------------------------------------------------------

@pytest.mark.parametrize("call", [did, tw, es], ids=lambda f: f.__name__)
def test_one_cluster(panel, call):
    with pytest.raises(ParameterError, match="1 distinct value.*at least two clusters"):
        call(panel.assign(c=1), cluster="c")


@pytest.mark.parametrize("call", [did, tw, es], ids=lambda f: f.__name__)
def test_cluster_varying_within_unit(panel, call):
    with pytest.raises(ParameterError, match=r"varies within 6 unit\(s\).*whole units"):
        call(panel.assign(c=panel.t % 2), cluster="c")


# --- designs that are not identified ----------------------------------------------------

def test_twfe_no_unit_switches(panel):
    with pytest.raises(SchemaError, match="No unit switches treatment"):
        tw(panel, treatment="group")


def test_twfe_all_treated_at_once(panel):
    with pytest.raises(SchemaError, match="All units are treated at once"):
        tw(panel, treatment="post")


@pytest.mark.parametrize("call", [es, bacon], ids=lambda f: f.__name__)
def test_all_treated_at_once_staggered(panel, call):
    panel = panel.assign(cohort=3, d=(panel.t >= 3).astype(int))
    with pytest.raises(SchemaError, match="All units are treated at once"):
        call(panel)


def test_event_study_needs_comparison_timing(panel):
    """No never-treated units and the leads/lags span every period: collinear with the
    period effects, which linearmodels reports as a rank problem."""
    panel = panel[panel.cohort > 0]
    with pytest.raises(SchemaError, match="not identified"):
        es(panel)


def test_event_study_no_treated(panel):
    with pytest.raises(SchemaError, match="No unit is treated"):
        es(panel.assign(cohort=0))


def test_event_study_never_treated_may_be_missing(panel):
    a = es(panel)
    b = es(panel.assign(cohort=panel.cohort.replace(0, np.nan)))
    assert a.table.estimate.to_numpy() == pytest.approx(b.table.estimate.to_numpy())


def test_event_study_infinite_cohort(panel):
    panel["cohort"] = panel.cohort.astype(float)
    panel.loc[0, "cohort"] = np.inf
    with pytest.raises(SchemaError, match=r"Column 'cohort' .* 1 infinite"):
        es(panel)


@pytest.mark.parametrize("value", [3.5, -2])
def test_event_study_cohort_not_a_period(panel, value):
    panel["cohort"] = panel.cohort.astype(float).replace(3, value)
    with pytest.raises(SchemaError, match=r"'cohort' of event_study has values .* neither 0"):
        es(panel)


def test_event_study_cohort_varies_within_unit(panel):
    panel.loc[0, "cohort"] = 4
    with pytest.raises(SchemaError, match=r"'cohort' varies within 1 unit\(s\)"):
        es(panel)


def test_event_study_cohort_without_pre_period(panel):
    panel["cohort"] = panel.cohort.replace(3, 1)
    with pytest.raises(SchemaError, match=r"Cohort\(s\) \[1\] .* no observation at or before"):
        es(panel)


def test_event_study_no_post_period(panel):
    panel = panel[panel.t < 3].assign(cohort=panel.cohort.replace(5, 3))
    with pytest.raises(SchemaError, match="no event time >= 0"):
        es(panel)


@pytest.mark.parametrize("ref", [-9, 7])
def test_ref_period_outside_event_times(panel, ref):
    with pytest.raises(ParameterError, match=r"'ref_period' .* observed event time \(-4 to 3\)"):
        es(panel, ref_period=ref)


@pytest.mark.parametrize("window", [(0, 2), (2, -2), "(-2, 2)", (-2.5, 2)])
def test_bad_window(panel, window):
    with pytest.raises(ParameterError, match="'window' parameter of event_study"):
        es(panel, window=window)


def test_ref_period_must_be_an_integer(panel):
    with pytest.raises(ParameterError, match="'ref_period' parameter of event_study must be"):
        es(panel, ref_period="-1")


# --- absorbing and balanced panels (Bacon) ----------------------------------------------

def test_bacon_treatment_turning_off(panel):
    panel.loc[(panel.u == 1) & (panel.t == 6), "d"] = 0
    with pytest.raises(SchemaError, match=r"turns off \(1 then 0\) in 1 unit\(s\), e.g. u \[1\]"):
        bacon(panel)


def test_bacon_unbalanced(panel):
    with pytest.raises(SchemaError, match=r"balanced panel, but 1 of 6 units"):
        bacon(panel.iloc[1:])


def test_bacon_always_treated(panel):
    panel.loc[panel.u == 1, "d"] = 1
    with pytest.raises(SchemaError, match=r"treated from the first period .* u \[1\]"):
        bacon(panel)


# --- covariates ------------------------------------------------------------------------

def test_covariates_constant_dropped_with_note(panel):
    with pytest.warns(DataWarning, match="left out 1 covariate.*k: constant"):
        res = did(panel.assign(k=3.0), covariates=["x", "k"])
    assert any("k: constant" in n for n in res._notes())


def test_covariate_repeating_treatment_is_left_out(panel):
    """The treatment terms come first, so a covariate that repeats them is the one left out."""
    with pytest.warns(DataWarning, match="z: collinear with group:post"):
        res = did(panel.assign(z=panel.group * panel.post), covariates=["x", "z"])
    assert res.model.params.index.tolist() == ["const", "group", "post", "group:post", "x"]


def test_event_study_absorbed_covariates_dropped(panel):
    with pytest.warns(DataWarning, match="region: constant within each unit"):
        res = es(panel, covariates="~ x + region")
    assert "region" not in res.tidy().term.tolist()
    assert any("absorbed by the unit effects" in n for n in res._notes())


@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["nan", "inf"])
@pytest.mark.parametrize("covariates", [["x"], "~ x"], ids=["list", "formula"])
def test_missing_or_infinite_covariate(panel, bad, covariates):
    panel.loc[2, "x"] = bad
    with pytest.raises(SchemaError, match="Column 'x' of the data table has"):
        es(panel, covariates=covariates)


def test_covariate_formula_with_other_outcome(panel):
    with pytest.raises(SchemaError, match="has 'n' on the left"):
        did(panel, covariates="n ~ x")


# --- Poisson ---------------------------------------------------------------------------

def test_unknown_family(panel):
    with pytest.raises(ParameterError, match="'family' parameter of did_2x2 must be one of"):
        did(panel, family="binomial")


@pytest.mark.parametrize("value", [0.0, -1.0])
def test_exposure_must_be_positive(panel, value):
    panel.loc[5, "years"] = value
    with pytest.raises(SchemaError, match=r"exposure column 'years' .* must be positive"):
        did(panel, outcome="n", family="poisson", exposure="years")


def test_exposure_ignored_by_gaussian(panel):
    with pytest.warns(EvaltoolsWarning, match="ignores 'exposure'"):
        did(panel, exposure="years")


def test_poisson_needs_counts(panel):
    with pytest.raises(SchemaError, match="needs counts"):
        did(panel, family="poisson")


def test_poisson_group_without_events(panel):
    panel.loc[(panel.group == 1) & (panel.post == 1), "n"] = 0
    with pytest.raises(SchemaError, match="group=1, post=1 has no events"):
        did(panel, outcome="n", family="poisson")


# --- matched DiD -----------------------------------------------------------------------

@pytest.fixture
def matched_pair():
    panel = pd.DataFrame({"match_id": np.repeat([1, 2, 3, 4], 2), "rel_period": [-1, 0] * 4,
                          "y": [4.0, 1, 3, 3, 4, 2, 2, 2], "exposure": 1.0})
    matched = pd.DataFrame({"match_id": [1, 2, 3, 4], "treated": [1, 0, 1, 0],
                            "weights": 1.0, "subclass": [1, 1, 2, 2]})
    return panel, matched


def mdid(panel, matched, **kw):
    return et.did.matched_did(panel, matched, **(dict(outcome="y", pre=(-1, 0), post=(0, 1))
                                                 | kw))


@pytest.mark.parametrize("kw", [dict(pre=(0, -1)), dict(post=(0.5, 1)), dict(pre=5)])
def test_matched_bad_windows(matched_pair, kw):
    with pytest.raises(ParameterError, match="must be a pair of integer periods"):
        mdid(*matched_pair, **kw)


def test_matched_overlapping_windows(matched_pair):
    with pytest.raises(ParameterError, match="overlaps the 'post' window"):
        mdid(*matched_pair, pre=(-1, 1))


def test_matched_duplicate_units(matched_pair):
    panel, matched = matched_pair
    with pytest.raises(SchemaError, match="repeats 2 'match_id' row"):
        mdid(panel, pd.concat([matched, matched.iloc[[0]]]))


def test_matched_one_group(matched_pair):
    panel, matched = matched_pair
    with pytest.raises(SchemaError, match="must have both treated"):
        mdid(panel, matched.assign(treated=1))


def test_matched_negative_weights(matched_pair):
    panel, matched = matched_pair
    matched.loc[0, "weights"] = -1
    with pytest.raises(ParameterError, match="must be finite and non-negative"):
        mdid(panel, matched)


def test_matched_infinite_outcome(matched_pair):
    panel, matched = matched_pair
    panel.loc[0, "y"] = np.inf
    with pytest.raises(SchemaError, match=r"Column 'y' .* 1 infinite.*match_id \[1\]"):
        mdid(panel, matched)


def test_matched_units_without_data_are_counted(matched_pair):
    panel, matched = matched_pair
    panel.loc[panel.match_id == 4, "exposure"] = 0.0
    with pytest.warns(ExclusionWarning, match=r"left out 1 of 4 .* match_id \[4\]"):
        res = mdid(panel, matched)
    assert res.meta["flow"].n.tolist() == [4, 1, 3]
    assert np.isfinite(res.estimate)


def test_matched_rates_must_be_bool(matched_pair):
    with pytest.raises(ParameterError, match="'rates' parameter of matched_did must be True"):
        mdid(*matched_pair, rates="no")
