"""Wrong inputs to the difference-in-differences functions and their results: every parameter of every public function."""

from __future__ import annotations

from functools import cache

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import evaltools as et  # noqa: E402

from .catalogue import (  # noqa: E402
    Case,
    _set,
    att,
    bacon,
    es,
    fit,
    panel_data,
    panel_with,
    tw,
    two,
)
from .catalogue import matched_did as mdid
from .catalogue import matched_did_panel as _panel
from .catalogue import matched_did_table as _table


@cache
def fit_boot():
    return att(bootstrap=True, n_boot=100, random_state=1)


def _attgt_cases():
    a = "attgt2"
    return [
        Case(a, "outcome None", lambda: att(outcome=None), ("outcome",)),
        Case(a, "outcome a list", lambda: att(outcome=["y"]), ("outcome",)),
        Case(a, "unit a number", lambda: att(unit=3), ("unit",)),
        Case(a, "time None", lambda: att(time=None), ("time",)),
        Case(a, "cohort a list", lambda: att(cohort=["cohort"]), ("cohort",)),
        Case(a, "unit and time the same column", lambda: att(unit="year"), ("unit", "time")),
        Case(a, "outcome is the time column", lambda: att(outcome="year"), ("outcome", "time")),
        Case(a, "control_group None", lambda: att(control_group=None), ("control_group",)),
        Case(a, "control_group capitalised", lambda: att(control_group="NeverTreated"),
             ("control_group",)),
        Case(a, "est_method a list", lambda: att(est_method=["dr"]), ("est_method",)),
        Case(a, "anticipation NaN", lambda: att(anticipation=np.nan), ("anticipation",)),
        Case(a, "anticipation text", lambda: att(anticipation="1"), ("anticipation",)),
        Case(a, "anticipation True", lambda: att(anticipation=True), ("anticipation",)),
        Case(a, "anticipation inf", lambda: att(anticipation=np.inf), ("anticipation",)),
        Case(a, "base_period None", lambda: att(base_period=None), ("base_period",)),
        Case(a, "bootstrap 1", lambda: att(bootstrap=1), ("bootstrap",)),
        Case(a, "bootstrap 'True'", lambda: att(bootstrap="True"), ("bootstrap",)),
        Case(a, "bootstrap None", lambda: att(bootstrap=None), ("bootstrap",)),
        Case(a, "n_boot float", lambda: att(bootstrap=True, n_boot=99.5), ("n_boot",)),
        Case(a, "n_boot text", lambda: att(bootstrap=True, n_boot="999"), ("n_boot",)),
        Case(a, "n_boot inf", lambda: att(bootstrap=True, n_boot=np.inf), ("n_boot",)),
        Case(a, "n_boot 10**7 (terabytes of draws)", lambda: att(bootstrap=True, n_boot=10**7),
             ("n_boot",)),
        Case(a, "n_boot without bootstrap", lambda: att(n_boot=5000), ("n_boot", "bootstrap")),
        Case(a, "boot_weights without bootstrap", lambda: att(boot_weights="mammen"),
             ("boot_weights", "bootstrap")),
        Case(a, "random_state without bootstrap", lambda: att(random_state=3),
             ("random_state", "bootstrap")),
        Case(a, "boot_weights unknown", lambda: att(bootstrap=True, boot_weights="normal"),
             ("boot_weights",)),
        Case(a, "random_state negative", lambda: att(bootstrap=True, random_state=-1),
             ("random_state",)),
        Case(a, "random_state float", lambda: att(bootstrap=True, random_state=1.5),
             ("random_state",)),
        Case(a, "min_cell zero", lambda: att(min_cell=0), ("min_cell",)),
        Case(a, "min_cell text", lambda: att(min_cell="2"), ("min_cell",)),
        Case(a, "min_cell above every group size", lambda: att(min_cell=10**6),
             ("min_cell",)),
        Case(a, "allow_unbalanced_panel 'yes'", lambda: att(allow_unbalanced_panel="yes"),
             ("allow_unbalanced_panel",)),
        Case(a, "allow_unbalanced_panel 0", lambda: att(allow_unbalanced_panel=0),
             ("allow_unbalanced_panel",)),
        Case(a, "cluster typo", lambda: att(cluster="region"), ("region",)),
        Case(a, "cluster with NaN", lambda: att(
            data=panel_data().assign(cl=np.where(panel_data()["area"] == 3, np.nan,
                                                 panel_data()["area"] % 5)), cluster="cl"),
             ("cl",)),
        Case(a, "cluster one value", lambda: att(data=panel_data().assign(cl=1), cluster="cl"),
             ("cl", "cluster")),
        Case(a, "covariates an empty list", lambda: att(covariates=[]), ("covariates",)),
        Case(a, "covariates a number", lambda: att(covariates=3), ("covariates",)),
        Case(a, "covariates a dict", lambda: att(covariates={"x": 1}), ("covariates",)),
        Case(a, "covariates one name as a string", lambda: att(covariates="x"),
             ("covariates",)),
        Case(a, "covariate NaN", lambda: att(data=panel_with("x", {4: np.nan}),
                                             covariates=["x"]), ("x",)),
        Case(a, "covariate text", lambda: att(data=panel_with("x", {4: "high"}),
                                              covariates=["x"]), ("x",)),
        Case(a, "time NaN", lambda: att(data=panel_with("year", {2: np.nan})), ("year",)),
        Case(a, "time as text", lambda: att(data=panel_data().assign(
            year=panel_data()["year"].astype(str))), ("year",)),
        Case(a, "unit NaN", lambda: att(data=panel_with("area", {2: np.nan})), ("area",)),
        Case(a, "cohort as text", lambda: att(data=panel_data().assign(
            cohort=panel_data()["cohort"].astype(str))), ("cohort",)),
        Case(a, "one period only", lambda: att(data=panel_data().query("year == 2012")),
             ("year", "period")),
        Case(a, "covariates formula with another outcome", lambda: att(covariates="count ~ x"),
             ("count", "outcome")),
        Case(a, "n_boot True", lambda: att(bootstrap=True, n_boot=True), ("n_boot",)),
        Case(a, "n_boot 1 (no spread to measure)", lambda: att(bootstrap=True, n_boot=1),
             ("n_boot",)),
        Case(a, "covariates include the cohort column", lambda: att(covariates=["cohort"]),
             ("cohort", "covariates")),
        Case(a, "covariates include the time column", lambda: att(covariates=["x", "year"]),
             ("year", "covariates")),
        Case(a, "covariate marks the treated group (dr)", lambda: att(covariates=["ever"]),
             ("ever", "covariates")),
        Case(a, "covariate marks the treated group (ipw)", lambda: att(
            est_method="ipw", covariates=["ever"]), ("ever", "covariates")),
        Case(a, "covariate marks the treated group (dr_imp)", lambda: att(
            est_method="dr_imp", covariates=["ever"]), ("ever", "covariates")),
        Case(a, "time as dates", lambda: att(data=panel_data().assign(
            year=pd.to_datetime(panel_data()["year"].astype(str)))), ("year",)),
        Case(a, "cohort between two periods", lambda: att(data=panel_data().assign(
            cohort=panel_data()["cohort"].replace(2013, 2013.5))), ("cohort",)),
        Case(a, "data a dict", lambda: att(data=panel_data().to_dict()), ("data", "DataFrame")),
        Case(a, "data None", lambda: att(data=None), ("data", "DataFrame")),
    ]


