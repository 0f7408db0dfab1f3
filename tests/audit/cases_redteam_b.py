"""Hostile and careless inputs to DiD, RTM, sensitivity, economics, evidence, disclosure and
reporting: pandas dtype variants, odd sizes, results fed to the wrong step, hostile text."""

from __future__ import annotations

from functools import cache

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import evaltools as et  # noqa: E402

from .catalogue import (  # noqa: E402
    Case,
    _rtm_panel,
    att,
    bacon,
    es,
    fit,
    matched,
    panel_data,
    people,
    tw,
    two,
)
from .catalogue import matched_did as mdid
from .catalogue import matched_did_panel as _mdid_panel
from .catalogue import matched_did_table as _mdid_table

POP = {"mean": 0.3, "dispersion": 0.5, "stability": 0.5}
BC = {"unit_cost": 2000.0, "people": 500, "cost": 250_000.0, "years": 3}


@cache
def fit_2x2():
    return two()


def pd_with(**cols):
    """The panel with some columns replaced (values computed from the panel)."""
    d = panel_data().copy()
    for name, make in cols.items():
        d[name] = make(d)
    return d


def _na_at(series, rows=(3, 10)):
    s = series.copy()
    s.iloc[list(rows)] = pd.NA
    return s


# ------------------------------------------------------------------------------- did

def _did_dtype_cases():
    a = "did_rt"
    return [
        Case(a, "att_gt: cohort nullable Int64 with NA", lambda: att(data=pd_with(
            cohort=lambda d: _na_at(d["cohort"].astype("Int64")))), ("cohort",)),
        Case(a, "att_gt: outcome Float64 with NA", lambda: att(data=pd_with(
            y=lambda d: _na_at(d["y"].astype("Float64")))), ("y",)),
        Case(a, "att_gt: cohort as category", lambda: att(data=pd_with(
            cohort=lambda d: d["cohort"].astype("category"))), ("cohort",)),
        Case(a, "att_gt: time as Period", lambda: att(data=pd_with(
            year=lambda d: pd.PeriodIndex(d["year"].astype(str), freq="Y").to_series(
                index=d.index))), ("year",)),
        Case(a, "att_gt: time as tz-aware dates", lambda: att(data=pd_with(
            year=lambda d: pd.to_datetime(d["year"].astype(str)).dt.tz_localize("UTC"))),
             ("year",)),
        Case(a, "att_gt: time as timedelta", lambda: att(data=pd_with(
            year=lambda d: pd.to_timedelta(d["year"] - 2010, unit="D"))), ("year",)),
        Case(a, "att_gt: outcome string[pyarrow] numbers", lambda: att(data=pd_with(
            y=lambda d: d["y"].round(3).astype(str).astype("string[pyarrow]"))), ("y",)),
        Case(a, "att_gt: outcome object mixing numbers and text", lambda: att(data=pd_with(
            y=lambda d: d["y"].astype(object).where(d.index != 5, "missing"))), ("y",)),
        Case(a, "att_gt: outcome a Series not a name", lambda: att(outcome=panel_data()["y"]),
             ("outcome",)),
        Case(a, "att_gt: outcome a numpy array", lambda: att(
            outcome=panel_data()["y"].to_numpy()), ("outcome",)),
        Case(a, "att_gt: duplicated column names", lambda: att(data=pd.concat(
            [panel_data(), panel_data()[["y"]]], axis=1)), ("y", "duplicate", "repeated")),
        Case(a, "att_gt: MultiIndex columns", lambda: att(data=panel_data().set_axis(
            pd.MultiIndex.from_product([["a"], panel_data().columns]), axis=1)),
             ("data", "MultiIndex", "column")),
        Case(a, "att_gt: data a Series", lambda: att(data=panel_data()["y"]),
             ("data", "DataFrame")),
        Case(a, "att_gt: data a numpy array", lambda: att(data=panel_data().to_numpy()),
             ("data", "DataFrame")),
        Case(a, "att_gt: cohort 1e300", lambda: att(data=pd_with(
            cohort=lambda d: d["cohort"].astype(float).where(d["cohort"] == 0, 1e300))),
             ("cohort",)),
        Case(a, "att_gt: outcome 1e300", lambda: att(data=pd_with(
            y=lambda d: d["y"] * 1e300)), ("y", "outcome")),
        Case(a, "att_gt: cluster a column of lists", lambda: att(data=pd_with(
            cl=lambda d: [[u] for u in d["area"]]), cluster="cl"), ("cl",)),
        Case(a, "att_gt: covariate ordered category", lambda: att(covariates=["x"], data=pd_with(
            x=lambda d: pd.Categorical(np.where(d["x"] > 0, "hi", "lo"),
                                       categories=["lo", "hi"], ordered=True))), ("x",)),
        Case(a, "att_gt: covariates formula hostile", lambda: att(
            covariates="~ x + open('/etc/passwd').read()"), ("formula", "covariates")),
        Case(a, "att_gt: unit column with pd.NA in strings", lambda: att(data=pd_with(
            area=lambda d: _na_at(d["area"].astype(str).astype("string")))), ("area",)),
        Case(a, "att_gt: two rows", lambda: att(data=panel_data().iloc[:2]),
             ("row", "period", "unit", "data", "cohort", "never")),
        Case(a, "att_gt: one treated unit", lambda: att(data=panel_data().query(
            "cohort == 0 or area == 0")), ("cohort", "min_cell", "unit", "2013")),
        Case(a, "att_gt: cohort coded as the year before data starts", lambda: att(
            data=pd_with(cohort=lambda d: d["cohort"].where(d["cohort"] == 0, 1990))),
             ("cohort", "1990", "treated before", "first period")),
        Case(a, "att_gt: outcome named like HTML", lambda: att(outcome="<script>alert(1)</script>"),
             ("outcome", "script")),
        Case(a, "att_gt: unit bool True", lambda: att(unit=True), ("unit",)),
        Case(a, "att_gt: min_cell bool", lambda: att(min_cell=True), ("min_cell",)),
        Case(a, "att_gt: random_state a generator string", lambda: att(
            bootstrap=True, n_boot=50, random_state="seed"), ("random_state",)),
    ]


