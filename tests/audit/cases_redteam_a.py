"""Wrong inputs a careless analyst or a hostile user would try next: pandas dtype variants
(nullable, category, pyarrow text, Period, time zones, timedelta), odd shapes (MultiIndex,
repeated or integer column names), tiny and extreme sizes, pipelines fed the wrong object,
result methods with wrong arguments, and hostile text in names."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

import evaltools as et

from .catalogue import AE, Case, matched, people, popp
from .catalogue import cohort_panel as _panel
from .catalogue import cohort_panel_result as _panel_result
from .catalogue import cohort_prior as _prior
from .catalogue import participants as _part

M = et.cohort.Measure
SCRIPT = "<script>alert(1)</script>"


def _p(**assign) -> pd.DataFrame:
    return people().assign(**assign)


def _na(column: str, dtype: str, rows=(3, 10)) -> pd.DataFrame:
    """people() with ``column`` as a nullable dtype holding pd.NA in ``rows``."""
    df = people().copy()
    s = df[column].astype(dtype)
    s.iloc[list(rows)] = pd.NA
    df[column] = s
    return df


def _dup_cols(column: str) -> pd.DataFrame:
    df = people()
    return pd.concat([df, df[[column]]], axis=1)


def _multi_cols() -> pd.DataFrame:
    df = people().copy()
    df.columns = pd.MultiIndex.from_product([["a"], df.columns])
    return df


def _md() -> pd.DataFrame:
    return matched().matched_data


@cache
def _effect():
    return et.estimate_att(matched(), "y")


@cache
def _balance():
    return et.balance_table(people(), "treated", ["age", "x1"])


@cache
def _weights():
    return et.weighting.ipw(people(), "treated", ["age", "x1"])


def _m(data=None, **kw):
    def run():
        base = {"treatment": "treated", "covariates": ["age", "x1"]}
        return et.match(people() if data is None else data(), **{**base, **kw})
    return run


def _bt(data=None, **kw):
    def run():
        base = {"treatment": "treated", "covariates": ["age", "x1"]}
        return et.balance_table(people() if data is None else data(), **{**base, **kw})
    return run


def _ipw(data=None, **kw):
    def run():
        base = {"treatment": "treated", "covariates": ["age", "x1"]}
        return et.weighting.ipw(people() if data is None else data(), **{**base, **kw})
    return run


def _eb(data=None, **kw):
    def run():
        base = {"treatment": "treated", "covariates": ["age", "x1"]}
        return et.weighting.entropy_balance(people() if data is None else data(),
                                            **{**base, **kw})
    return run


def _att(data=None, outcome="y", **kw):
    def run():
        return et.estimate_att(matched() if data is None else data(), outcome, **kw)
    return run


def _rs(persons=None, events=None, **kw):
    def run():
        p, e = popp()
        base = {"covariates": ["age"], "prior_measures": AE, "random_state": 1,
                "progress": False}
        return et.matching.match_risk_set(p if persons is None else persons(),
                                          e if events is None else events(), **{**base, **kw})
    return run


def _dtype_cases(area: str, call, column: str, arg: str) -> list[Case]:
    """The same column in each dtype a careless export produces, every one wrong here."""
    n = len(people())
    base = people()[column]
    variants = {
        "Int64 with NA": lambda: _na(column, "Int64") if column != "x1" else
        _na(column, "Float64"),
        "object mixing numbers and text": lambda: _p(**{column: base.astype(object).where(
            base.index != 4, "unknown")}),
        "Period": lambda: _p(**{column: pd.period_range("2020-01", periods=n, freq="M")}),
        "time-zone aware dates": lambda: _p(**{column: pd.date_range(
            "2020-01-01", periods=n, freq="D", tz="Europe/London")}),
        "timedelta": lambda: _p(**{column: pd.to_timedelta(np.arange(n), unit="D")}),
        "complex": lambda: _p(**{column: base.to_numpy(float) + 1j}),
        "pyarrow text of numbers": lambda: _p(**{column: base.astype(str).astype(
            "string[pyarrow]")}),
        "all missing": lambda: _p(**{column: np.nan}),
    }
    return [Case(area, f"{arg} column {column} {label}", call(data=make), (column,))
            for label, make in variants.items()]


def matching_rt() -> list[Case]:
    a = "matching_rt"
    n = len(people())
    cases = _dtype_cases(a, _m, "age", "covariate")
    cases += [
        Case(a, "treatment Int64 with NA", _m(lambda: _na("treated", "Int64")), ("treated",)),
        Case(a, "treatment category of text", _m(lambda: _p(treated=pd.Categorical(
            np.where(people()["treated"] == 1, "yes", "no")))), ("treated",)),
        Case(a, "treatment pyarrow text 0/1", _m(lambda: _p(
            treated=people()["treated"].astype(str).astype("string[pyarrow]"))), ("treated",)),
        Case(a, "treatment float 0.5", _m(lambda: _p(
            treated=people()["treated"].astype(float).where(people().index != 0, 0.5))),
            ("treated",)),
        Case(a, "treatment a Series", lambda: et.match(
            people(), treatment=people()["treated"], covariates=["age"]), ("treatment",)),
        Case(a, "treatment a numpy array", lambda: et.match(
            people(), treatment=people()["treated"].to_numpy(), covariates=["age"]),
            ("treatment",)),
        Case(a, "covariates a Series of values", lambda: et.match(
            people(), treatment="treated", covariates=people()["age"]), ("covariates",)),
        Case(a, "covariates a DataFrame", lambda: et.match(
            people(), treatment="treated", covariates=people()[["age"]]), ("covariates",)),
        Case(a, "MultiIndex columns", _m(_multi_cols), ("column", "MultiIndex")),
        Case(a, "repeated covariate column name", _m(lambda: _dup_cols("age")), ("age",)),
        Case(a, "repeated treatment column name", _m(lambda: _dup_cols("treated")),
             ("treated",)),
        Case(a, "covariate name with hostile html", _m(covariates=["age", SCRIPT]),
             (SCRIPT,)),
        Case(a, "covariate name 10,000 characters", _m(covariates=["age", "a" * 10_000]),
             ("covariates", "a" * 50)),
        Case(a, "one row", _m(lambda: people().iloc[:1]), ("treated", "row", "control")),
        Case(a, "two rows", _m(lambda: people().sort_values("treated").iloc[[0, -1]]),
             ("treated", "row", "control", "separat")),
        Case(a, "covariate 1e300", _m(lambda: _p(age=people()["age"] * 1e300)), ("age",)),
        Case(a, "covariate subnormal", _m(lambda: _p(x1=people()["x1"] * 1e-315)), ("x1",)),
        Case(a, "caliper a list", _m(caliper=[0.2]), ("caliper",)),
        Case(a, "caliper a string 'inf'", _m(caliper="inf"), ("caliper",)),
        Case(a, "ratio 2**63", _m(ratio=2**63), ("ratio",)),
        Case(a, "random_state a string of digits", _m(random_state="42"), ("random_state",)),
        Case(a, "exact a Series", _m(exact=people()["region"]), ("exact",)),
        Case(a, "exact category with NaN", _m(lambda: _p(region=pd.Categorical(
            people()["region"]).set_categories(["north", "south"])), exact=["region"]),
            ("region",)),
        Case(a, "mahvars with NaN", _m(lambda: _p(x1=people()["x1"].where(
            people().index != 2)), covariates=["age"], mahvars=["x1"]), ("x1",)),
        Case(a, "distance array with inf", _m(distance=np.r_[np.inf, np.full(n - 1, 0.5)]),
             ("distance",)),
        Case(a, "distance array of text", _m(distance=np.array(["a"] * n)), ("distance",)),
        Case(a, "distance two-dimensional", _m(distance=np.ones((n, 2)) / 3), ("distance",)),
        Case(a, "distance Series on another index", _m(distance=pd.Series(
            np.linspace(0.1, 0.9, n), index=np.arange(n) + 10_000)), ("distance",)),
        Case(a, "data a MatchResult", lambda: et.match(matched(), treatment="treated",
                                                       covariates=["age"]), ("data",)),
        Case(a, "data a PanelResult", lambda: et.match(_panel_result(), treatment="treated",
                                                       covariates=["age"]), ("data",)),
        Case(a, "formula with reference level absent", _m(
            covariates="treated ~ age + C(region, Treatment(reference='zzz'))"),
            ("zzz", "region")),
        Case(a, "formula log of negative values", _m(covariates="treated ~ age + np.log(x1)"),
             ("x1", "log")),
        Case(a, "formula with two tildes", _m(covariates="treated ~ age ~ x1"), ("formula",)),
        Case(a, "formula of 20,000 terms", _m(covariates="treated ~ " + " + ".join(
            f"I(age*{i})" for i in range(20_000))), ("formula",)),
        Case(a, "formula with SQL", _m(covariates="treated ~ age; DROP TABLE people"),
             ("formula",)),
        Case(a, "formula with lambda", _m(covariates="treated ~ (lambda: age)()"),
             ("formula",)),
        Case(a, "integer column names", lambda: et.match(
            people().set_axis(range(people().shape[1]), axis=1), treatment=1,
            covariates=[2, 3]), ("treatment", "covariates", "column")),
    ]
    return cases


def riskset_rt() -> list[Case]:
    a = "riskset_rt"
    p, e = popp()
    return [
        Case(a, "treatment boolean with NA", _rs(lambda: p.assign(
            treated=p["treated"].astype("boolean").where(p.index != 0))), ("treated",)),
        Case(a, "treatment category of text", _rs(lambda: p.assign(treated=pd.Categorical(
            np.where(p["treated"] == 1, "yes", "no")))), ("treated",)),
        Case(a, "covariate Int64 with NA", _rs(lambda: p.assign(age=p["age"].round().astype(
            "Int64").where(p.index != 0))), ("age",)),
        Case(a, "index dates as Period", _rs(lambda: p.assign(
            index_date=pd.to_datetime(p["index_date"]).dt.to_period("M"))), ("index_date",)),
        Case(a, "event dates as text", _rs(events=lambda: e.assign(
            event_date=e["event_date"].dt.strftime("%d %b %Y"))), ("event_date",)),
        Case(a, "prior_months fractional", _rs(prior_months=0.5), ("prior_months",)),
        Case(a, "prior_months with a negative", _rs(prior_months=[12, -1]),
             ("prior_months",)),
        Case(a, "caliper text", _rs(caliper="0.2"), ("caliper",)),
        Case(a, "random_state text", _rs(random_state="x"), ("random_state",)),
        Case(a, "max_before_rows zero", _rs(max_before_rows=0), ("max_before_rows",)),
        Case(a, "max_before_rows negative", _rs(max_before_rows=-5), ("max_before_rows",)),
        Case(a, "progress text", _rs(progress="no"), ("progress",)),
        Case(a, "persons a PanelResult", _rs(lambda: _panel_result()), ("persons",)),
        Case(a, "events a MatchResult", _rs(events=lambda: matched()), ("events",)),
        Case(a, "covariate name hostile html", _rs(covariates=["age", SCRIPT]), (SCRIPT,)),
        Case(a, "prior measure name clashes with id", _rs(
            prior_measures={"person_id": M("setting == 'ae'")}), ("person_id",)),
        Case(a, "order unknown", _rs(order="oldest"), ("order",)),
        Case(a, "exact a string", _rs(exact="sex"), ("exact",)),
    ]


def balance_rt() -> list[Case]:
    a = "balance_rt"
    n = len(people())
    cases = _dtype_cases(a, _bt, "x1", "covariate")
    cases += [
        Case(a, "treatment Int64 with NA", _bt(lambda: _na("treated", "Int64")), ("treated",)),
        Case(a, "treatment category of text", _bt(lambda: _p(treated=pd.Categorical(
            np.where(people()["treated"] == 1, "a", "b")))), ("treated",)),
        Case(a, "weights Int64 with NA", _bt(weights=pd.array([1] * (n - 1) + [pd.NA],
                                                              dtype="Int64")), ("weights",)),
        Case(a, "weights a DataFrame", _bt(weights=pd.DataFrame({"w": np.ones(n)})),
             ("weights",)),
        Case(a, "weights two-dimensional", _bt(weights=np.ones((n, 2))), ("weights",)),
        Case(a, "weights column missing", _bt(weights="wts"), ("wts",)),
        Case(a, "weights zero for every treated", _bt(
            weights=np.where(people()["treated"] == 1, 0.0, 1.0)), ("weights", "treated")),
        Case(a, "weights 1e308", _bt(weights=np.full(n, 1e308)), ("weights",)),
        Case(a, "weights a MatchResult", _bt(weights=matched()), ("weights",)),
        Case(a, "thresholds a number", _bt(thresholds=0.1), ("thresholds",)),
        Case(a, "thresholds smd True", _bt(thresholds={"smd": True}), ("thresholds", "smd")),
        Case(a, "thresholds smd NaN", _bt(thresholds={"smd": np.nan}),
             ("thresholds", "smd")),
        Case(a, "thresholds unknown key", _bt(thresholds={"ks": 0.1}), ("thresholds", "ks")),
        Case(a, "estimand a number", _bt(estimand=3), ("estimand",)),
        Case(a, "data a MatchResult", lambda: et.balance_table(matched(), "treated", ["age"]),
             ("data",)),
        Case(a, "data a WeightResult", lambda: et.balance_table(_weights(), "treated",
                                                                ["age"]), ("data",)),
        Case(a, "repeated covariate column name", _bt(lambda: _dup_cols("x1")), ("x1",)),
        Case(a, "MultiIndex columns", _bt(_multi_cols), ("column", "MultiIndex")),
        Case(a, "covariate name hostile html", _bt(covariates=["age", SCRIPT]), (SCRIPT,)),
        Case(a, "one row", _bt(lambda: people().iloc[:1]), ("treated", "row", "control")),
        Case(a, "covariate 1e300", _bt(lambda: _p(age=people()["age"] * 1e300)), ("age",)),
    ]
    return cases


def weighting_rt() -> list[Case]:
    a = "weighting_rt"
    cases = _dtype_cases(a, _ipw, "age", "ipw covariate")
    cases += [
        Case(a, "entropy covariate Int64 with NA", _eb(lambda: _na("age", "Int64")), ("age",)),
        Case(a, "entropy covariate complex", _eb(lambda: _p(age=people()["age"] + 1j)),
             ("age",)),
        Case(a, "entropy covariate time-zone dates", _eb(lambda: _p(age=pd.date_range(
            "2020-01-01", periods=len(people()), tz="UTC"))), ("age",)),
        Case(a, "ipw treatment Int64 with NA", _ipw(lambda: _na("treated", "Int64")),
             ("treated",)),
        Case(a, "ipw treatment category of text", _ipw(lambda: _p(treated=pd.Categorical(
            np.where(people()["treated"] == 1, "a", "b")))), ("treated",)),
        Case(a, "entropy treatment boolean with NA", _eb(lambda: _na("treated", "boolean")),
             ("treated",)),
        Case(a, "ipw trim text", _ipw(trim="0.05"), ("trim",)),
        Case(a, "ipw trim a list", _ipw(trim=[0.05]), ("trim",)),
        Case(a, "ipw estimand None", _ipw(estimand=None), ("estimand",)),
        Case(a, "ipw stabilize None", _ipw(stabilize=None), ("stabilize",)),
        Case(a, "entropy moments None", _eb(moments=None), ("moments",)),
        Case(a, "entropy moments 2**40", _eb(moments=2**40), ("moments",)),
        Case(a, "entropy tol text", _eb(tol="1e-8"), ("tol",)),
        Case(a, "entropy tol True", _eb(tol=True), ("tol",)),
        Case(a, "ipw data a MatchResult", lambda: et.weighting.ipw(matched(), "treated",
                                                                   ["age"]), ("data",)),
        Case(a, "entropy data a BalanceTable", lambda: et.weighting.entropy_balance(
            _balance(), "treated", ["age"]), ("data",)),
        Case(a, "ipw repeated column name", _ipw(lambda: _dup_cols("age")), ("age",)),
        Case(a, "entropy MultiIndex columns", _eb(_multi_cols), ("column", "MultiIndex")),
        Case(a, "ipw two rows", _ipw(lambda: people().sort_values("treated").iloc[[0, -1]]),
             ("treated", "row", "control", "separat")),
        Case(a, "entropy one control", _eb(lambda: pd.concat([
            people()[people()["treated"] == 1], people()[people()["treated"] == 0].iloc[:1]])),
            ("control",)),
        Case(a, "entropy covariate 1e300", _eb(lambda: _p(age=people()["age"] * 1e300)),
             ("age",)),
        Case(a, "ipw covariate 1e300", _ipw(lambda: _p(age=people()["age"] * 1e300)),
             ("age",)),
        Case(a, "ipw covariate name hostile html", _ipw(covariates=["age", SCRIPT]),
             (SCRIPT,)),
    ]
    return cases


def effects_rt() -> list[Case]:
    a = "effects_rt"

    def md(**assign):
        return lambda: _md().assign(**assign)

    def na(column, dtype):
        def make():
            d = _md().copy()
            s = d[column].astype(dtype)
            s.iloc[[1, 4]] = pd.NA
            d[column] = s
            return d
        return make

    n = len(_md())
    return [
        Case(a, "outcome Float64 with NA", _att(na("y", "Float64")), ("y",)),
        Case(a, "outcome boolean with NA", _att(lambda: _md().assign(yb=lambda d: (
            d["y"] > 10).astype("boolean").where(d.index != d.index[0])), outcome="yb"),
            ("yb",)),
        Case(a, "outcome category", _att(md(y=lambda d: pd.Categorical(
            np.where(d["y"] > 10, "hi", "lo")))), ("y",)),
        Case(a, "outcome time-zone dates", _att(md(y=lambda d: pd.date_range(
            "2020-01-01", periods=len(d), tz="UTC"))), ("y",)),
        Case(a, "outcome timedelta", _att(md(y=lambda d: pd.to_timedelta(
            np.arange(len(d)), unit="D"))), ("y",)),
        Case(a, "outcome complex", _att(md(y=lambda d: d["y"] + 1j)), ("y",)),
        Case(a, "outcome Period", _att(md(y=lambda d: pd.period_range(
            "2020-01", periods=len(d), freq="M"))), ("y",)),
        Case(a, "outcome pyarrow text", _att(md(y=lambda d: d["y"].astype(str).astype(
            "string[pyarrow]"))), ("y",)),
        Case(a, "outcome 1e300", _att(md(y=lambda d: d["y"] * 1e300)), ("y",)),
        Case(a, "outcome a Series", lambda: et.estimate_att(matched(), _md()["y"]),
             ("outcome",)),
        Case(a, "outcome a numpy array", lambda: et.estimate_att(
            matched(), _md()["y"].to_numpy()), ("outcome",)),
        Case(a, "outcome name hostile html", _att(outcome=SCRIPT), (SCRIPT,)),
        Case(a, "m_or_data a BalanceTable", lambda: et.estimate_att(_balance(), "y"),
             ("m_or_data", "BalanceTable")),
        Case(a, "m_or_data a PanelResult", lambda: et.estimate_att(_panel_result(), "y"),
             ("m_or_data", "PanelResult")),
        Case(a, "m_or_data an EffectResult", lambda: et.estimate_att(_effect(), "y"),
             ("m_or_data", "EffectResult")),
        Case(a, "m_or_data a tuple", lambda: et.estimate_att(popp(), "y"), ("m_or_data",)),
        Case(a, "m_or_data a dict", lambda: et.estimate_att(_md().to_dict(), "y"),
             ("m_or_data",)),
        Case(a, "weights a numpy array", _att(weights=np.ones(n)), ("weights",)),
        Case(a, "weights Int64 with NA", _att(na("weights", "Float64")), ("weights",)),
        Case(a, "weights 1e308", _att(md(weights=1e308)), ("weights",)),
        Case(a, "treatment boolean with NA", _att(na("treated", "boolean")), ("treated",)),
        Case(a, "treatment category of text", _att(md(treated=lambda d: pd.Categorical(
            np.where(d["treated"] == 1, "t", "c")))), ("treated",)),
        Case(a, "cluster column with NaN", _att(md(subclass=lambda d: d["subclass"].astype(
            float).where(d.index != d.index[0]))), ("subclass",)),
        Case(a, "exposure Float64 with NA", _att(na("years", "Float64"), outcome="admissions",
                                                 model="poisson", exposure="years"),
             ("years",)),
        Case(a, "n_boot True", _att(se="bootstrap", n_boot=True), ("n_boot",)),
        Case(a, "covariates a Series", _att(model="regression", covariates=_md()["age"]),
             ("covariates",)),
        Case(a, "covariates formula with SQL", _att(
            model="regression", covariates="~ age; DROP TABLE x"), ("formula",)),
        Case(a, "repeated outcome column", _att(lambda: pd.concat(
            [_md(), _md()[["y"]]], axis=1)), ("y",)),
        Case(a, "MultiIndex columns", _att(lambda: _md().set_axis(
            pd.MultiIndex.from_product([["a"], _md().columns]), axis=1)),
            ("column", "MultiIndex", "outcome", "y")),
        Case(a, "one treated unit", _att(lambda: pd.concat([
            _md()[_md()["treated"] == 1].iloc[:1], _md()[_md()["treated"] == 0]])),
            ("treated", "one")),
        Case(a, "se unknown for poisson", _att(outcome="admissions", model="poisson",
                                               se="hc9"), ("se",)),
        Case(a, "model a list", _att(model=["difference"]), ("model",)),
        Case(a, "missing None", _att(missing=None), ("missing",)),
    ]


def results_rt() -> list[Case]:
    a = "results_rt"
    cases = []
    for label, get in [("MatchResult", matched), ("EffectResult", _effect),
                       ("BalanceTable", _balance), ("WeightResult", _weights)]:
        cases += [
            Case(a, f"{label}.tidy level 95", lambda get=get: get().tidy(level=95),
                 ("level",)),
            Case(a, f"{label}.conf_int level '95%'", lambda get=get: get().conf_int(
                level="95%"), ("level",)),
            Case(a, f"{label}.tidy level NaN", lambda get=get: get().tidy(level=np.nan),
                 ("level",)),
            Case(a, f"{label}.conf_int level a list", lambda get=get: get().conf_int(
                level=[0.9, 0.95]), ("level",)),
        ]
    cases += [
        Case(a, "EffectResult.tidy level True", lambda: _effect().tidy(level=True),
             ("level",)),
        Case(a, "EffectResult.tidy level 0", lambda: _effect().tidy(level=0), ("level",)),
        Case(a, "MatchResult.plot kind None", lambda: matched().plot(kind=None), ("kind",)),
        Case(a, "MatchResult.plot ax a number", lambda: matched().plot(ax=3), ("ax",)),
        Case(a, "BalanceTable.plot ax a string", lambda: _balance().plot(ax="x"), ("ax",)),
        Case(a, "MatchResult.balance weights text", lambda: matched().balance(
            weights="w"), ("weights",)),
        Case(a, "PanelResult.plot measure hostile", lambda: _panel_result().plot(SCRIPT),
             (SCRIPT, "measure")),
        Case(a, "PanelResult.rates measure None", lambda: _panel_result().rates(None),
             ("measure",)),
        Case(a, "PanelResult.rates by a list with a typo", lambda: _panel_result().rates(
            "ae", by=["treatedd"]), ("by", "treatedd")),
        Case(a, "PanelResult.conf_int", lambda: _panel_result().conf_int(), ("conf_int",
                                                                            "PanelResult")),
    ]
    return cases


def cohort_rt() -> list[Case]:
    a = "cohort_rt"
    persons, events = _part(), popp()[1]
    return [
        Case(a, "index dates as Period", lambda: _panel(persons=persons.assign(
            index_date=pd.to_datetime(persons["index_date"]).dt.to_period("M"))),
            ("index_date",)),
        Case(a, "index dates as timedelta", lambda: _panel(persons=persons.assign(
            index_date=pd.to_timedelta(np.arange(len(persons)), unit="D"))), ("index_date",)),
        Case(a, "event dates object mixing dates and text", lambda: _panel(
            events=events.assign(event_date=events["event_date"].astype(object).where(
                events.index != 3, "unknown"))), ("event_date",)),
        Case(a, "person ids Int64 with NA", lambda: _panel(persons=persons.assign(
            person_id=persons["person_id"].astype("Int64").where(persons.index != 0))),
            ("person_id",)),
        Case(a, "person ids float with NaN", lambda: _panel(persons=persons.assign(
            person_id=persons["person_id"].astype(float).where(persons.index != 0))),
            ("person_id",)),
        Case(a, "event ids float with NaN", lambda: _panel(events=events.assign(
            person_id=events["person_id"].astype(float).where(events.index != 0))),
            ("person_id",)),
        Case(a, "persons repeated column name", lambda: _panel(persons=pd.concat(
            [persons, persons[["index_date"]]], axis=1)), ("index_date",)),
        Case(a, "events repeated id column", lambda: _panel(events=pd.concat(
            [events, events[["person_id"]]], axis=1)), ("person_id",)),
        Case(a, "persons MultiIndex columns", lambda: _panel(persons=persons.set_axis(
            pd.MultiIndex.from_product([["a"], persons.columns]), axis=1)),
            ("persons", "column", "MultiIndex")),
        Case(a, "persons a PanelResult", lambda: _panel(persons=_panel_result()),
             ("persons",)),
        Case(a, "events a PanelResult", lambda: _panel(events=_panel_result()), ("events",)),
        Case(a, "events bytes", lambda: _panel(events=b"events.parquet"), ("events",)),
        Case(a, "events a number", lambda: _panel(events=3), ("events",)),
        Case(a, "events a Path that does not exist", lambda: _panel(
            events=Path(tempfile.gettempdir()) / "evaltools_nope.parquet"),
            ("evaltools_nope",)),
        Case(a, "events path hostile html", lambda: _panel(events=f"{SCRIPT}.csv"),
             ("script", "events")),
        Case(a, "measure name hostile html", lambda: _panel(
            measures={SCRIPT: M("setting == 'ae'")}), ("measure",)),
        Case(a, "measure name with SQL", lambda: _panel(
            measures={"ae; DROP TABLE x": M("setting == 'ae'")}), ("measure",)),
        Case(a, "measure name empty", lambda: _panel(measures={"": M("setting == 'ae'")}),
             ("measure",)),
        Case(a, "measure name a number", lambda: _panel(measures={1: M("setting == 'ae'")}),
             ("measure",)),
        Case(a, "measure named like the id column", lambda: _panel(
            measures={"person_id": M("setting == 'ae'")}), ("person_id",)),
        Case(a, "measure named rel_period", lambda: _panel(
            measures={"rel_period": M("setting == 'ae'")}), ("rel_period",)),
        Case(a, "Measure where blank", lambda: M("   "), ("where",)),
        Case(a, "Measure where a list", lambda: M(["setting == 'ae'"]), ("where",)),
        Case(a, "Measure value with SQL", lambda: _panel(measures={"c": M(
            value="cost; DROP TABLE x", agg="sum")}), ("value", "cost; DROP")),
        Case(a, "Measure value hostile html", lambda: _prior(measures={"c": M(
            value=SCRIPT, agg="sum")}), ("value", "script")),
        Case(a, "window with NaN", lambda: _panel(window=(-3, np.nan)), ("window",)),
        Case(a, "window a set", lambda: _panel(window={-3, 3}), ("window",)),
        Case(a, "period capitalised", lambda: _panel(period="Month"), ("period",)),
        Case(a, "period None", lambda: _panel(period=None), ("period",)),
        Case(a, "engine None", lambda: _panel(engine=None), ("engine",)),
        Case(a, "id_col with a space", lambda: _panel(id_col="person id"), ("person id",)),
        Case(a, "id_col hostile html", lambda: _panel(id_col=SCRIPT), (SCRIPT,)),
        Case(a, "index_col a number", lambda: _panel(index_col=0), ("index_col",)),
        Case(a, "event_date_col a list", lambda: _panel(event_date_col=["event_date"]),
             ("event_date_col",)),
        Case(a, "carry hostile html", lambda: _panel(carry=[SCRIPT]), (SCRIPT,)),
        Case(a, "carry repeated", lambda: _panel(carry=["treated", "treated"]),
             ("treated", "carry")),
        Case(a, "missing_index True", lambda: _panel(missing_index=True), ("missing_index",)),
        Case(a, "duplicates capitalised", lambda: _panel(duplicates="DROP"), ("duplicates",)),
        Case(a, "span of NaT", lambda: _panel(span=(pd.NaT, pd.NaT)), ("span",)),
        Case(a, "span time-zone aware", lambda: _panel(span=(
            pd.Timestamp("2015-01-01", tz="UTC"), pd.Timestamp("2025-01-01", tz="UTC"))),
            ("span",)),
        Case(a, "all persons excluded as unknown", lambda: _panel(
            persons=persons.assign(person_id=persons["person_id"] + 10**9)),
            ("person_id", "no person", "match")),
        Case(a, "prior_use months NaN", lambda: _prior(months=np.nan), ("months",)),
        Case(a, "prior_use months negative", lambda: _prior(months=-6), ("months",)),
        Case(a, "prior_use persons a PanelResult", lambda: _prior(persons=_panel_result()),
             ("persons",)),
        Case(a, "check_tables persons None", lambda: et.cohort.check_tables(None, events),
             ("persons",)),
        Case(a, "check_tables events None", lambda: et.cohort.check_tables(persons, None),
             ("events",)),
        Case(a, "check_tables id_col typo", lambda: et.cohort.check_tables(
            persons, events, id_col="personid"), ("personid",)),
        Case(a, "check_tables event_date_col typo", lambda: et.cohort.check_tables(
            persons, events, event_date_col="evdate"), ("evdate",)),
        Case(a, "check_tables measure on unknown column", lambda: et.cohort.check_tables(
            persons, events, measures={"x": M("nope == 1")}), ("nope",)),
        Case(a, "SortedEvents duplicates unknown", lambda: et.cohort.SortedEvents(
            events, AE, duplicates="x"), ("duplicates",)),
        Case(a, "SortedEvents event_date_col typo", lambda: et.cohort.SortedEvents(
            events, AE, event_date_col="evdate"), ("evdate",)),
        Case(a, "SortedEvents ids Int64 with NA", lambda: et.cohort.SortedEvents(
            events.assign(person_id=events["person_id"].astype("Int64").where(
                events.index != 0)), AE), ("person_id",)),
    ]


def datasets_rt() -> list[Case]:
    a = "datasets_rt"
    d = et.datasets
    return [
        Case(a, "popp: n_participants NaN", lambda: d.popp_synthetic(np.nan, 400),
             ("n_participants",)),
        Case(a, "popp: n_participants text", lambda: d.popp_synthetic("40", 400),
             ("n_participants",)),
        Case(a, "popp: selection_share NaN", lambda: d.popp_synthetic(
            40, 400, selection_share=np.nan), ("selection_share",)),
        Case(a, "area_rollout: n_areas fractional", lambda: d.area_rollout(10.5),
             ("n_areas",)),
        Case(a, "area_rollout: n_areas True", lambda: d.area_rollout(True), ("n_areas",)),
        Case(a, "area_rollout: cohort share NaN", lambda: d.area_rollout(
            20, cohorts={2014: np.nan}), ("cohorts",)),
        Case(a, "area_rollout: cohort share negative", lambda: d.area_rollout(
            20, cohorts={2014: -0.1}), ("cohorts",)),
        Case(a, "area_rollout: cohorts empty", lambda: d.area_rollout(20, cohorts={}),
             ("cohorts",)),
        Case(a, "area_rollout: effect inf", lambda: d.area_rollout(
            20, effect_per_year=np.inf), ("effect_per_year",)),
        Case(a, "area_rollout: random_state text", lambda: d.area_rollout(
            20, random_state="x"), ("random_state",)),
        Case(a, "sample_path: None", lambda: d.sample_path(None), ("name",)),
        Case(a, "sample_path: hostile html", lambda: d.sample_path(SCRIPT), ("name", "sample")),
        Case(a, "sample_path: NUL byte", lambda: d.sample_path("popp\0x"), ("name", "sample")),
        Case(a, "sample_path: absolute path", lambda: d.sample_path("/etc/passwd"),
             ("name", "sample")),
    ]


def cli_rt() -> list[Case]:
    from evaltools import cli

    a = "cli_rt"
    rtm = "regression_to_the_mean"
    out = str(Path(tempfile.gettempdir()) / "evaltools_audit_rt.html")
    return [
        Case(a, "notebook_path hostile html", lambda: cli.notebook_path(SCRIPT),
             ("script", "notebook")),
        Case(a, "notebook_path a traversal", lambda: cli.notebook_path("../../etc/passwd"),
             ("passwd", "notebook")),
        Case(a, "notebook_path a number", lambda: cli.notebook_path(3), ("notebook",)),
        Case(a, "check_parameters pairs a dict", lambda: cli.check_parameters(
            cli.notebook_path(rtm), {"threshold": "2"}), ("pairs", "parameter")),
        Case(a, "check_parameters value NaN", lambda: cli.check_parameters(
            cli.notebook_path(rtm), [("threshold", "nan")]), ("threshold",)),
        Case(a, "run_notebook output with no suffix", lambda: cli.run_notebook(
            rtm, out[:-5]), ("output",)),
        Case(a, "run_notebook output None", lambda: cli.run_notebook(rtm, None), ("output",)),
        Case(a, "run_notebook timeout text", lambda: cli.run_notebook(
            rtm, out, timeout="60"), ("timeout",)),
        Case(a, "run_notebook timeout a day and more", lambda: cli.run_notebook(
            rtm, out, timeout=10**9), ("timeout",)),
        Case(a, "run_notebook parameter name hostile", lambda: cli.run_notebook(
            rtm, out, {SCRIPT: 1}), ("script", "parameter")),
        Case(a, "run_notebook parameter NaN", lambda: cli.run_notebook(
            rtm, out, {"threshold": float("nan")}), ("threshold",)),
    ]


def round_two() -> list[Case]:
    """Formula corners, index names that shadow columns, pipelines fed the wrong object and
    result methods given arguments they do not take."""
    a, r, c = "matching_rt", "results_rt", "cohort_rt"
    persons, events = _part(), popp()[1]
    cases = [
        Case(a, "formula power that overflows", _m(covariates="treated ~ age + I(age ** 400)"),
             ("formula", "age", "inf")),
        Case(a, "formula division by zero", _m(covariates="treated ~ age + I(x1 / 0)"),
             ("formula", "x1", "inf")),
        Case(a, "formula left side a number", _m(covariates="1 ~ age"), ("formula", "left")),
        Case(a, "formula with no covariates but -1", _m(covariates="treated ~ -1"),
             ("formula", "covariate")),
        Case(a, "formula with R's dot", _m(covariates="treated ~ ."), ("formula", ".")),
        Case(a, "formula with a string literal", _m(covariates="treated ~ age + 'abc'"),
             ("formula", "abc")),
        Case(a, "formula with Cyrillic lookalike", _m(covariates="treated ~ \u0430ge"),
             ("\u0430ge",)),
        Case(a, "formula with one indicator per person", _ipw(covariates="treated ~ C(pid)"),
             ("pid",)),
        Case(a, "index name shadows a covariate", _m(lambda: people().rename_axis("age")),
             ("age", "index")),
        Case(a, "index name shadows the treatment", _bt(
            lambda: people().rename_axis("treated")), ("treated", "index")),
        Case(a, "cutpoints a list", _m(method="cem", cutpoints=[3]), ("cutpoints",)),
        Case(a, "caliper an array", _m(caliper=np.array([0.2])), ("caliper",)),
        Case(a, "prognostic outcome with NaN", _m(lambda: _p(y=people()["y"].where(
            people().index != 1)), distance="prognostic", outcome="y"), ("y",)),
        Case("balance_rt", "weights a WeightResult", _bt(weights=_weights()), ("weights",)),
        Case("balance_rt", "formula left side not the treatment", _bt(
            covariates="female ~ age"), ("female", "treatment")),
        Case("weighting_rt", "WeightResult.balance covariate missing", lambda: _weights(
            ).balance(["nope"]), ("nope",)),
        Case("effects_rt", "cluster is the treatment", _att(
            lambda: _md(), cluster="treated", se="cluster"), ("cluster", "treated")),
        Case("effects_rt", "cluster is the outcome", _att(
            lambda: _md(), cluster="y", se="cluster"), ("cluster", "y")),
        Case("effects_rt", "exposure is the treatment", _att(
            outcome="admissions", model="poisson", exposure="treated"),
            ("exposure", "treated")),
        Case("effects_rt", "index name shadows the outcome", _att(
            lambda: _md().rename_axis("y")), ("y", "index")),
        Case("effects_rt", "poisson counts 1e200", _att(
            lambda: _md().assign(admissions=lambda d: d["admissions"] * 1e200),
            outcome="admissions", model="poisson"), ("admissions",)),
        Case(c, "persons a MatchResult", lambda: _panel(persons=matched()), ("persons",)),
        Case(c, "events a SortedEvents", lambda: _panel(events=et.cohort.SortedEvents(
            events, AE)), ("events",)),
        Case(c, "persons indexed by person_id", lambda: _panel(
            persons=persons.set_index("person_id")), ("person_id",)),
        Case(c, "events indexed by person_id", lambda: _panel(
            events=events.set_index("person_id")), ("person_id",)),
        Case(c, "index date before 1678", lambda: _panel(persons=persons.assign(
            index_date="1066-10-14")), ("index_date",)),
        Case(c, "index date impossible", lambda: _panel(persons=persons.assign(
            index_date="2020-13-45")), ("index_date",)),
        Case(c, "person ids booleans", lambda: _panel(persons=persons.assign(
            person_id=persons.index % 2 == 0)), ("person_id",)),
        Case(c, "event ids category with NA", lambda: _panel(events=events.assign(
            person_id=pd.Categorical(events["person_id"]).remove_categories(
                [events["person_id"].iloc[0]]))), ("person_id",)),
        Case(c, "check_tables measures a list", lambda: et.cohort.check_tables(
            persons, events, measures=[M("setting == 'ae'")]), ("measures",)),
        Case(c, "SortedEvents measures empty", lambda: et.cohort.SortedEvents(events, {}),
             ("measures",)),
        Case(c, "SortedEvents.prior index dates with NaT", lambda: et.cohort.SortedEvents(
            events, AE).prior(persons["person_id"], pd.Series(
                pd.NaT, index=persons.index)), ("index",)),
        Case(c, "PanelResult.rates measure unknown", lambda: _panel_result().rates("nope"),
             ("nope",)),
        Case(c, "prior_use span with NaT", lambda: _prior(span=(pd.NaT, "2030-01-01")),
             ("span",)),
        Case("datasets_rt", "popp: effect -1", lambda: et.datasets.popp_synthetic(
            40, 400, effect=-1), ("effect",)),
        Case("datasets_rt", "popp: n_participants zero", lambda: et.datasets.popp_synthetic(
            0, 400), ("n_participants",)),
        Case("datasets_rt", "sample_path: trailing space", lambda: et.datasets.sample_path(
            "popp "), ("name", "sample")),
    ]
    from evaltools import cli
    rtm = "regression_to_the_mean"
    out = str(Path(tempfile.gettempdir()) / "evaltools_audit_rt.html")
    cases += [
        Case("cli_rt", "check_parameters deeply nested value", lambda: cli.check_parameters(
            cli.notebook_path(rtm), [("threshold", "[" * 100_000 + "]" * 100_000)]),
            ("threshold",)),
        Case("cli_rt", "check_parameters FILE URL", lambda: cli.check_parameters(
            cli.notebook_path(rtm), [("events_path", "FILE:///etc/passwd")]),
            ("events_path",)),
        Case("cli_rt", "run_notebook bool for a number", lambda: cli.run_notebook(
            rtm, out, {"threshold": True}), ("threshold",)),
        Case("cli_rt", "notebook_path empty", lambda: cli.notebook_path(""), ("notebook",)),
        Case("cli_rt", "notebook_path NUL", lambda: cli.notebook_path("regression\0x"),
             ("notebook",)),
    ]
    for label, get in [("MatchResult", matched), ("EffectResult", _effect),
                       ("BalanceTable", _balance), ("WeightResult", _weights),
                       ("PanelResult", _panel_result)]:
        cases += [
            Case(r, f"{label}.summary digits -1", lambda get=get: get().summary(digits=-1),
                 ("digits", "summary")),
            Case(r, f"{label}.tidy two levels", lambda get=get: get().tidy(0.95, 0.9),
                 ("tidy",)),
            Case(r, f"{label}.conf_int alpha", lambda get=get: get().conf_int(alpha=0.05),
                 ("alpha", "conf_int")),
        ]
    return cases


@cache
def _folder() -> Path:
    """A folder holding a file named like a notebook that is not one."""
    folder = Path(tempfile.mkdtemp(prefix="evaltools_rt_"))
    (folder / "notes.ipynb").write_text("this is not a notebook")
    return folder


def round_three() -> list[Case]:
    """Dates that contradict each other, options that leave nobody, and paths that are not
    tables."""
    a, c = "matching_rt", "cohort_rt"
    persons, pp = _part(), popp()[0]
    folder = _folder()
    not_nb = folder / "notes.ipynb"
    return [
        Case(a, "caliper so small nobody matches", _m(caliper=1e-300), ("caliper", "matched")),
        Case(a, "exact strata without both groups", _m(lambda: _p(
            grp=people()["treated"] + 10 * (people()["age"] > 200)), exact=["grp"]),
            ("grp", "exact", "stratum", "strata")),
        Case("weighting_rt", "ipw trim 0.5", _ipw(trim=0.5), ("trim",)),
        Case("effects_rt", "outcome is the matched-set column", _att(outcome="subclass"),
             ("subclass", "outcome")),
        Case("balance_rt", "BalanceTable.plot ax a Figure", lambda: _balance().plot(
            ax=__import__("matplotlib.pyplot").pyplot.figure()), ("ax",)),
        Case("riskset_rt", "death before the index date", _rs(lambda: pp.assign(
            death_date=pd.to_datetime(pp["index_date"]) - pd.Timedelta(days=30))),
            ("death_date", "index_date")),
        Case("riskset_rt", "treated with no index date", _rs(lambda: pp.assign(
            index_date=pd.NaT)), ("index_date",)),
        Case(c, "death before the index date", lambda: _panel(persons=persons.assign(
            death_date=pd.to_datetime(persons["index_date"]) - pd.Timedelta(days=400))),
            ("death_date", "index_date")),
        Case(c, "events path /etc/passwd", lambda: _panel(events="/etc/passwd"),
             ("events", "passwd")),
        Case(c, "events path /dev/zero", lambda: _panel(events="/dev/zero"),
             ("events", "zero")),
        Case(c, "events path a directory with pandas", lambda: _panel(events=str(folder)),
             ("events", str(folder))),
        Case(c, "key_col hostile html", lambda: _panel(key_col=SCRIPT), (SCRIPT, "key_col")),
        Case(c, "death_col hostile html", lambda: _panel(death_col=SCRIPT),
             (SCRIPT, "death_col")),
        Case(c, "duckdb: events path with a quote", lambda: _panel(
            events=str(folder / "x'; DROP TABLE t; --.parquet"), engine="duckdb"),
            ("events", "DROP")),
        Case("cli_rt", "template_parameters of a text file", lambda: __import__(
            "evaltools.cli").cli.template_parameters(not_nb), ("notes.ipynb", "notebook")),
        Case("cli_rt", "template_parameters of a folder", lambda: __import__(
            "evaltools.cli").cli.template_parameters(folder), ("notebook", str(folder))),
    ]


def round_four() -> list[Case]:
    """Summed event values in the types a careless extract gives them."""
    c = "cohort_rt"
    events = popp()[1]
    cost = {"cost": M(value="cost", agg="sum")}
    los = {"los": M(value="los", agg="sum")}

    def with_events(measures, **assign):
        return lambda: _panel(events=events.assign(**assign), measures=measures)

    def prior_with(measures, **assign):
        return lambda: _prior(events=events.assign(**assign), measures=measures)

    n = len(events)
    return [
        Case(c, "summed value Float64 with NA", with_events(cost, cost=events["cost"].astype(
            "Float64").mask(events.index == 0)), ("cost",)),
        Case(c, "summed value Int64 with NA", with_events(los, los=events["los"].astype(
            "Int64").mask(events.index == 1)), ("los",)),
        Case(c, "summed value timedelta", with_events(los, los=pd.to_timedelta(
            events["los"], unit="D")), ("los",)),
        Case(c, "summed value complex", with_events(cost, cost=events["cost"] + 1j),
             ("cost",)),
        Case(c, "summed value 1e300", with_events(cost, cost=np.full(n, 1e300)), ("cost",)),
        Case(c, "prior_use summed value 1e300", prior_with(cost, cost=np.full(n, 1e300)),
             ("cost",)),
        Case(c, "prior_use summed value timedelta", prior_with(los, los=pd.to_timedelta(
            events["los"], unit="D")), ("los",)),
        Case(c, "duckdb: summed value 1e300", lambda: _panel(
            events=events.assign(cost=np.full(n, 1e300)), measures=cost, engine="duckdb"),
            ("cost",)),
        Case(c, "duckdb: summed value complex", lambda: _panel(
            events=events.assign(cost=events["cost"] + 1j), measures=cost, engine="duckdb"),
            ("cost",)),
        Case(c, "where on a boolean column with NA", lambda: _panel(
            events=events.assign(flag=pd.array([True, pd.NA] * (n // 2) + [True] * (n % 2),
                                               dtype="boolean")),
            measures={"f": M("flag == 'yes'")}), ("flag",)),
        Case(c, "measures a single Measure", lambda: _panel(measures=M("setting == 'ae'")),
             ("measures",)),
        Case("riskset_rt", "prior_months a set", _rs(prior_months={12, 24}),
             ("prior_months",)),
        Case("riskset_rt", "prior_months nested list", _rs(prior_months=[[12]]),
             ("prior_months",)),
        Case("matching_rt", "covariates a set", _m(covariates={"age", "x1"}),
             ("covariates",)),
        Case("matching_rt", "exact a set", _m(exact={"region"}), ("exact",)),
        Case("balance_rt", "covariates a set", _bt(covariates={"age", "x1"}),
             ("covariates",)),
        Case("weighting_rt", "entropy covariates a generator", _eb(
            covariates=(c for c in ["age"])), ("covariates",)),
        Case("effects_rt", "exposure complex", _att(lambda: _md().assign(
            years=lambda d: d["years"] + 1j), outcome="admissions", model="poisson",
            exposure="years"), ("years",)),
        Case(c, "duckdb: id_col with a quote", lambda: _panel(
            id_col='x" OR 1=1 --', engine="duckdb"), ('x" OR',)),
        Case("results_rt", "EffectResult.conf_int level a Decimal", lambda: _effect().conf_int(
            __import__("decimal").Decimal("0.95")), ("level",)),
        Case(c, "SortedEvents summed value complex", lambda: et.cohort.SortedEvents(
            events.assign(cost=events["cost"] + 1j), cost), ("cost",)),
    ]


def misspelt_keywords() -> list[Case]:
    """Keywords a careless analyst misspells (British spelling, plural, underscore)."""
    from evaltools import cli

    return [
        Case("matching_rt", "match calliper", _m(calliper=0.2), ("calliper", "caliper")),
        Case("matching_rt", "match ratio given as n", _m(n=2), ("'n'",)),
        Case("riskset_rt", "match_risk_set prior_month", _rs(prior_month=6),
             ("prior_month",)),
        Case("balance_rt", "balance_table threshold", _bt(threshold={"smd": 0.1}),
             ("threshold",)),
        Case("weighting_rt", "ipw stabilise", _ipw(stabilise=True), ("stabilise",)),
        Case("weighting_rt", "entropy_balance estimand", _eb(estimand="ATE"),
             ("estimand",)),
        Case("effects_rt", "estimate_att n_boots", _att(se="bootstrap", n_boots=100),
             ("n_boots",)),
        Case("effects_rt", "estimate_att without arguments", lambda: et.estimate_att(),
             ("m_or_data",)),
        Case("cohort_rt", "build_panel measure", lambda: et.cohort.build_panel(
            _part(), popp()[1], measure=AE), ("measure",)),
        Case("cohort_rt", "prior_use month", lambda: _prior(month=12), ("month",)),
        Case("cohort_rt", "Measure wher", lambda: M(wher="setting == 'ae'"), ("wher",)),
        Case("cohort_rt", "Measure four positional", lambda: M("a", "b", "sum", "x"),
             ("Measure", "positional")),
        Case("cohort_rt", "SortedEvents.prior month", lambda: et.cohort.SortedEvents(
            popp()[1], AE).prior([1], [np.datetime64("2020-01-01")], month=3), ("month",)),
        Case("cohort_rt", "check_tables idcol", lambda: et.cohort.check_tables(
            _part(), popp()[1], idcol="person_id"), ("idcol",)),
        Case("datasets_rt", "popp_synthetic four positional", lambda: et.datasets
             .popp_synthetic(40, 400, 0.0, 1), ("popp_synthetic", "positional")),
        Case("datasets_rt", "area_rollout cohort", lambda: et.datasets.area_rollout(
            cohort={2010: 0.5}), ("cohort",)),
        Case("cli_rt", "run_notebook time_out", lambda: cli.run_notebook(
            "regression_to_the_mean", "x.html", time_out=5), ("time_out",)),
    ]


def cases() -> list[Case]:
    return (matching_rt() + riskset_rt() + balance_rt() + weighting_rt() + effects_rt()
            + results_rt() + cohort_rt() + datasets_rt() + cli_rt() + round_two()
            + round_three() + round_four() + misspelt_keywords())