def _aggregate_cases():
    a = "attgt2"
    return [
        Case(a, "aggregate: kind None", lambda: fit().aggregate(None), ("kind",)),
        Case(a, "aggregate: kind capitalised", lambda: fit().aggregate("Dynamic"), ("kind",)),
        Case(a, "aggregate: balance_e float", lambda: fit().aggregate("dynamic", balance_e=1.5),
             ("balance_e",)),
        Case(a, "aggregate: balance_e text", lambda: fit().aggregate("dynamic", balance_e="2"),
             ("balance_e",)),
        Case(a, "aggregate: balance_e beyond the event times", lambda: fit().aggregate(
            "dynamic", balance_e=40), ("balance_e",)),
        Case(a, "aggregate: balance_e with kind simple", lambda: fit().aggregate(
            "simple", balance_e=1), ("balance_e",)),
        Case(a, "aggregate: min_e with kind group", lambda: fit().aggregate(
            "group", min_e=-2), ("min_e",)),
        Case(a, "aggregate: min_e NaN", lambda: fit().aggregate("dynamic", min_e=np.nan),
             ("min_e",)),
        Case(a, "aggregate: max_e text", lambda: fit().aggregate("dynamic", max_e="3"),
             ("max_e",)),
        Case(a, "aggregate: max_e None", lambda: fit().aggregate("dynamic", max_e=None),
             ("max_e",)),
        Case(a, "aggregate: min_e beyond the event times", lambda: fit().aggregate(
            "dynamic", min_e=50), ("min_e",)),
        Case(a, "aggregate: max_e before any post period", lambda: fit().aggregate(
            "simple", max_e=-1), ("max_e",)),
        Case(a, "aggregate: bootstrap with balance_e negative", lambda: fit_boot().aggregate(
            "dynamic", balance_e=-1), ("balance_e",)),
        Case(a, "plot: ax a string", lambda: fit().plot(ax="left"), ("ax",)),
        Case(a, "aggregate plot: ax a number", lambda: fit().aggregate("dynamic").plot(ax=3),
             ("ax",)),
        Case(a, "aggregate plot: simple has nothing to plot", lambda: fit().aggregate(
            "simple").plot(), ("simple", "kind")),
        Case(a, "plot: a keyword matplotlib refuses", lambda: fit().plot(colour="red"),
             ("colour",)),
        Case(a, "aggregate plot: a keyword matplotlib refuses", lambda: fit().aggregate(
            "group").plot(markersize="big"), ("markersize",)),
        Case(a, "aggregate: max_e with kind calendar", lambda: fit().aggregate(
            "calendar", max_e=2), ("max_e",)),
        Case(a, "aggregate: min_e inf", lambda: fit().aggregate("dynamic", min_e=np.inf),
             ("min_e",)),
        Case(a, "tidy: level 95", lambda: fit().tidy(95), ("level",)),
        Case(a, "conf_int: level text", lambda: fit_boot().conf_int("0.9"), ("level",)),
        Case(a, "aggregate tidy: level 0", lambda: fit_boot().aggregate("group").tidy(0),
             ("level",)),
    ]