def _did_result_cases():
    a = "did_rt"
    return [
        Case(a, "aggregate: called on an AggregateResult", lambda: fit().aggregate(
            "simple").aggregate("dynamic"), ("aggregate",)),
        Case(a, "aggregate: kind a list", lambda: fit().aggregate(["simple"]), ("kind",)),
        Case(a, "aggregate: balance_e True", lambda: fit().aggregate("dynamic", balance_e=True),
             ("balance_e",)),
        Case(a, "aggregate: min_e above max_e", lambda: fit().aggregate(
            "dynamic", min_e=2, max_e=-2), ("min_e", "max_e")),
        Case(a, "tidy: level '95%'", lambda: fit().tidy("95%"), ("level",)),
        Case(a, "tidy: level True", lambda: fit().tidy(True), ("level",)),
        Case(a, "conf_int: level 95", lambda: fit().conf_int(95), ("level",)),
        Case(a, "aggregate tidy: level '0.95'", lambda: fit().aggregate("dynamic").tidy("0.95"),
             ("level",)),
        Case(a, "plot: ax a Figure", lambda: fit().plot(ax=__import__(
            "matplotlib.pyplot").pyplot.figure()), ("ax",)),
        Case(a, "plot: ax a list", lambda: fit().plot(ax=[1, 2]), ("ax",)),
        Case(a, "did_2x2 tidy: level -1", lambda: fit_2x2().tidy(-1), ("level",)),
        Case(a, "did_2x2 conf_int: level None", lambda: fit_2x2().conf_int(None), ("level",)),
        Case(a, "event_study tidy: level 2", lambda: es().tidy(2), ("level",)),
        Case(a, "bacon conf_int: level '90'", lambda: bacon().conf_int("90"), ("level",)),
        Case(a, "event_study plot: ax a Figure", lambda: es().plot(ax=__import__(
            "matplotlib.pyplot").pyplot.figure()), ("ax",)),
        Case(a, "bacon plot: ax a string", lambda: bacon().plot(ax="top"), ("ax",)),
    ]


def _did_2x2_cases():
    a = "did_rt"
    return [
        Case(a, "did_2x2: treatment category of text", lambda: two(data=pd_with(
            ever=lambda d: pd.Categorical(np.where(d["ever"] == 1, "treated", "control")))),
             ("ever",)),
        Case(a, "did_2x2: treatment boolean with NA", lambda: two(data=pd_with(
            ever=lambda d: _na_at(d["ever"].astype("boolean")))), ("ever",)),
        Case(a, "did_2x2: post Int64 with NA", lambda: two(data=pd_with(
            post=lambda d: _na_at(d["post"].astype("Int64")))), ("post",)),
        Case(a, "did_2x2: post as dates", lambda: two(data=pd_with(
            post=lambda d: pd.to_datetime(d["year"].astype(str)))), ("post",)),
        Case(a, "did_2x2: outcome Int64 with NA", lambda: two(data=pd_with(
            y=lambda d: _na_at(d["count"].astype("Int64")))), ("y",)),
        Case(a, "did_2x2: poisson negative outcome", lambda: two(family="poisson", data=pd_with(
            y=lambda d: d["count"] - 10)), ("y", "negative", "outcome")),
        Case(a, "did_2x2: exposure as text", lambda: two(family="poisson", exposure="pop",
                                                          data=pd_with(y=lambda d: d["count"],
                                                                       pop=lambda d: "1.0")),
             ("pop",)),
        Case(a, "did_2x2: exposure with gaussian", lambda: two(exposure="pop"),
             ("exposure", "family")),
        Case(a, "did_2x2: covariate ordered category", lambda: two(covariates=["x"], data=pd_with(
            x=lambda d: pd.Categorical(np.where(d["x"] > 0, "hi", "lo"),
                                       categories=["lo", "hi"], ordered=True))), ("x",)),
        Case(a, "did_2x2: cluster string NA", lambda: two(cluster="cl", data=pd_with(
            cl=lambda d: _na_at(d["area"].astype(str).astype("string")))), ("cl",)),
        Case(a, "did_2x2: two rows", lambda: two(data=panel_data().iloc[[0, 100]]),
             ("row", "data", "ever", "post", "group", "cell")),
        Case(a, "did_2x2: treatment coded -1/1", lambda: two(data=pd_with(
            ever=lambda d: 2 * d["ever"] - 1)), ("ever",)),
        Case(a, "did_2x2: family a list", lambda: two(family=["gaussian"]), ("family",)),
        Case(a, "did_2x2: unit a Series", lambda: two(unit=panel_data()["area"]), ("unit",)),
        Case(a, "did_2x2: post with all rows post", lambda: two(data=pd_with(post=lambda d: 1)),
             ("post",)),
        Case(a, "did_2x2: treatment varies within unit", lambda: two(data=pd_with(
            ever=lambda d: d["treated"])), ("ever", "unit", "within")),
    ]


def _twfe_cases():
    a = "did_rt"
    return [
        Case(a, "twfe: treatment continuous", lambda: tw(data=pd_with(
            treated=lambda d: d["treated"] * 0.5)), ("treated",)),
        Case(a, "twfe: treatment boolean with NA", lambda: tw(data=pd_with(
            treated=lambda d: _na_at(d["treated"].astype("boolean")))), ("treated",)),
        Case(a, "twfe: time as Period", lambda: tw(data=pd_with(
            year=lambda d: pd.PeriodIndex(d["year"].astype(str), freq="Y").to_series(
                index=d.index))), ("year",)),
        Case(a, "twfe: outcome Int64 with NA", lambda: tw(data=pd_with(
            y=lambda d: _na_at(d["count"].astype("Int64")))), ("y",)),
        Case(a, "twfe: duplicated unit-periods", lambda: tw(data=pd.concat(
            [panel_data(), panel_data().iloc[:5]])), ("area", "year", "duplicate", "repeated")),
        Case(a, "twfe: treatment coded 1/2", lambda: tw(data=pd_with(
            treated=lambda d: d["treated"] + 1)), ("treated",)),
        Case(a, "twfe: nobody treated", lambda: tw(data=pd_with(treated=lambda d: 0)),
             ("treated",)),
        Case(a, "twfe: outcome object numbers and text", lambda: tw(data=pd_with(
            y=lambda d: d["y"].astype(object).where(d.index != 2, "?"))), ("y",)),
        Case(a, "twfe: unit a list", lambda: tw(unit=["area"]), ("unit",)),
        Case(a, "twfe: data MultiIndex rows", lambda: tw(data=panel_data().set_index(
            ["area", "year"], drop=False)), ("index", "area", "year", "data")),
    ]


def _event_bacon_cases():
    a = "did_rt"
    return [
        Case(a, "event_study: window reversed", lambda: es(window=(3, -3)), ("window",)),
        Case(a, "event_study: window huge", lambda: es(window=(-10**9, 10**9)),
             ("window",)),
        Case(a, "event_study: ref_period 10**12", lambda: es(ref_period=10**12),
             ("ref_period",)),
        Case(a, "event_study: cohort Int64 with NA", lambda: es(data=pd_with(
            cohort=lambda d: _na_at(d["cohort"].astype("Int64")))), ("cohort",)),
        Case(a, "event_study: cohort float 2013.5", lambda: es(data=pd_with(
            cohort=lambda d: d["cohort"].astype(float).where(d["cohort"] != 2013, 2013.5))),
             ("cohort",)),
        Case(a, "event_study: window a dict", lambda: es(window={"lo": -3, "hi": 3}),
             ("window",)),
        Case(a, "event_study: outcome boolean with NA", lambda: es(data=pd_with(
            y=lambda d: _na_at((d["y"] > 2).astype("boolean")))), ("y",)),
        Case(a, "bacon: treatment Int64 with NA", lambda: bacon(data=pd_with(
            treated=lambda d: _na_at(d["treated"].astype("Int64")))), ("treated",)),
        Case(a, "bacon: duplicated unit-periods", lambda: bacon(data=pd.concat(
            [panel_data(), panel_data().iloc[:5]])), ("area", "year", "duplicate", "repeated")),
        Case(a, "bacon: treatment coded 1/2", lambda: bacon(data=pd_with(
            treated=lambda d: d["treated"] + 1)), ("treated",)),
        Case(a, "bacon: time as Period", lambda: bacon(data=pd_with(
            year=lambda d: pd.PeriodIndex(d["year"].astype(str), freq="Y").to_series(
                index=d.index))), ("year",)),
        Case(a, "bacon: outcome NaN", lambda: bacon(data=pd_with(
            y=lambda d: d["y"].where(d.index != 4))), ("y",)),
        Case(a, "bacon: nobody treated", lambda: bacon(data=pd_with(treated=lambda d: 0)),
             ("treated",)),
        Case(a, "bacon: data a list", lambda: bacon(data=[[1, 2]]), ("data", "DataFrame")),
    ]


