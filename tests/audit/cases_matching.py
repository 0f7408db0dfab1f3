"""Wrong inputs to matching, risk-set matching, balance, weighting and effects: every parameter
of every public function, and of the result methods (balance, plot, tidy, conf_int)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import evaltools as et

from .catalogue import Case, _set, matched, people, popp

BASE = {"treatment": "treated", "covariates": ["age", "x1"]}


def _m(**kw):
    return lambda: et.match(people(), **{**BASE, **kw})


def _bt(data=None, **kw):
    return lambda: et.balance_table(people() if data is None else data(),
                                    **{**BASE, **kw})


def _ipw(**kw):
    return lambda: et.weighting.ipw(people(), **{**BASE, **kw})


def _eb(data=None, **kw):
    return lambda: et.weighting.entropy_balance(people() if data is None else data(),
                                                **{**BASE, **kw})


def _att(data=None, **kw):
    kw = {"outcome": "y", "progress": False, **kw}
    return lambda: et.estimate_att(matched() if data is None else data(), **kw)


def _md():
    return matched().matched_data


def _rs(**kw):
    def run():
        persons, events = popp()
        base = {"persons": persons, "events": events, "covariates": ["age", "risk_score"],
                "progress": False, "random_state": 1}
        return et.matching.match_risk_set(**{**base, **kw})
    return run


def _persons(**assign):
    return popp()[0].assign(**assign)


def _one_treated():
    d = people().copy()
    d["treated"] = 0
    d.loc[d.index[0], "treated"] = 1
    return d


def _separated():
    d = people().copy()
    d["age"] = np.where(d["treated"] == 1, d["age"] + 100, d["age"])
    return d


def match_cases() -> list[Case]:
    a = "matching2"
    return [
        Case(a, "treatment None", _m(treatment=None), ("treatment",)),
        Case(a, "treatment a number", _m(treatment=3), ("treatment",)),
        Case(a, "data a dict", lambda: et.match(people().to_dict(), **BASE),
             ("data", "DataFrame")),
        Case(a, "data a numpy array", lambda: et.match(people().to_numpy(), **BASE),
             ("data", "DataFrame")),
        Case(a, "covariates None", _m(covariates=None), ("covariates",)),
        Case(a, "covariates formula with empty right side", _m(covariates="treated ~ "),
             ("covariates", "formula")),
        Case(a, "method upper case", _m(method="NEAREST"), ("method",)),
        Case(a, "distance a MatchIt name", _m(distance="glm"), ("distance",)),
        Case(a, "distance a list of text", _m(distance=["a"] * len(people())), ("distance",)),
        Case(a, "caliper True", _m(caliper=True), ("caliper",)),
        Case(a, "caliper zero", _m(caliper=0), ("caliper",)),
        Case(a, "ratio True", _m(ratio=True), ("ratio",)),
        Case(a, "ratio NaN", _m(ratio=np.nan), ("ratio",)),
        Case(a, "replace None", _m(replace=None), ("replace",)),
        Case(a, "random_state True", _m(random_state=True), ("random_state",)),
        Case(a, "exact is the treatment", _m(exact=["treated"]), ("exact", "treated")),
        Case(a, "exact on a unique id", _m(exact=["pid"]), ("exact", "pid")),
        Case(a, "mahvars a single string", _m(mahvars="age"), ("mahvars",)),
        Case(a, "mahvars with distance mahalanobis", _m(mahvars=["age"], distance="mahalanobis"),
             ("mahvars",)),
        Case(a, "mahvars with method exact", _m(mahvars=["age"], method="exact"),
             ("mahvars",)),
        Case(a, "caliper with distance mahalanobis", _m(caliper=0.2, distance="mahalanobis"),
             ("caliper",)),
        Case(a, "outcome given with distance ps", _m(outcome="y"), ("outcome",)),
        Case(a, "prognostic without outcome", _m(distance="prognostic"), ("outcome",)),
        Case(a, "prognostic outcome missing", _m(distance="prognostic", outcome="yy"),
             ("yy",)),
        Case(a, "prognostic outcome text", _m(distance="prognostic", outcome="region"),
             ("region",)),
        Case(a, "cutpoints with method nearest", _m(cutpoints={"age": 4}), ("cutpoints",)),
        Case(a, "cutpoints an unknown rule", _m(method="cem", cutpoints={"age": "median"}),
             ("cutpoints", "age")),
        Case(a, "cutpoints for a text column", _m(covariates=["age", "region"], method="cem",
                                                   cutpoints={"region": 3}),
             ("cutpoints", "region")),
        Case(a, "cutpoints one cut point", _m(method="cem", cutpoints={"age": [70]}),
             ("cutpoints", "age")),
        Case(a, "cutpoints zero bins", _m(method="cem", cutpoints={"age": 0}),
             ("cutpoints", "age")),
        Case(a, "cutpoints fractional bins", _m(method="cem", cutpoints={"age": 2.5}),
             ("cutpoints", "age")),
        Case(a, "cutpoints 10**9 bins", _m(method="cem", cutpoints={"age": 10**9}),
             ("cutpoints", "age")),
        Case(a, "cutpoints with NaN", _m(method="cem", cutpoints={"age": [np.nan, 70, 80]}),
             ("cutpoints", "age")),
        Case(a, "missing unknown", _m(missing="ignore"), ("missing",)),
        Case(a, "missing True", _m(missing=True), ("missing",)),
        Case(a, "optimal with replace", _m(method="optimal", replace=True), ("replace",)),
        Case(a, "order with optimal matching", _m(method="optimal", order="smallest"),
             ("order",)),
        Case(a, "order random with replace", _m(order="random", replace=True, random_state=1),
             ("order",)),
        Case(a, "plot kind unknown", lambda: matched().plot(kind="loveplot"), ("kind",)),
        Case(a, "plot bins zero", lambda: matched().plot("overlap", bins=0), ("bins",)),
        Case(a, "plot bins text", lambda: matched().plot("overlap", bins="many"), ("bins",)),
        Case(a, "plot ax not an Axes", lambda: matched().plot(ax="axes"), ("ax",)),
        Case(a, "balance estimand twice", lambda: matched().balance(estimand="ATE"),
             ("estimand",)),
        Case(a, "balance weights twice", lambda: matched().balance(weights=np.ones(300)),
             ("weights",)),
        Case(a, "balance covariate missing", lambda: matched().balance(["agee"]), ("agee",)),
        Case(a, "tidy of a matching", lambda: matched().tidy(), ("tidy", "estimate_att")),
        Case(a, "text identifier as covariate", lambda: et.match(people().assign(
            code=lambda d: "p" + d["pid"].astype(str)), treatment="treated",
            covariates=["age", "code"]), ("code",)),
        Case(a, "date covariate", lambda: et.match(people().assign(
            day=pd.Timestamp("2020-01-01") + pd.to_timedelta(people()["pid"], "D")),
            treatment="treated", covariates=["age", "day"]), ("day",)),
        Case(a, "missing='drop' leaves no row", lambda: et.match(
            people().assign(age=np.nan), missing="drop", **BASE), ("age",)),
        Case(a, "data has a weights column", lambda: et.match(
            people().assign(weights=2.0), **BASE), ("weights",)),
        Case(a, "exact on a unique id column", _m(covariates=["pid"], method="exact"),
             ("pid",)),
        Case(a, "plot keyword matplotlib refuses", lambda: matched().plot(
            "overlap", colour="red"), ("colour",)),
        Case(a, "prognostic outcome is a covariate", _m(
            covariates=["age", "admissions"], distance="prognostic", outcome="admissions"),
            ("outcome", "admissions")),
        Case(a, "prognostic outcome is the treatment", _m(distance="prognostic",
                                                          outcome="treated"),
             ("outcome", "treated")),
        Case(a, "order smallest with mahalanobis", _m(order="smallest", distance="mahalanobis"),
             ("order",)),
    ]


def balance_cases() -> list[Case]:
    a = "balance2"
    return [
        Case(a, "weights zero for every control", _bt(
            weights=np.where(people()["treated"] == 1, 1.0, 0.0)), ("weights", "control")),
        Case(a, "weights a list of text", _bt(weights=["a"] * len(people())), ("weights",)),
        Case(a, "weights text column", _bt(weights="region"), ("region", "weights")),
        Case(a, "weights Series on another index", _bt(
            weights=pd.Series(1.0, index=np.arange(1000, 1300))), ("weights",)),
        Case(a, "thresholds smd as text", _bt(thresholds={"smd": "0.1"}), ("smd",)),
        Case(a, "thresholds var_ratio below 1", _bt(thresholds={"var_ratio": 0.5}),
             ("var_ratio",)),
        Case(a, "thresholds key upper case", _bt(thresholds={"SMD": 0.1}), ("SMD", "thresholds")),
        Case(a, "estimand None", _bt(estimand=None), ("estimand",)),
        Case(a, "treatment among covariates", _bt(covariates=["age", "treated"]), ("treated",)),
        Case(a, "one treated unit (SD undefined)", _bt(data=_one_treated), ("treated", "one")),
        Case(a, "plot ax not an Axes", lambda: et.balance_table(people(), **BASE).plot(ax=3),
             ("ax",)),
        Case(a, "tidy of a balance table", lambda: et.balance_table(people(), **BASE).tidy(),
             ("tidy",)),
        Case(a, "weights a dict", _bt(weights={"a": 1}), ("weights",)),
        Case(a, "text identifier as covariate", _bt(data=lambda: people().assign(
            code=lambda d: "p" + d["pid"].astype(str)), covariates=["code"]), ("code",)),
        Case(a, "formula without terms", lambda: et.balance_table(
            people(), covariates="treated ~ 1"), ("covariates", "formula")),
        Case(a, "plot keyword matplotlib refuses", lambda: et.balance_table(
            people(), **BASE).plot(colour="red"), ("colour",)),
        Case(a, "thresholds smd inf", _bt(thresholds={"smd": np.inf}), ("smd",)),
        Case(a, "thresholds var_ratio inf", _bt(thresholds={"var_ratio": np.inf}),
             ("var_ratio",)),
    ]


def weighting_cases() -> list[Case]:
    a = "weighting2"
    return [
        Case(a, "ipw stabilize with ATT", _ipw(stabilize=True), ("stabilize",)),
        Case(a, "ipw estimand lower case", _ipw(estimand="att"), ("estimand",)),
        Case(a, "ipw trim True", _ipw(trim=True), ("trim",)),
        Case(a, "ipw covariates empty string", _ipw(covariates=""), ("covariates",)),
        Case(a, "ipw perfect separation", lambda: et.weighting.ipw(_separated(), **BASE),
             ("separat", "age", "perfect")),
        Case(a, "ipw data a dict", lambda: et.weighting.ipw(people().to_dict(), **BASE),
             ("data", "DataFrame")),
        Case(a, "entropy moments True", _eb(moments=True), ("moments",)),
        Case(a, "entropy moments text", _eb(moments="2"), ("moments",)),
        Case(a, "entropy tol inf", _eb(tol=np.inf), ("tol",)),
        Case(a, "entropy tol 1", _eb(tol=1.0), ("tol",)),
        Case(a, "entropy treated outside controls", _eb(data=_separated), ("age",)),
        Case(a, "balance estimand twice", lambda: et.weighting.ipw(people(), **BASE).balance(
            estimand="ATE"), ("estimand",)),
        Case(a, "tidy of weights", lambda: et.weighting.ipw(people(), **BASE).tidy(),
             ("tidy", "estimate_att")),
        Case(a, "ipw data has a weights column", lambda: et.weighting.ipw(
            people().assign(weights=1.0), **BASE), ("weights",)),
        Case(a, "entropy date covariate", _eb(data=lambda: people().assign(
            day=pd.Timestamp("2020-01-01")), covariates=["age", "day"]), ("day",)),
    ]


def effects_cases() -> list[Case]:
    a = "effects2"
    return [
        Case(a, "m_or_data None", lambda: et.estimate_att(None, "y"),
             ("m_or_data", "MatchResult")),
        Case(a, "m_or_data an array", lambda: et.estimate_att(people().to_numpy(), "y"),
             ("m_or_data", "MatchResult")),
        Case(a, "outcome None", _att(outcome=None), ("outcome",)),
        Case(a, "outcome a list", _att(outcome=["y"]), ("outcome",)),
        Case(a, "outcome is the treatment", _att(outcome="treated"), ("outcome", "treated")),
        Case(a, "model upper case", _att(model="Poisson"), ("model",)),
        Case(a, "regression without covariates", _att(model="regression"), ("covariates",)),
        Case(a, "covariates include the outcome", _att(model="regression",
                                                         covariates=["age", "y"]),
             ("y", "outcome")),
        Case(a, "exposure with regression", _att(model="regression", covariates=["age"],
                                                 exposure="years"), ("exposure",)),
        Case(a, "exposure a number", _att(outcome="admissions", model="poisson", exposure=3),
             ("exposure",)),
        Case(a, "exposure text column", _att(outcome="admissions", model="poisson",
                                             exposure="region"), ("region", "exposure")),
        Case(a, "n_boot without bootstrap", _att(n_boot=500), ("n_boot",)),
        Case(a, "treatment ignored for a result", _att(treatment="female"), ("treatment",)),
        Case(a, "weights ignored for a result", _att(weights="years"), ("weights",)),
        Case(a, "cluster a number", _att(data=_md, cluster=3), ("cluster",)),
        Case(a, "missing unknown", _att(missing="skip"), ("missing",)),
        Case(a, "weights zero for every row", _att(data=lambda: _md().assign(weights=0.0)),
             ("weights",)),
        Case(a, "weights zero for every control", _att(data=lambda: _md().assign(
            weights=lambda d: d["weights"] * d["treated"])), ("weights",)),
        Case(a, "weights text column", _att(data=lambda: _md().assign(weights="one")),
             ("weights",)),
        Case(a, "empty data", _att(data=lambda: _md().iloc[:0]), ("data", "row", "empty")),
        Case(a, "se m-estimation for a matching", _att(se="m-estimation"), ("se",)),
        Case(a, "se cluster for ipw", lambda: et.estimate_att(et.weighting.ipw(
            people(), **BASE), "y", se="cluster"), ("se", "cluster")),
        Case(a, "tidy level 95", lambda: et.estimate_att(matched(), "y").tidy(95), ("level",)),
        Case(a, "conf_int level 1", lambda: et.estimate_att(matched(), "y").conf_int(1.0),
             ("level",)),
        Case(a, "conf_int level as text", lambda: et.estimate_att(matched(), "y").conf_int(
            "95%"), ("level",)),
        Case(a, "n_boot 2 million", _att(se="bootstrap", n_boot=2_000_000), ("n_boot",)),
        Case(a, "treatment a number for a DataFrame", lambda: et.estimate_att(
            _md(), "y", treatment=1), ("treatment",)),
        Case(a, "weights None for a DataFrame", lambda: et.estimate_att(
            people(), "y", weights=None), ("weights",)),
        Case(a, "n_boot 99999", _att(se="bootstrap", n_boot=99_999), ("n_boot",)),
        Case(a, "formula without terms", _att(model="regression", covariates="~ 1"),
             ("covariates",)),
        Case(a, "one cluster", _att(data=lambda: _md().assign(subclass=1)), ("subclass",)),
        Case(a, "two clusters", _att(data=lambda: _md().assign(
            subclass=lambda d: d["treated"])), ("subclass",)),
        Case(a, "no events among the treated", _att(data=lambda: _md().assign(
            admissions=lambda d: d["admissions"] * (1 - d["treated"])), outcome="admissions",
            model="negbin"), ("admissions",)),
        Case(a, "two rows", lambda: et.estimate_att(people().iloc[[0, 1]].assign(
            treated=[1, 0], weights=1.0), "y"), ("row",)),
        Case(a, "bootstrap of four rows", lambda: et.estimate_att(people().iloc[:4].assign(
            treated=[1, 0, 1, 0], weights=1.0), "y", se="bootstrap", n_boot=50,
            random_state=1, progress=False), ("bootstrap", "draws")),
        Case(a, "constant outcome", _att(data=lambda: _md().assign(y=1.0)), ("y",)),
        Case(a, "missing='drop' leaves no row", _att(data=lambda: _md().assign(y=np.nan),
                                                     missing="drop"), ("y",)),
        Case(a, "exposure a bool column", _att(
            data=lambda: _md().assign(years=True), outcome="admissions", model="poisson",
            exposure="years"), ("years", "exposure")),
        Case(a, "covariate formula uses the outcome", _att(model="regression",
                                                           covariates="~ age + y"),
             ("y", "outcome")),
    ]


def riskset_cases() -> list[Case]:
    a = "riskset2"
    return [
        Case(a, "covariates a string", _rs(covariates="age"), ("covariates",)),
        Case(a, "prior_months repeated", _rs(prior_months=[3, 3]), ("prior_months",)),
        Case(a, "prior_months empty list", _rs(prior_months=[]), ("prior_months",)),
        Case(a, "prior_months text", _rs(prior_months="12"), ("prior_months",)),
        Case(a, "prior_months 10**6", _rs(prior_months=10**6), ("prior_months",)),
        Case(a, "id_col missing", _rs(id_col="pid"), ("pid",)),
        Case(a, "index_col missing", _rs(index_col="enrolled"), ("enrolled",)),
        Case(a, "event_date_col missing", _rs(event_date_col="date"), ("date",)),
        Case(a, "death_col missing", _rs(death_col="died"), ("died", "death_col")),
        Case(a, "end_col missing", _rs(end_col="left"), ("left", "end_col")),
        Case(a, "death_col as text", _rs(persons=_persons(death_date="unknown")),
             ("death_date",)),
        Case(a, "exact column missing", _rs(exact=["areaa"]), ("areaa",)),
        Case(a, "distance prognostic", _rs(distance="prognostic"), ("distance",)),
        Case(a, "ratio 10**6", _rs(ratio=10**6), ("ratio",)),
        Case(a, "max_before_rows True", _rs(max_before_rows=True), ("max_before_rows",)),
        Case(a, "persons a dict", _rs(persons={"a": 1}), ("persons", "DataFrame")),
        Case(a, "events None", _rs(events=None), ("events", "DataFrame")),
        Case(a, "repeated person ids", _rs(persons=_persons(person_id=1)), ("person_id",)),
        Case(a, "prior_measures a list", _rs(prior_measures=["emergency"]),
             ("prior_measures",)),
        Case(a, "prior_measures empty", _rs(prior_measures={}), ("prior_measures",)),
        Case(a, "prior_measures with a string", _rs(prior_measures={"ae": "setting == 'ae'"}),
             ("prior_measures", "ae")),
        Case(a, "caliper with mahalanobis", _rs(distance="mahalanobis", caliper=0.5),
             ("caliper",)),
        Case(a, "id_col a number", _rs(id_col=3), ("id_col",)),
        Case(a, "index_col None", _rs(index_col=None), ("index_col",)),
        Case(a, "events with no rows", _rs(events=popp()[1].iloc[:0]), ("events",)),
        Case(a, "index dates after the events", _rs(persons=_persons(
            index_date=pd.Timestamp("2040-01-01"))), ("index_date",)),
        Case(a, "covariates include the treatment", _rs(covariates=["age", "treated"]),
             ("treated",)),
        Case(a, "missing person id", _rs(persons=_set(
            popp()[0].astype({"person_id": float}), "person_id", {0: np.nan})),
             ("person_id",)),
        Case(a, "persons column clashes with prior use", _rs(persons=_persons(
            prior_ae_visits=1)), ("prior_ae_visits",)),
        Case(a, "NaN in a text covariate", _rs(
            covariates=["age", "sex"], persons=_set(popp()[0], "sex", {0: None})), ("sex",)),
    ]


def cases() -> list[Case]:
    return [*match_cases(), *balance_cases(), *weighting_cases(), *effects_cases(),
            *riskset_cases()]