def _regression_cases():
    a = "did2"
    d = panel_data
    return [
        Case(a, "did_2x2: outcome None", lambda: two(outcome=None), ("outcome",)),
        Case(a, "did_2x2: treatment a list", lambda: two(treatment=["ever"]), ("treatment",)),
        Case(a, "did_2x2: post typo", lambda: two(post="after"), ("after",)),
        Case(a, "did_2x2: post NaN", lambda: two(data=panel_with("post", {3: np.nan})),
             ("post",)),
        Case(a, "did_2x2: post text", lambda: two(data=panel_with("post", {3: "yes"})),
             ("post",)),
        Case(a, "did_2x2: treatment and post the same column", lambda: two(treatment="post"),
             ("treatment", "post")),
        Case(a, "did_2x2: unit typo", lambda: two(unit="id"), ("id",)),
        Case(a, "did_2x2: unit NaN", lambda: two(data=panel_with("area", {3: np.nan})),
             ("area",)),
        Case(a, "did_2x2: cluster one value", lambda: two(data=d().assign(c=1), cluster="c"),
             ("c", "cluster")),
        Case(a, "did_2x2: cluster varies within unit", lambda: two(
            data=d().assign(c=np.arange(len(d())) % 7), cluster="c"), ("c", "cluster")),
        Case(a, "did_2x2: covariate typo", lambda: two(covariates=["xx"]), ("xx",)),
        Case(a, "did_2x2: covariate NaN", lambda: two(data=panel_with("x", {0: np.nan}),
                                                      covariates=["x"]), ("x",)),
        Case(a, "did_2x2: covariates a number", lambda: two(covariates=5), ("covariates",)),
        Case(a, "did_2x2: covariates one name as a string", lambda: two(covariates="x"),
             ("covariates",)),
        Case(a, "did_2x2: covariate is the outcome", lambda: two(covariates=["y"]),
             ("y", "outcome")),
        Case(a, "did_2x2: family None", lambda: two(family=None), ("family",)),
        Case(a, "did_2x2: family capitalised", lambda: two(family="Poisson"), ("family",)),
        Case(a, "did_2x2: poisson exposure typo", lambda: two(
            outcome="count", family="poisson", exposure="popn"), ("popn",)),
        Case(a, "did_2x2: poisson exposure NaN", lambda: two(
            data=panel_with("pop", {1: np.nan}), outcome="count", family="poisson",
            exposure="pop"), ("pop",)),
        Case(a, "did_2x2: poisson exposure zero", lambda: two(
            data=_set(d(), "pop", {1: 0.0}), outcome="count", family="poisson",
            exposure="pop"), ("pop", "exposure")),
        Case(a, "did_2x2: data a list", lambda: two(data=[[1, 2]]), ("data", "DataFrame")),
        Case(a, "twfe: time NaN", lambda: tw(data=panel_with("year", {4: np.nan})),
             ("year",)),
        Case(a, "twfe: unit NaN", lambda: tw(data=panel_with("area", {4: np.nan})),
             ("area",)),
        Case(a, "twfe: unit and time the same column", lambda: tw(unit="year"),
             ("unit", "time")),
        Case(a, "twfe: treatment text", lambda: tw(data=panel_with("treated", {4: "yes"})),
             ("treated",)),
        Case(a, "twfe: cluster typo", lambda: tw(cluster="region"), ("region",)),
        Case(a, "twfe: cluster NaN", lambda: tw(data=d().assign(
            c=np.where(d()["area"] == 2, np.nan, d()["area"] % 4)), cluster="c"), ("c",)),
        Case(a, "twfe: cluster a list", lambda: tw(cluster=["area"]), ("cluster",)),
        Case(a, "twfe: one period", lambda: tw(data=d().query("year == 2015")),
             ("year", "period", "treat")),
        Case(a, "twfe: outcome None", lambda: tw(outcome=None), ("outcome",)),
        Case(a, "tidy: level 1.5", lambda: tw().tidy(1.5), ("level",)),
        Case(a, "conf_int: level NaN", lambda: two().conf_int(np.nan), ("level",)),
    ]