def _matched_did_cases():
    a = "did_rt"
    return [
        Case(a, "matched_did: a MatchResult as the table", lambda: mdid(table=matched()),
             ("matched", "DataFrame", "MatchResult")),
        Case(a, "matched_did: an ATTgtResult as the panel", lambda: mdid(panel=fit()),
             ("panel", "DataFrame")),
        Case(a, "matched_did: pre reversed", lambda: mdid(pre=(0, -3)), ("pre",)),
        Case(a, "matched_did: pre overlaps post", lambda: mdid(pre=(-3, 2), post=(0, 3)),
             ("pre", "post", "overlap")),
        Case(a, "matched_did: outcome Int64 with NA", lambda: mdid(panel=_mdid_panel().assign(
            y=lambda d: _na_at(d["y"].astype("Int64")))), ("y",)),
        Case(a, "matched_did: time as Period", lambda: mdid(panel=_mdid_panel().assign(
            rel_period=lambda d: pd.PeriodIndex(
                (d["rel_period"] + 2020).astype(str), freq="Y").to_series(index=d.index))),
             ("rel_period",)),
        Case(a, "matched_did: repeated match_id in table", lambda: mdid(table=pd.concat(
            [_mdid_table(), _mdid_table().iloc[:3]])), ("match_id", "duplicate", "repeated")),
        Case(a, "matched_did: treatment as category text", lambda: mdid(
            table=_mdid_table().assign(treated=lambda d: pd.Categorical(
                np.where(d["treated"] == 1, "yes", "no")))), ("treated",)),
        Case(a, "matched_did: weights inf", lambda: mdid(table=_mdid_table().assign(
            weights=lambda d: d["weights"].where(d.index != 2, np.inf))), ("weights",)),
        Case(a, "matched_did: pre a string", lambda: mdid(pre="-3:0"), ("pre",)),
        Case(a, "matched_did: outcome a list", lambda: mdid(outcome=["y"]), ("outcome",)),
        Case(a, "matched_did: exposure boolean", lambda: mdid(panel=_mdid_panel().assign(
            exposure=True)), ("exposure",)),
    ]


# ------------------------------------------------------------------------------- rtm

def _rtm_normal_cases():
    a, normal, solve = "rtm_rt", et.rtm.expected_rtm_normal, et.rtm.solve_rtm_normal
    return [
        Case(a, "normal: mean an array", lambda: normal(np.array([10, 11]), 2, 0.5, 12),
             ("mean",)),
        Case(a, "normal: cutoff NaN", lambda: normal(10, 2, 0.5, np.nan), ("cutoff",)),
        Case(a, "normal: sd 1e300", lambda: normal(10, 1e300, 0.5, 12), ("sd",)),
        Case(a, "normal: r True", lambda: normal(10, 2, True, 12), ("r",)),
        Case(a, "normal: tail upper case", lambda: normal(10, 2, 0.5, 12, tail="UPPER"),
             ("tail",)),
        Case(a, "normal: n_baseline True", lambda: normal(10, 2, 0.5, 12, n_baseline=True),
             ("n_baseline",)),
        Case(a, "normal: random_state text", lambda: normal(
            10, 2, 0.5, 12, n=100, random_state="seed"), ("random_state",)),
        Case(a, "normal: mean None", lambda: normal(None, 2, 0.5, 12), ("mean",)),
        Case(a, "normal: cutoff a dict", lambda: normal(10, 2, 0.5, {"lo": 8}), ("cutoff",)),
        Case(a, "solve: change NaN", lambda: solve(np.nan, 10, 2, r=0.5), ("change",)),
        Case(a, "solve: sd zero", lambda: solve(-1, 10, 0, r=0.5), ("sd",)),
        Case(a, "solve: mean text", lambda: solve(-1, "10", 2, r=0.5), ("mean",)),
        Case(a, "solve: r True", lambda: solve(-1, 10, 2, r=True), ("r",)),
        Case(a, "solve: cutoff NaN", lambda: solve(-1, 10, 2, cutoff=np.nan), ("cutoff",)),
    ]


def _rtm_count_cases():
    a, cm = "rtm_rt", et.rtm.CountModel
    model = cm(**POP)
    return [
        Case(a, "count model: mean negative", lambda: cm(mean=-1, dispersion=0.5,
                                                          stability=0.5), ("mean",)),
        Case(a, "count model: dispersion zero", lambda: cm(mean=0.3, dispersion=0,
                                                            stability=0.5), ("dispersion",)),
        Case(a, "count model: stability negative", lambda: cm(mean=0.3, dispersion=0.5,
                                                               stability=-0.5), ("stability",)),
        Case(a, "count model: stability True", lambda: cm(mean=0.3, dispersion=0.5,
                                                           stability=True), ("stability",)),
        Case(a, "count model: mean text", lambda: cm(mean="0.3", dispersion=0.5,
                                                      stability=0.5), ("mean",)),
        Case(a, "counts: threshold NaN", lambda: et.rtm.expected_rtm_counts(
            model, threshold=np.nan), ("threshold",)),
        Case(a, "counts: top zero", lambda: et.rtm.expected_rtm_counts(model, top=0), ("top",)),
        Case(a, "counts: top negative", lambda: et.rtm.expected_rtm_counts(model, top=-0.1),
             ("top",)),
        Case(a, "counts: both threshold and top", lambda: et.rtm.expected_rtm_counts(
            model, threshold=2, top=0.1), ("threshold", "top")),
        Case(a, "counts: neither threshold nor top", lambda: et.rtm.expected_rtm_counts(model),
             ("threshold", "top")),
        Case(a, "counts: model an RTMEstimate", lambda: et.rtm.expected_rtm_counts(
            et.rtm.expected_rtm_counts(model, threshold=2), threshold=2), ("model",)),
        Case(a, "counts: model a DataFrame", lambda: et.rtm.expected_rtm_counts(
            _rtm_panel(), threshold=2), ("model",)),
        Case(a, "counts: threshold True", lambda: et.rtm.expected_rtm_counts(
            model, threshold=True), ("threshold",)),
    ]


def _rtm_fit_cases():
    a, f, tr = "rtm_rt", et.rtm.fit_count_model, et.rtm.selection_trajectory
    p = _rtm_panel
    return [
        Case(a, "fit: outcome Int64 with NA", lambda: f(p().assign(
            emergency=lambda d: _na_at(d["emergency"].astype("Int64"))), "emergency"),
             ("emergency",)),
        Case(a, "fit: outcome non-integer counts", lambda: f(p().assign(
            emergency=lambda d: d["emergency"] + 0.5), "emergency"), ("emergency", "integer")),
        Case(a, "fit: time as Period", lambda: f(p().assign(
            rel_period=lambda d: pd.PeriodIndex((d["rel_period"] + 2020).astype(str),
                                                freq="Y").to_series(index=d.index)),
            "emergency"), ("rel_period",)),
        Case(a, "fit: unit a list", lambda: f(p(), "emergency", unit=["person_id"]), ("unit",)),
        Case(a, "fit: outcome a Series", lambda: f(p(), p()["emergency"]), ("outcome",)),
        Case(a, "fit: outcome category", lambda: f(p().assign(
            emergency=lambda d: d["emergency"].astype("category")), "emergency"),
             ("emergency",)),
        Case(a, "fit: one person", lambda: f(p().query("person_id == 0"), "emergency"),
             ("person", "unit", "emergency", "row")),
        Case(a, "fit: one period", lambda: f(p().query("rel_period == 0"), "emergency"),
             ("period", "rel_period")),
        Case(a, "fit: outcome boolean", lambda: f(p().assign(
            emergency=lambda d: d["emergency"] > 0), "emergency"), ("emergency",)),
        Case(a, "trajectory: select_period a list", lambda: tr(
            p(), outcome="emergency", select_period=[0, 1], threshold=2), ("select_period",)),
        Case(a, "trajectory: before negative", lambda: tr(
            p(), outcome="emergency", select_period=0, threshold=2, before=-1), ("before",)),
        Case(a, "trajectory: after 10**9", lambda: tr(
            p(), outcome="emergency", select_period=0, threshold=2, after=10**9), ("after",)),
        Case(a, "trajectory: outcome Int64 with NA", lambda: tr(p().assign(
            emergency=lambda d: _na_at(d["emergency"].astype("Int64"))), outcome="emergency",
            select_period=0, threshold=2), ("emergency",)),
        Case(a, "trajectory: top above 1", lambda: tr(
            p(), outcome="emergency", select_period=0, top=5), ("top",)),
        Case(a, "trajectory: repeated person-period", lambda: tr(pd.concat(
            [p(), p().iloc[:4]]), outcome="emergency", select_period=0, threshold=2),
             ("person_id", "duplicate", "repeated")),
        Case(a, "trajectory: before True", lambda: tr(
            p(), outcome="emergency", select_period=0, threshold=2, before=True), ("before",)),
    ]


def _rtm_decompose_cases():
    a, dc, dm = "rtm_rt", et.rtm.decompose_change, et.rtm.decompose_with_model
    tb, ta, cb, ca = [3.0, 2, 4, 5], [1.0, 2, 1, 2], [2.0, 2, 2, 3], [1.0, 1, 1, 2]
    model = et.rtm.CountModel(**POP)
    return [
        Case(a, "decompose: treated_before None", lambda: dc(None, ta, cb, ca),
             ("treated_before",)),
        Case(a, "decompose: a comma-separated string", lambda: dc("3,2,4,5", ta, cb, ca),
             ("treated_before",)),
        Case(a, "decompose: nullable Int64 with NA", lambda: dc(
            pd.Series([3, 2, pd.NA, 5], dtype="Int64"), ta, cb, ca), ("treated_before",)),
        Case(a, "decompose: a dict", lambda: dc({"a": 3.0, "b": 2.0}, ta, cb, ca),
             ("treated_before",)),
        Case(a, "decompose: population_before negative", lambda: dc(
            tb, ta, cb, ca, population_before=-1.0, population_after=1.0),
             ("population_before",)),
        Case(a, "decompose: population a list", lambda: dc(
            tb, ta, cb, ca, population_before=[1.0, 2.0], population_after=1.0),
             ("population_before",)),
        Case(a, "decompose: one person per group", lambda: dc([3.0], [1.0], [2.0], [1.0],
                                                               progress=False),
             ("treated_before", "one", "two", "control_before")),
        Case(a, "decompose: object numbers and text", lambda: dc(
            np.array([3.0, "x", 4, 5], dtype=object), ta, cb, ca), ("treated_before",)),
        Case(a, "decompose: n_boot True", lambda: dc(tb, ta, cb, ca, n_boot=True), ("n_boot",)),
        Case(a, "with_model: model an RTMEstimate", lambda: dm(
            tb, ta, model=et.rtm.expected_rtm_counts(model, threshold=2), threshold=2),
             ("model",)),
        Case(a, "with_model: treated_before negative", lambda: dm(
            [-3.0, 2, 4], [1.0, 2, 1], model=model, threshold=2, progress=False),
             ("treated_before",)),
        Case(a, "with_model: threshold and top", lambda: dm(
            tb, ta, model=model, threshold=2, top=0.1, progress=False), ("threshold", "top")),
        Case(a, "with_model: lengths differ", lambda: dm(
            tb, ta[:2], model=model, threshold=2, progress=False),
             ("treated_before", "treated_after", "length")),
        Case(a, "audit: population a CountModel with a DataFrame", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=100, threshold=2, population=_rtm_panel()),
             ("population",)),
        Case(a, "audit: n True", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=True, threshold=2, population=POP), ("n",)),
        Case(a, "audit: threshold NaN", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=100, threshold=np.nan, population=POP), ("threshold",)),
        Case(a, "audit: before an array", lambda: et.rtm.audit_claim(
            before=np.array([2.9, 3.0]), after=1.5, n=100, threshold=2, population=POP),
             ("before",)),
        Case(a, "audit: population dict with extra keys", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=100, threshold=2, population={**POP, "meen": 0.1}),
             ("population", "meen")),
        Case(a, "audit: top above 1", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=100, top=20, population=POP), ("top",)),
    ]


# ----------------------------------------------------------------------- sensitivity