def _event_cases():
    a = "did2"
    d = panel_data
    return [
        Case(a, "event_study: ref_period float", lambda: es(ref_period=-1.5), ("ref_period",)),
        Case(a, "event_study: ref_period text", lambda: es(ref_period="-1"), ("ref_period",)),
        Case(a, "event_study: ref_period None", lambda: es(ref_period=None), ("ref_period",)),
        Case(a, "event_study: ref_period True", lambda: es(ref_period=True), ("ref_period",)),
        Case(a, "event_study: window with a float", lambda: es(window=(-3, 2.5)),
             ("window",)),
        Case(a, "event_study: window text", lambda: es(window="(-3, 3)"), ("window",)),
        Case(a, "event_study: window one number", lambda: es(window=(-3,)), ("window",)),
        Case(a, "event_study: window leaves out ref_period", lambda: es(window=(0, 3)),
             ("window", "ref_period")),
        Case(a, "event_study: outcome typo", lambda: es(outcome="yy"), ("yy",)),
        Case(a, "event_study: unit NaN", lambda: es(data=panel_with("area", {4: np.nan})),
             ("area",)),
        Case(a, "event_study: time as text", lambda: es(data=d().assign(
            year=d()["year"].astype(str))), ("year",)),
        Case(a, "event_study: cohort text", lambda: es(data=d().assign(
            cohort=d()["cohort"].astype(str))), ("cohort",)),
        Case(a, "event_study: cohort negative", lambda: es(data=d().assign(
            cohort=np.where(d()["cohort"] == 0, -1, d()["cohort"]))), ("cohort",)),
        Case(a, "event_study: covariate typo", lambda: es(covariates=["xx"]), ("xx",)),
        Case(a, "event_study: covariate inf", lambda: es(data=panel_with("x", {1: np.inf}),
                                                         covariates=["x"]), ("x",)),
        Case(a, "event_study: cluster one value", lambda: es(data=d().assign(c=1),
                                                             cluster="c"), ("c", "cluster")),
        Case(a, "event_study: cluster typo", lambda: es(cluster="region"), ("region",)),
        Case(a, "event_study: duplicated unit-periods", lambda: es(data=pd.concat(
            [d(), d().iloc[:2].assign(y=0.0)], ignore_index=True)), ("duplicate", "repeat")),
        Case(a, "event_study: data None", lambda: es(data=None), ("data", "DataFrame")),
        Case(a, "event_study plot: ax a string", lambda: es().plot(ax="a"), ("ax",)),
        Case(a, "event_study plot: a keyword matplotlib refuses", lambda: es().plot(
            colour="k"), ("colour",)),
        Case(a, "event_study: window empty", lambda: es(window=(-1, -1)), ("window",)),
        Case(a, "event_study: reference after treatment", lambda: es(ref_period=0),
             ("ref_period",)),
        Case(a, "event_study: unit given as a number", lambda: es(unit=0), ("unit",)),
        Case(a, "bacon: time typo named by parameter", lambda: bacon(time="years"),
             ("'time' parameter",)),
        Case(a, "matched_did: treatment typo names the matched table", lambda: mdid(
            treatment="treat"), ("matched table",)),
        Case(a, "event_study: window with a bool", lambda: es(window=(-3, True)), ("window",)),
        Case(a, "event_study: covariates formula with another outcome", lambda: es(
            covariates="count ~ x"), ("count", "outcome")),
        Case(a, "event_study: covariate is the outcome", lambda: es(covariates=["y"]),
             ("y", "outcome")),
        Case(a, "event_study tidy: level -0.5", lambda: es().tidy(-0.5), ("level",)),
    ]