def _sensitivity_cases():
    a, e, rb = "sensitivity_rt", et.sensitivity.e_value, et.sensitivity.rosenbaum_bounds
    diffs = np.random.default_rng(3).normal(0.5, 1, 50)
    return [
        Case(a, "e_value: estimate an array", lambda: e(np.array([1.5, 2.0])), ("estimate",)),
        Case(a, "e_value: estimate a DiDResult", lambda: e(fit_2x2()), ("estimate",)),
        Case(a, "e_value: estimate True", lambda: e(True), ("estimate",)),
        Case(a, "e_value: ratio zero", lambda: e(0.0), ("estimate",)),
        Case(a, "e_value: true negative", lambda: e(1.5, true=-1), ("true",)),
        Case(a, "e_value: true NaN", lambda: e(1.5, true=np.nan), ("true",)),
        Case(a, "e_value: lower NaN", lambda: e(1.5, lower=np.nan, upper=2.0), ("lower",)),
        Case(a, "e_value: kind a list", lambda: e(1.5, kind=["rr"]), ("kind",)),
        Case(a, "e_value: estimate a Series", lambda: e(pd.Series([1.5])), ("estimate",)),
        Case(a, "rosenbaum: a DiDResult", lambda: rb(fit_2x2()), ("m_or_differences",
                                                                  "differences", "MatchResult")),
        Case(a, "rosenbaum: a DataFrame", lambda: rb(people()[["y"]]),
             ("m_or_differences", "differences", "MatchResult", "DataFrame")),
        Case(a, "rosenbaum: list with None", lambda: rb([0.5, None, 1.0, 2.0]),
             ("differences",)),
        Case(a, "rosenbaum: gammas empty", lambda: rb(diffs, gammas=[]), ("gamma",)),
        Case(a, "rosenbaum: gammas inf", lambda: rb(diffs, gammas=[1, np.inf]), ("gamma",)),
        Case(a, "rosenbaum: alpha True", lambda: rb(diffs, alpha=True), ("alpha",)),
        Case(a, "rosenbaum: one difference", lambda: rb(np.array([0.4])),
             ("differences", "pair")),
        Case(a, "rosenbaum: all differences zero, dropped", lambda: rb(
            np.zeros(20), zeros="drop"), ("differences", "zero")),
        Case(a, "rosenbaum: Int64 with NA", lambda: rb(pd.Series(
            [1, 2, pd.NA, 3, 1, 2], dtype="Int64")), ("differences", "missing", "NaN")),
        Case(a, "rosenbaum: outcome a Series", lambda: rb(matched(), people()["y"]),
             ("outcome",)),
        Case(a, "rosenbaum: outcome with NaN in the matched data", lambda: rb(
            et.match(people().assign(y=lambda d: d["y"].where(d.index != 0)),
                     treatment="treated", covariates=["age", "x1"], random_state=1), "y"),
             ("y",)),
    ]


# -------------------------------------------------------------------------- economics

def _economics_cases():
    a, ec = "economics_rt", et.economics
    return [
        Case(a, "present_value: flows object with NA", lambda: ec.present_value(
            np.array([100.0, pd.NA, 100], dtype=object)), ("flows",)),
        Case(a, "present_value: flows a string", lambda: ec.present_value("100"), ("flows",)),
        Case(a, "present_value: flows a two-column DataFrame", lambda: ec.present_value(
            pd.DataFrame({"a": [1.0, 2], "b": [3.0, 4]})), ("flows",)),
        Case(a, "present_value: rate NaN", lambda: ec.present_value([100.0, 100], np.nan),
             ("rate",)),
        Case(a, "present_value: rate a list", lambda: ec.present_value([100.0, 100], [0.03]),
             ("rate",)),
        Case(a, "present_value: rate 1e300", lambda: ec.present_value([100.0, 100], 1e300),
             ("rate",)),
        Case(a, "present_value: rate 3.5 (percent)", lambda: ec.present_value(
            [100.0, 100], 3.5), ("rate",)),
        Case(a, "present_value: flows 1e308", lambda: ec.present_value([1e308, 1e308, 1e308]),
             ("flows",)),
        Case(a, "discount_factors: n_years True", lambda: ec.discount_factors(True),
             ("n_years",)),
        Case(a, "discount_factors: n_years -1", lambda: ec.discount_factors(-1), ("n_years",)),
        Case(a, "discount_factors: n_years 2.5", lambda: ec.discount_factors(2.5),
             ("n_years",)),
        Case(a, "declining_schedule: years zero", lambda: ec.declining_schedule(0), ("years",)),
        Case(a, "declining_schedule: kind None", lambda: ec.declining_schedule(10, kind=None),
             ("kind",)),
        Case(a, "benefit_cost: effect an ATTgtResult", lambda: ec.benefit_cost(fit(), **BC),
             ("effect",)),
        Case(a, "benefit_cost: effect an array", lambda: ec.benefit_cost(
            np.array([0.1, 0.2, 0.3, 0.4, 0.5]), **BC), ("effect",)),
        Case(a, "benefit_cost: people True", lambda: ec.benefit_cost(
            0.2, **{**BC, "people": True}), ("people",)),
        Case(a, "benefit_cost: cost negative", lambda: ec.benefit_cost(
            0.2, **{**BC, "cost": -1.0}), ("cost",)),
        Case(a, "benefit_cost: years negative", lambda: ec.benefit_cost(
            0.2, **{**BC, "years": -1}), ("years",)),
        Case(a, "benefit_cost: rate NaN", lambda: ec.benefit_cost(0.2, **BC, rate=np.nan),
             ("rate",)),
        Case(a, "benefit_cost: attribution 1.5", lambda: ec.benefit_cost(
            0.2, **BC, attribution=1.5), ("attribution",)),
        Case(a, "benefit_cost: drop_off negative", lambda: ec.benefit_cost(
            0.2, **BC, drop_off=-0.1), ("drop_off",)),
        Case(a, "benefit_cost: method capitalised", lambda: ec.benefit_cost(
            0.2, **BC, method="Simulation"), ("method",)),
        Case(a, "benefit_cost: n_sim True", lambda: ec.benefit_cost(0.2, **BC, n_sim=True),
             ("n_sim",)),
        Case(a, "benefit_cost: effect tuple with NaN", lambda: ec.benefit_cost(
            (0.2, np.nan, 0.3), **BC), ("effect",)),
        Case(a, "benefit_cost: unit_cost a string", lambda: ec.benefit_cost(
            0.2, **{**BC, "unit_cost": "2000"}), ("unit_cost",)),
        Case(a, "adjusted_value: gross inf", lambda: ec.adjusted_value(np.inf), ("gross",)),
        Case(a, "adjusted_value: displacement negative", lambda: ec.adjusted_value(
            100.0, displacement=-0.2), ("displacement",)),
        Case(a, "adjusted_value: gross an array", lambda: ec.adjusted_value(
            np.array([1.0, 2.0])), ("gross",)),
        Case(a, "break_even: cost negative", lambda: ec.break_even_effect(
            unit_cost=2000.0, people=500, cost=-1.0), ("cost",)),
        Case(a, "break_even: years zero", lambda: ec.break_even_effect(
            unit_cost=2000.0, people=500, cost=1000.0, years=0), ("years",)),
        Case(a, "break_even: rate text", lambda: ec.break_even_effect(
            unit_cost=2000.0, people=500, cost=1000.0, rate="high"), ("rate",)),
        Case(a, "break_even: people True", lambda: ec.break_even_effect(
            unit_cost=2000.0, people=True, cost=1000.0), ("people",)),
        Case(a, "payments: outcomes a DataFrame", lambda: ec.outcome_payments(
            pd.DataFrame({"a": [1.0, 2], "b": [3.0, 4]}), [2.0, 2], tariff=100.0,
            service_cost=50.0, people=10), ("outcomes",)),
        Case(a, "payments: tariff NaN", lambda: ec.outcome_payments(
            [1.0, 2], [2.0, 2], tariff=np.nan, service_cost=50.0, people=10), ("tariff",)),
        Case(a, "payments: people zero", lambda: ec.outcome_payments(
            [1.0, 2], [2.0, 2], tariff=100.0, service_cost=50.0, people=0), ("people",)),
        Case(a, "payments: cap_total negative", lambda: ec.outcome_payments(
            [1.0, 2], [2.0, 2], tariff=100.0, service_cost=50.0, people=10, cap_total=-5.0),
             ("cap_total",)),
        Case(a, "payments: direction capitalised", lambda: ec.outcome_payments(
            [1.0, 2], [2.0, 2], tariff=100.0, service_cost=50.0, people=10,
            direction="Reduction"), ("direction",)),
        Case(a, "payments: baseline_kind unknown", lambda: ec.outcome_payments(
            [1.0, 2], [2.0, 2], tariff=100.0, service_cost=50.0, people=10,
            baseline_kind="predicted"), ("baseline_kind",)),
        Case(a, "payments: outcomes Int64 with NA", lambda: ec.outcome_payments(
            pd.Series([1, pd.NA], dtype="Int64"), [2.0, 2], tariff=100.0, service_cost=50.0,
            people=10), ("outcomes",)),
        Case(a, "payments: service_cost text", lambda: ec.outcome_payments(
            [1.0, 2], [2.0, 2], tariff=100.0, service_cost="50", people=10),
             ("service_cost",)),
        Case(a, "payments: outcomes a DiDResult", lambda: ec.outcome_payments(
            fit_2x2(), [2.0, 2], tariff=100.0, service_cost=50.0, people=10), ("outcomes",)),
    ]


# ------------------------------------------------------------- evidence, disclosure, reporting

def _evidence_cases():
    a, rd, claim = "evidence_rt", et.evidence.rate_design, et.evidence.EvidenceClaim
    return [
        Case(a, "rate_design: design a number", lambda: rd(design=3), ("design",)),
        Case(a, "rate_design: design hostile HTML", lambda: rd(
            design="<script>alert(1)</script>"), ("design",)),
        Case(a, "rate_design: sample_size 1e300", lambda: rd(
            design="rct", sample_size=1e300), ("sample_size",)),
        Case(a, "rate_design: attrition negative", lambda: rd(design="rct", attrition=-0.1),
             ("attrition",)),
        Case(a, "rate_design: replications True", lambda: rd(design="rct", replications=True),
             ("replications",)),
        Case(a, "rate_design: attrition NaN", lambda: rd(design="rct", attrition=np.nan),
             ("attrition",)),
        Case(a, "rate_design: valid_measures 'no'", lambda: rd(
            design="rct", valid_measures="no"), ("valid_measures",)),
        Case(a, "claim: rating a dict", lambda: claim(
            programme="p", claim="c", design="rct", rating={"level": 3}), ("rating",)),
        Case(a, "claim: findings numbers", lambda: claim(
            programme="p", claim="c", design="rct", findings=[1, 2]), ("findings",)),
        Case(a, "claim: programme empty", lambda: claim(
            programme="", claim="c", design="rct"), ("programme",)),
        Case(a, "claim: claimed saving negative inf", lambda: claim(
            programme="p", claim="c", design="rct", claimed_saving_per_pound=-np.inf),
             ("claimed_saving_per_pound",)),
    ]


def _table():
    return pd.DataFrame({"north": [12, 3, 40], "south": [25, 9, 2]},
                        index=["a&e", "gp", "ward"])


def _disclosure_cases():
    a, s = "disclosure_rt", et.disclosure.suppress
    return [
        Case(a, "suppress: Int64 counts with NA", lambda: s(_table().astype("Int64").assign(
            north=lambda d: _na_at(d["north"], rows=(1,)))), ("north", "missing", "NaN")),
        Case(a, "suppress: category counts", lambda: s(_table().astype("category")),
             ("north", "count", "numeric")),
        Case(a, "suppress: string[pyarrow] counts", lambda: s(_table().astype(
            "string[pyarrow]")), ("north", "count", "numeric")),
        Case(a, "suppress: object numbers and text", lambda: s(_table().astype(object).assign(
            north=lambda d: d["north"].where(d.index != "gp", "<5"))), ("north",)),
        Case(a, "suppress: threshold True", lambda: s(_table(), threshold=True), ("threshold",)),
        Case(a, "suppress: threshold negative", lambda: s(_table(), threshold=-1),
             ("threshold",)),
        Case(a, "suppress: rounding negative", lambda: s(_table(), rounding=-5), ("rounding",)),
        Case(a, "suppress: a Series", lambda: s(_table()["north"]), ("table", "DataFrame")),
        Case(a, "suppress: a numpy array", lambda: s(_table().to_numpy()),
             ("table", "DataFrame")),
        Case(a, "suppress: count 1e300", lambda: s(_table().astype(float).assign(
            north=lambda d: d["north"].where(d.index != "gp", 1e300))), ("north", "count")),
        Case(a, "suppress: count_col a number", lambda: s(_table(), count_col=3),
             ("count_col",)),
        Case(a, "suppress: count_col hostile", lambda: s(_table(), count_col="'; DROP TABLE x"),
             ("count_col", "DROP")),
        Case(a, "suppress: count_col text column", lambda: s(pd.DataFrame(
            {"g": ["a", "b"], "n": ["5", "9"]}), count_col="n"), ("n",)),
        Case(a, "suppress: boolean nullable counts", lambda: s(pd.DataFrame(
            {"a": pd.array([True, pd.NA, False], dtype="boolean")})), ("a",)),
        Case(a, "suppress: timedelta counts", lambda: s(pd.DataFrame(
            {"a": pd.to_timedelta([1, 2, 3], unit="D")})), ("a",)),
        Case(a, "suppress: a SuppressedTable again", lambda: s(s(_table())), ("table",)),
    ]


def _reporting_cases():
    a, cmp, ms = "reporting_rt", et.reporting.compare, et.reporting.method_statement
    return [
        Case(a, "compare: a result and a string", lambda: cmp([fit_2x2(), "twfe"]),
             ("results",)),
        Case(a, "compare: names a string", lambda: cmp([fit_2x2(), tw()], names="ab"),
             ("names",)),
        Case(a, "compare: a generator", lambda: cmp(r for r in [fit_2x2(), tw()]),
             ("results",)),
        Case(a, "compare: a DataFrame", lambda: cmp([fit_2x2(), people()]),
             ("results", "DataFrame")),
        Case(a, "compare: names None inside", lambda: cmp([fit_2x2(), tw()],
                                                          names=["a", None]), ("names",)),
        Case(a, "compare: names empty strings", lambda: cmp([fit_2x2(), tw()], names=["", ""]),
             ("names",)),
        Case(a, "method_statement: None", lambda: ms(None), ("result",)),
        Case(a, "method_statement: a class", lambda: ms(et.did.DiDResult), ("result",)),
        Case(a, "method_statement: a string", lambda: ms("did_2x2"), ("result",)),
        Case(a, "method_statement: a tidy table", lambda: ms(fit_2x2().tidy()), ("result",)),
    ]