def _bacon_cases():
    a = "did2"
    d = panel_data
    return [
        Case(a, "bacon: time NaN", lambda: bacon(data=panel_with("year", {4: np.nan})),
             ("year",)),
        Case(a, "bacon: time as text", lambda: bacon(data=d().assign(
            year=d()["year"].astype(str))), ("year",)),
        Case(a, "bacon: unit typo", lambda: bacon(unit="id"), ("id",)),
        Case(a, "bacon: time typo", lambda: bacon(time="yr"), ("yr",)),
        Case(a, "bacon: unit and time the same column", lambda: bacon(unit="year"),
             ("unit", "time")),
        Case(a, "bacon: treatment text", lambda: bacon(data=panel_with("treated", {3: "y"})),
             ("treated",)),
        Case(a, "bacon: always-treated units", lambda: bacon(data=d().assign(
            treated=np.where(d()["area"] < 3, 1, d()["treated"]))), ("treated", "first")),
        Case(a, "bacon: outcome None", lambda: bacon(outcome=None), ("outcome",)),
        Case(a, "bacon plot: ax a number", lambda: bacon().plot(ax=1), ("ax",)),
        Case(a, "bacon tidy: level text", lambda: bacon().tidy("95%"), ("level",)),
        Case(a, "bacon plot: a keyword matplotlib refuses", lambda: bacon().plot(size=3),
             ("size",)),
        Case(a, "bacon: treatment and outcome the same column", lambda: bacon(
            outcome="treated"), ("outcome", "treatment")),
    ]