def _fig_ax():
    import matplotlib.pyplot as plt
    return plt.subplots()


def _axes_array():
    import matplotlib.pyplot as plt
    return plt.subplots(1, 2)[1]


@cache
def _es_fit():
    return es()


@cache
def _decomp():
    return et.rtm.decompose_change([3.0, 2, 4, 5], [1.0, 2, 1, 2], [2.0, 2, 2, 3],
                                   [1.0, 1, 1, 2], n_boot=50, random_state=1, progress=False)


def _pipeline_cases():
    a, ec, e = "pipeline_rt", et.economics, et.sensitivity.e_value
    model = et.rtm.CountModel(**POP)
    return [
        Case(a, "benefit_cost: effect an EventStudyResult", lambda: ec.benefit_cost(
            _es_fit(), **BC), ("effect",)),
        Case(a, "benefit_cost: effect a BaconResult", lambda: ec.benefit_cost(bacon(), **BC),
             ("effect",)),
        Case(a, "benefit_cost: effect an RTMEstimate", lambda: ec.benefit_cost(
            et.rtm.expected_rtm_counts(model, threshold=2), **BC), ("effect",)),
        Case(a, "benefit_cost: effect an EValue", lambda: ec.benefit_cost(e(1.5), **BC),
             ("effect",)),
        Case(a, "benefit_cost: effect a MatchResult", lambda: ec.benefit_cost(matched(), **BC),
             ("effect",)),
        Case(a, "benefit_cost: effect a dict", lambda: ec.benefit_cost(
            {"estimate": 0.2, "std_error": 0.1}, **BC), ("effect",)),
        Case(a, "e_value: estimate an AggregateResult", lambda: e(fit().aggregate("simple")),
             ("estimate",)),
        Case(a, "e_value: estimate an RTMEstimate", lambda: e(
            et.rtm.expected_rtm_counts(model, threshold=2)), ("estimate",)),
        Case(a, "rosenbaum: an ATTgtResult", lambda: et.sensitivity.rosenbaum_bounds(fit()),
             ("m_or_differences", "differences", "MatchResult")),
        Case(a, "rosenbaum: outcome is the treatment column", lambda:
             et.sensitivity.rosenbaum_bounds(matched(), "treated"), ("treated", "outcome")),
        Case(a, "payments: baseline a DiDResult", lambda: ec.outcome_payments(
            [1.0, 2], fit_2x2(), tariff=100.0, service_cost=50.0, people=10), ("baseline",)),
        Case(a, "att_gt: data a MatchResult", lambda: att(data=matched()),
             ("data", "DataFrame")),
        Case(a, "twfe: data an ATTgtResult", lambda: tw(data=fit()), ("data", "DataFrame")),
        Case(a, "fit_count_model: data a TrajectoryResult", lambda: et.rtm.fit_count_model(
            et.rtm.selection_trajectory(_rtm_panel(), outcome="emergency", select_period=0,
                                        threshold=2), "emergency"), ("data", "DataFrame")),
        Case(a, "audit: population an RTMEstimate", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=100, threshold=2,
            population=et.rtm.expected_rtm_counts(model, threshold=2)), ("population",)),
        Case(a, "suppress: a DiDResult", lambda: et.disclosure.suppress(fit_2x2()),
             ("table", "DataFrame")),
        Case(a, "suppress: a tidy table of estimates", lambda: et.disclosure.suppress(
            fit_2x2().tidy()), ("term", "count", "estimate")),
        Case(a, "compare: nested list", lambda: et.reporting.compare([[fit_2x2(), tw()]]),
             ("results",)),
        Case(a, "method_statement: a list of one result", lambda: et.reporting.method_statement(
            [fit_2x2()]), ("result",)),
    ]


def _plot_cases():
    a = "plot_rt"
    return [
        Case(a, "event_study plot: ax the (fig, ax) pair", lambda: _es_fit().plot(ax=_fig_ax()),
             ("ax",)),
        Case(a, "att_gt plot: ax an array of axes", lambda: fit().plot(ax=_axes_array()),
             ("ax",)),
        Case(a, "aggregate plot: ax the (fig, ax) pair", lambda: fit().aggregate(
            "dynamic").plot(ax=_fig_ax()), ("ax",)),
        Case(a, "bacon plot: ax an array of axes", lambda: bacon().plot(ax=_axes_array()),
             ("ax",)),
        Case(a, "trajectory plot: ax the (fig, ax) pair", lambda: et.rtm.selection_trajectory(
            _rtm_panel(), outcome="emergency", select_period=0, threshold=2).plot(
            ax=_fig_ax()), ("ax",)),
        Case(a, "decompose plot: ax an array of axes", lambda: _decomp().plot(ax=_axes_array()),
             ("ax",)),
        Case(a, "decompose tidy: level '95%'", lambda: _decomp().tidy("95%"), ("level",)),
        Case(a, "payments plot: ax the (fig, ax) pair", lambda: et.economics.outcome_payments(
            [90.0, 80], 100.0, tariff=1000.0, service_cost=10_000.0, people=100).plot(
            ax=_fig_ax()), ("ax",)),
    ]


def _more_dtype_cases():
    a = "dtype_rt"
    dc = et.rtm.decompose_change
    return [
        Case(a, "decompose: timedelta values", lambda: dc(
            pd.to_timedelta([3, 2, 4, 5], unit="D"), [1.0, 2, 1, 2], [2.0, 2, 2, 3],
            [1.0, 1, 1, 2], progress=False), ("treated_before",)),
        Case(a, "decompose: dates", lambda: dc(
            pd.to_datetime(["2020-01-01"] * 4), [1.0, 2, 1, 2], [2.0, 2, 2, 3],
            [1.0, 1, 1, 2], progress=False), ("treated_before",)),
        Case(a, "present_value: timedelta flows", lambda: et.economics.present_value(
            pd.to_timedelta([1, 2], unit="D")), ("flows",)),
        Case(a, "payments: outcomes boolean", lambda: et.economics.outcome_payments(
            [True, False], [2.0, 2], tariff=100.0, service_cost=50.0, people=10),
             ("outcomes",)),
        Case(a, "e_value: estimate a date", lambda: et.sensitivity.e_value(
            np.datetime64("2020-01-01")), ("estimate",)),
        Case(a, "rosenbaum: timedelta differences", lambda: et.sensitivity.rosenbaum_bounds(
            pd.to_timedelta(np.arange(1, 30), unit="D")), ("differences",)),
        Case(a, "fit: time tz-aware dates", lambda: et.rtm.fit_count_model(_rtm_panel().assign(
            rel_period=lambda d: pd.to_datetime(d["rel_period"] + 2020, format="%Y").dt
            .tz_localize("UTC")), "emergency"), ("rel_period",)),
        Case(a, "fit: unit NaN", lambda: et.rtm.fit_count_model(_rtm_panel().assign(
            person_id=lambda d: d["person_id"].astype(float).where(d.index != 3)),
            "emergency"), ("person_id",)),
        Case(a, "suppress: complex counts", lambda: et.disclosure.suppress(
            _table().astype(complex)), ("north", "count", "numeric", "complex")),
        Case(a, "suppress: count_col with NaN", lambda: et.disclosure.suppress(pd.DataFrame(
            {"g": ["a", "b", "c"], "n": [5.0, np.nan, 9.0]}), count_col="n"), ("n",)),
        Case(a, "suppress: rounding NaN", lambda: et.disclosure.suppress(
            _table(), rounding=np.nan), ("rounding",)),
        Case(a, "suppress: margins 'yes'", lambda: et.disclosure.suppress(
            _table(), margins="yes"), ("margins",)),
        Case(a, "did_2x2: outcome complex", lambda: two(data=pd_with(
            y=lambda d: d["y"].astype(complex))), ("y",)),
        Case(a, "twfe: outcome timedelta", lambda: tw(data=pd_with(
            y=lambda d: pd.to_timedelta(d["count"], unit="D"))), ("y",)),
        Case(a, "event_study: cluster category with unused levels and NA", lambda: es(
            cluster="cl", data=pd_with(cl=lambda d: pd.Categorical(
                d["area"].where(d["area"] != 3), categories=range(100)))), ("cl",)),
        Case(a, "normal: cutoffs reversed for both tails", lambda: et.rtm.expected_rtm_normal(
            10, 2, 0.5, (14, 6), tail="both"), ("cutoff",)),
        Case(a, "e_value: subnormal ratio", lambda: et.sensitivity.e_value(5e-324),
             ("estimate",)),
        Case(a, "e_value: smd 1e300", lambda: et.sensitivity.e_value(1e300, kind="smd"),
             ("estimate",)),
        Case(a, "benefit_cost: unit_cost 1e300", lambda: et.economics.benefit_cost(
            0.2, unit_cost=1e300, people=10**9, cost=1.0), ("unit_cost",)),
        Case(a, "benefit_cost: cost subnormal", lambda: et.economics.benefit_cost(
            0.2, unit_cost=2000.0, people=500, cost=5e-324), ("cost",)),
        Case(a, "rosenbaum: gammas a 2-D array", lambda: et.sensitivity.rosenbaum_bounds(
            np.random.default_rng(1).normal(0.5, 1, 50), gammas=np.ones((2, 2))), ("gammas",)),
        Case(a, "did_2x2: exposure True/False", lambda: two(
            family="poisson", exposure="e", data=pd_with(y=lambda d: d["count"],
                                                         e=lambda d: True)), ("e", "exposure")),
        Case(a, "fit: outcome complex", lambda: et.rtm.fit_count_model(_rtm_panel().assign(
            emergency=lambda d: d["emergency"].astype(complex)), "emergency"), ("emergency",)),
        Case(a, "trajectory: outcome complex", lambda: et.rtm.selection_trajectory(
            _rtm_panel().assign(emergency=lambda d: d["emergency"].astype(complex)),
            outcome="emergency", select_period=0, threshold=2), ("emergency",)),
        Case(a, "rosenbaum: matched outcome complex", lambda: et.sensitivity.rosenbaum_bounds(
            et.match(people().assign(y=lambda d: d["y"].astype(complex)), treatment="treated",
                     covariates=["age"], random_state=1), "y"), ("y",)),
        Case(a, "normal: mean a numpy 0-d text", lambda: et.rtm.expected_rtm_normal(
            np.str_("10"), 2, 0.5, 12), ("mean",)),
    ]


def _result_method_cases():
    a, ec = "results_rt", et.economics
    model = et.rtm.CountModel(**POP)
    bc = cache(lambda: ec.benefit_cost(0.2, **BC, n_sim=1000, random_state=1))
    audit = cache(lambda: et.rtm.audit_claim(before=2.9, after=1.5, n=100, threshold=2,
                                             population=POP, n_sim=200, random_state=1,
                                             progress=False))
    return [
        Case(a, "RTMEstimate tidy: level 95", lambda: et.rtm.expected_rtm_counts(
            model, threshold=2).tidy(95), ("level",)),
        Case(a, "RTMEstimate conf_int: level '95%'", lambda: et.rtm.expected_rtm_normal(
            10, 2, 0.5, 12, n=100, random_state=1).conf_int("95%"), ("level",)),
        Case(a, "AuditResult plot: ax an array of axes", lambda: audit().plot(
            ax=_axes_array()), ("ax",)),
        Case(a, "AuditResult tidy: level True", lambda: audit().tidy(True), ("level",)),
        Case(a, "BenefitCost tidy: level 1", lambda: bc().tidy(1), ("level",)),
        Case(a, "BenefitCost conf_int: level -0.5", lambda: bc().conf_int(-0.5), ("level",)),
        Case(a, "EValue conf_int: level 0", lambda: et.sensitivity.e_value(
            1.5, 1.2, 1.9).conf_int(0), ("level", "EValue")),
        Case(a, "RosenbaumBounds tidy: level 95", lambda: et.sensitivity.rosenbaum_bounds(
            np.arange(1.0, 30.0)).tidy(95), ("level", "RosenbaumBounds")),
        Case(a, "SuppressedTable tidy", lambda: et.disclosure.suppress(_table()).tidy(),
             ("SuppressedTable", "tidy")),
        Case(a, "DesignRating summary: digits", lambda: et.evidence.rate_design(
            design="rct").summary(digits=2), ("summary", "digits")),
        Case(a, "EventStudyResult summary: digits -1", lambda: _es_fit().summary(digits=-1),
             ("summary", "digits")),
        Case(a, "AggregateResult conf_int: alpha", lambda: fit().aggregate("group").conf_int(
            alpha=0.05), ("conf_int", "alpha")),
        Case(a, "TrajectoryResult tidy: level '0.9'", lambda: et.rtm.selection_trajectory(
            _rtm_panel(), outcome="emergency", select_period=0, threshold=2).tidy("0.9"),
             ("level",)),
        Case(a, "OutcomePayments plot: ax a number", lambda: ec.outcome_payments(
            [90.0, 80], 100.0, tariff=1000.0, service_cost=10_000.0, people=100).plot(ax=1),
             ("ax",)),
    ]


def cases() -> list[Case]:
    return (_did_dtype_cases() + _did_result_cases() + _did_2x2_cases() + _twfe_cases()
            + _event_bacon_cases() + _matched_did_cases() + _rtm_normal_cases()
            + _rtm_count_cases() + _rtm_fit_cases() + _rtm_decompose_cases()
            + _sensitivity_cases() + _economics_cases() + _evidence_cases()
            + _disclosure_cases() + _reporting_cases() + _pipeline_cases()
            + _plot_cases() + _more_dtype_cases() + _result_method_cases())