def _matched_cases():
    a = "did2"
    t = _table
    return [
        Case(a, "matched_did: panel not a DataFrame", lambda: mdid(panel=[1, 2]),
             ("panel", "DataFrame")),
        Case(a, "matched_did: matched None", lambda: et.did.matched_did(
            _panel(), None, outcome="y", pre=(-3, 0), post=(0, 3)),
             ("matched", "DataFrame")),
        Case(a, "matched_did: matched empty", lambda: mdid(table=t().iloc[:0]),
             ("matched", "row", "empty")),
        Case(a, "matched_did: outcome typo", lambda: mdid(outcome="yy"), ("yy",)),
        Case(a, "matched_did: outcome NaN", lambda: mdid(panel=_set(_panel(), "y", {3: np.nan})),
             ("y",)),
        Case(a, "matched_did: exposure typo", lambda: mdid(exposure="time_at_risk"),
             ("time_at_risk",)),
        Case(a, "matched_did: exposure NaN", lambda: mdid(
            panel=_set(_panel(), "exposure", {3: np.nan})), ("exposure",)),
        Case(a, "matched_did: exposure negative", lambda: mdid(
            panel=_set(_panel(), "exposure", {3: -1.0})), ("exposure",)),
        Case(a, "matched_did: pre with a float", lambda: mdid(pre=(-3.5, 0)), ("pre",)),
        Case(a, "matched_did: pre text", lambda: mdid(pre="(-3, 0)"), ("pre",)),
        Case(a, "matched_did: pre empty", lambda: mdid(pre=(0, 0)), ("pre",)),
        Case(a, "matched_did: post reversed", lambda: mdid(post=(3, 0)), ("post",)),
        Case(a, "matched_did: pre None", lambda: mdid(pre=None), ("pre",)),
        Case(a, "matched_did: windows outside the panel", lambda: mdid(
            pre=(-100, -50), post=(50, 100)), ("pre", "post", "window")),
        Case(a, "matched_did: rates 'no'", lambda: mdid(rates="no"), ("rates",)),
        Case(a, "matched_did: rates 1", lambda: mdid(rates=1), ("rates",)),
        Case(a, "matched_did: weights typo", lambda: mdid(weights="weight"), ("weight",)),
        Case(a, "matched_did: weights negative", lambda: mdid(
            table=_set(t(), "weights", {2: -1.0})), ("weights",)),
        Case(a, "matched_did: weights NaN", lambda: mdid(
            table=_set(t(), "weights", {2: np.nan})), ("weights",)),
        Case(a, "matched_did: weights all zero", lambda: mdid(table=t().assign(weights=0.0)),
             ("weights",)),
        Case(a, "matched_did: controls with zero weight", lambda: mdid(
            table=t().assign(weights=np.where(t()["treated"] == 1, 1.0, 0.0))),
             ("weights", "control")),
        Case(a, "matched_did: subclass typo", lambda: mdid(subclass="set"), ("set",)),
        Case(a, "matched_did: subclass NaN", lambda: mdid(
            table=_set(t(), "subclass", {4: np.nan})), ("subclass",)),
        Case(a, "matched_did: treatment coded 1/2", lambda: mdid(
            table=t().assign(treated=t()["treated"] + 1)), ("treated",)),
        Case(a, "matched_did: no controls", lambda: mdid(table=t().assign(treated=1)),
             ("treated",)),
        Case(a, "matched_did: unit ids of another dtype", lambda: mdid(
            table=t().assign(match_id=t()["match_id"].astype(str))), ("match_id", "dtype")),
        Case(a, "matched_did: unit typo", lambda: mdid(unit="id"), ("id",)),
        Case(a, "matched_did: time typo", lambda: mdid(time="period"), ("period",)),
        Case(a, "matched_did: time as text", lambda: mdid(panel=_panel().assign(
            rel_period=_panel()["rel_period"].astype(str))), ("rel_period",)),
        Case(a, "matched_did: duplicated unit-periods", lambda: mdid(panel=pd.concat(
            [_panel(), _panel().iloc[:3]], ignore_index=True)), ("duplicate", "repeat")),
        Case(a, "matched_did: outcome None", lambda: mdid(outcome=None), ("outcome",)),
        Case(a, "matched_did: no matched id in the panel", lambda: mdid(
            table=t().assign(match_id=t()["match_id"] + 1000)), ("match_id",)),
        Case(a, "matched_did: no person-time anywhere", lambda: mdid(
            panel=_panel().assign(exposure=0.0)), ("exposure",)),
        Case(a, "matched_did: pre with a bool", lambda: mdid(pre=(True, 2)), ("pre",)),
        Case(a, "matched_did: exposure with rates=False", lambda: mdid(
            panel=_panel().assign(py=1.0), rates=False, exposure="py"), ("exposure", "rates")),
        Case(a, "matched_did: unit and time the same column", lambda: mdid(unit="rel_period"),
             ("unit", "time")),
        Case(a, "matched_did: weights text", lambda: mdid(table=t().assign(weights="1")),
             ("weights",)),
        Case(a, "did_2x2: exposure is the outcome", lambda: two(
            outcome="count", family="poisson", exposure="count"), ("exposure", "outcome")),
        Case(a, "did_2x2: covariates formula with another outcome", lambda: two(
            covariates="count ~ x"), ("count", "outcome")),
    ]


def _data_cases():
    """Columns that hold no information (a constant outcome) or values no period can have."""
    a = "did2"
    d = panel_data
    flat = {"y": 4.0}
    return [
        Case("attgt2", "outcome the same in every row", lambda: att(data=d().assign(**flat)),
             ("y", "outcome")),
        Case(a, "did_2x2: outcome the same in every row", lambda: two(
            data=d().assign(**flat)), ("y", "outcome")),
        Case(a, "twfe: outcome the same in every row", lambda: tw(data=d().assign(**flat)),
             ("y", "outcome")),
        Case(a, "event_study: outcome the same in every row", lambda: es(
            data=d().assign(**flat)), ("y", "outcome")),
        Case(a, "bacon: outcome the same in every row", lambda: bacon(
            data=d().assign(**flat)), ("y", "outcome")),
        Case(a, "matched_did: no events for anyone", lambda: mdid(
            panel=_panel().assign(y=0.0)), ("y", "outcome")),
        Case(a, "twfe: time inf", lambda: tw(data=panel_with("year", {3: np.inf})),
             ("year",)),
        Case(a, "event_study: time inf", lambda: es(data=panel_with("year", {3: -np.inf})),
             ("year",)),
        Case(a, "bacon: time inf", lambda: bacon(data=panel_with("year", {3: np.inf})),
             ("year",)),
        Case(a, "matched_did: time inf", lambda: mdid(panel=_panel().assign(
            rel_period=lambda p: np.where(p.index == 3, np.inf, p["rel_period"]))),
             ("rel_period",)),
        Case(a, "did_2x2: poisson count too large to fit", lambda: two(
            data=panel_with("count", {3: 1e300}), outcome="count", family="poisson",
            exposure="pop"), ("count", "exposure")),
        Case(a, "event_study: cohorts after every period", lambda: es(
            data=d().assign(year=-d()["year"])), ("cohort",)),
        Case(a, "event_study: outcome too large to test", lambda: es(
            data=panel_with("y", {3: 1e300})), ("outcome",)),
    ]


def cases() -> list[Case]:
    return [*_attgt_cases(), *_aggregate_cases(), *_regression_cases(), *_event_cases(),
            *_bacon_cases(), *_matched_cases(), *_data_cases()]
