"""A catalogue of wrong inputs across the public API, and how each one is answered.

Each case calls one public function the way a careless or hostile user might (a typo in a
column name, NaN or inf in a column, a treatment coded 1/2, an option given as "no", an
impossible size) and is classified by what evaltools does:

- ``clear``: an evaltools error or warning whose message names the argument or column;
- ``vague``: an evaltools error or warning that names neither;
- ``raw``: an error from another library (KeyError, LinAlgError, sklearn, ...);
- ``silent``: a result with no word;
- ``slow``: no answer within the time limit.

``benchmarks/bad_input_audit.py`` prints the tally; ``tests/audit/test_bad_input_audit.py``
holds it to the standard (at least 95% clear, none silent or slow).
"""

from __future__ import annotations

import signal
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

import evaltools as et
from evaltools.exceptions import EvaltoolsInputError, EvaltoolsWarning

TIME_LIMIT = 30  # seconds a wrong input may take before it counts as hanging
# Hostile cases try to write this file; it must never appear.
MARKER = str(Path(tempfile.gettempdir()) / "evaltools_audit_marker.csv")


@dataclass(frozen=True)
class Case:
    area: str
    name: str
    call: Callable[[], object]
    names: tuple[str, ...]  # any of these in the message makes it clear


@dataclass(frozen=True)
class Outcome:
    case: Case
    kind: str
    message: str
    seconds: float


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def run_case(case: Case) -> Outcome:
    """Call the case and classify the answer."""
    start = time.perf_counter()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIME_LIMIT)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            case.call()
        ours = [w for w in caught if issubclass(w.category, EvaltoolsWarning)]
        if ours:
            message = " | ".join(str(w.message) for w in ours)
            kind = "clear" if _names_any(message, case.names) else "vague"
        else:
            kind, message = "silent", ""
    except _Timeout:
        kind, message = "slow", f"no answer in {TIME_LIMIT} s"
    except EvaltoolsInputError as err:
        message = str(err)
        kind = "clear" if _names_any(message, case.names) else "vague"
    except Exception as err:  # noqa: BLE001 - the audit classifies every failure
        kind, message = "raw", f"{type(err).__name__}: {err}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return Outcome(case, kind, message[:300], time.perf_counter() - start)


def _names_any(message: str, names: tuple[str, ...]) -> bool:
    low = message.lower()
    return any(n.lower() in low for n in names)


# ----------------------------------------------------------------------------- data

@cache
def people() -> pd.DataFrame:
    """A small observational data set: treatment depends on age and x1."""
    rng = np.random.default_rng(7)
    n = 300
    age = rng.normal(75, 8, n).round()
    x1 = rng.normal(0, 1, n)
    treated = (rng.random(n) < 1 / (1 + np.exp(-(-1.5 + 0.04 * (age - 75) + 0.5 * x1)))).astype(int)
    return pd.DataFrame({
        "pid": np.arange(1, n + 1), "treated": treated, "age": age, "x1": x1,
        "female": rng.integers(0, 2, n), "region": rng.choice(["north", "south", "west"], n),
        "y": 2 + 0.1 * age + x1 + rng.normal(0, 1, n),
        "admissions": rng.poisson(1.5, n), "years": rng.uniform(0.5, 1.0, n)})


def people_with(column: str, values: dict[int, object]) -> pd.DataFrame:
    df = people().copy()
    if values and isinstance(next(iter(values.values())), str):
        df[column] = df[column].astype(object)
    elif values:
        df[column] = df[column].astype(float)
    for row, value in values.items():
        df.loc[row, column] = value
    return df


@cache
def matched():
    return et.match(people(), treatment="treated", covariates=["age", "x1"], random_state=1)


@cache
def popp():
    persons, events = et.datasets.popp_synthetic(40, 400, random_state=3)
    return persons, events


def participants() -> pd.DataFrame:
    persons, _ = popp()
    return persons[persons["treated"] == 1].reset_index(drop=True)


@cache
def panel_data() -> pd.DataFrame:
    """A staggered area panel: unit, time, cohort, treatment, outcome, covariate."""
    rng = np.random.default_rng(11)
    units, years = np.arange(60), np.arange(2010, 2018)
    cohort = np.select([units < 15, units < 30, units < 45], [2013, 2015, 0], 0)
    d = pd.DataFrame({"area": np.repeat(units, len(years)), "year": np.tile(years, len(units))})
    d["cohort"] = np.repeat(cohort, len(years))
    d["treated"] = ((d["cohort"] > 0) & (d["year"] >= d["cohort"])).astype(int)
    d["ever"] = (d["cohort"] > 0).astype(int)
    d["post"] = (d["year"] >= 2014).astype(int)
    d["x"] = rng.normal(0, 1, len(d))
    d["y"] = d["area"] * 0.1 + (d["year"] - 2010) * 0.5 - 1.0 * d["treated"] + rng.normal(0, 1, len(d))
    d["count"] = rng.poisson(5, len(d))
    d["pop"] = rng.uniform(1, 2, len(d))
    return d


def panel_with(column: str, values: dict[int, object]) -> pd.DataFrame:
    d = panel_data().copy()
    if values and isinstance(next(iter(values.values())), str):
        d[column] = d[column].astype(object)
    elif values:
        d[column] = d[column].astype(float)
    for row, value in values.items():
        d.loc[row, column] = value
    return d


# Shared by the case files: a small participants' panel and a matched-DiD panel and table.
AE = {"ae": et.cohort.Measure("setting == 'ae'")}


def cohort_panel(**kw):
    return et.cohort.build_panel(**{"persons": participants(), "events": popp()[1],
                                    "measures": AE, "window": (-3, 3),
                                    "unknown_persons": "drop", **kw})


def cohort_prior(**kw):
    return et.cohort.prior_use(**{"persons": participants(), "events": popp()[1],
                                  "measures": AE, **kw})


@cache
def cohort_panel_result():
    return cohort_panel(carry=["treated"])


def matched_did_panel() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    ids, k = np.arange(40), np.arange(-3, 3)
    return pd.DataFrame({"match_id": np.repeat(ids, len(k)), "rel_period": np.tile(k, 40),
                         "y": rng.poisson(1, 40 * len(k)).astype(float), "exposure": 1.0})


def matched_did_table() -> pd.DataFrame:
    return pd.DataFrame({"match_id": np.arange(40), "treated": np.arange(40) % 2,
                         "subclass": np.arange(40) // 2, "weights": 1.0})


def matched_did(panel=None, table=None, **over):
    kw = {"outcome": "y", "pre": (-3, 0), "post": (0, 3), **over}
    return et.did.matched_did(matched_did_panel() if panel is None else panel,
                              matched_did_table() if table is None else table, **kw)


# The DiD functions called on the staggered panel, with any option overridden.
BASE = {"outcome": "y", "unit": "area", "time": "year", "cohort": "cohort"}
TWO = {"outcome": "y", "treatment": "ever", "post": "post", "unit": "area"}
TW = {"outcome": "y", "unit": "area", "time": "year", "treatment": "treated"}


def att(**over):
    return et.did.att_gt(**{"data": panel_data(), **BASE, **over})


def two(**over):
    return et.did.did_2x2(**{"data": panel_data(), **TWO, **over})


def tw(**over):
    return et.did.twfe(**{"data": panel_data(), **TW, **over})


def es(**over):
    return et.did.event_study(**{"data": panel_data(), **BASE, **over})


def bacon(**over):
    return et.did.bacon_decomposition(**{"data": panel_data(), **TW, **over})


@cache
def fit():
    return att()

# ---------------------------------------------------------------------- case builders

def _column_cases(area, func, base_kwargs, *, frame, arg, column, numeric=True, binary=False):
    """Typo in the column name; NaN; inf; text; (binary) values outside 0/1, all one value."""
    def call_with(data=None, **over):
        def run():
            kwargs = {**base_kwargs(), **over}
            if data is not None:
                kwargs["data"] = data()
            return func(**kwargs)
        return run

    cases = [Case(area, f"{arg}: column not in data", call_with(**{arg: column + "_typo"}),
                  (arg, column + "_typo"))]
    if numeric:
        cases += [
            Case(area, f"{arg}: NaN in {column}",
                 call_with(data=lambda: frame(column, {3: np.nan, 10: np.nan})), (column,)),
            Case(area, f"{arg}: inf in {column}",
                 call_with(data=lambda: frame(column, {5: np.inf})), (column,)),
            Case(area, f"{arg}: text in {column}",
                 call_with(data=lambda: frame(column, {2: "n/a"})), (column,)),
        ]
    if binary:
        cases += [
            Case(area, f"{arg}: coded 1/2", call_with(
                data=lambda: frame(column, {}).assign(**{column: lambda d: d[column] + 1})),
                (column,)),
            Case(area, f"{arg}: all treated", call_with(
                data=lambda: frame(column, {}).assign(**{column: 1})), (column,)),
            Case(area, f"{arg}: all control", call_with(
                data=lambda: frame(column, {}).assign(**{column: 0})), (column,)),
        ]
    return cases


def _option_cases(area, func, base_kwargs, options: dict[str, list[object]]):
    cases = []
    for arg, bad_values in options.items():
        for value in bad_values:
            def run(arg=arg, value=value):
                return func(**{**base_kwargs(), arg: value})
            # A message that quotes the offending column name is as clear as one naming arg.
            quoted = tuple(f"'{v}'" for v in np.atleast_1d(value) if isinstance(v, str))
            cases.append(Case(area, f"{arg}={value!r}", run, (arg, *quoted)))
    return cases


def _data_cases(area, func, base_kwargs, data_arg="data"):
    def run(value):
        return lambda: func(**{**base_kwargs(), data_arg: value()})
    return [
        Case(area, f"{data_arg} is a list", run(lambda: [[1, 2], [3, 4]]), (data_arg, "DataFrame")),
        Case(area, f"{data_arg} is None", run(lambda: None), (data_arg, "DataFrame")),
        Case(area, f"{data_arg} has no rows",
             run(lambda: base_kwargs()[data_arg].iloc[:0]), (data_arg, "row", "empty")),
        Case(area, f"{data_arg} has a repeated index",
             run(lambda: base_kwargs()[data_arg].set_index(
                 np.zeros(len(base_kwargs()[data_arg]), dtype=int))), ("index",)),
    ]


# ----------------------------------------------------------------------------- areas

def matching_cases():
    def base():
        return {"data": people(), "treatment": "treated", "covariates": ["age", "x1"]}

    def call(**kw):
        return et.match(**kw)

    cases = _data_cases("matching", call, base)
    cases += _column_cases("matching", call, base, frame=people_with, arg="treatment",
                           column="treated", binary=True)
    cases += _column_cases("matching", call, base, frame=people_with, arg="covariates",
                           column="age")
    cases[-4] = Case("matching", "covariates: column not in data",
                     lambda: et.match(people(), treatment="treated", covariates=["agee"]),
                     ("agee",))
    cases += _option_cases("matching", call, base, {
        "method": ["neighbour", None], "distance": ["propensity", 3],
        "caliper": [-0.1, np.nan, np.inf, "0.2"], "ratio": [0, 1.5, -1, "2"],
        "replace": ["no", "False", 1], "order": ["biggest"], "estimand": ["ATE?", "att "],
        "random_state": ["abc", -1.5], "covariates": [[], "age + x1", ["age", "age"], [3]],
        "exact": ["region2", ["nope"]], "mahvars": [["nope"]],
    })
    cases += [
        Case("matching", "constant covariate", lambda: et.match(
            people().assign(c=1.0), treatment="treated", covariates=["age", "c"]), ("c",)),
        Case("matching", "collinear covariates", lambda: et.match(
            people().assign(a2=lambda d: 2 * d["age"]), treatment="treated",
            covariates=["age", "a2"]), ("a2",)),
        Case("matching", "mahalanobis with collinear covariates", lambda: et.match(
            people().assign(a2=lambda d: 2 * d["age"]), treatment="treated",
            covariates=["age", "a2"], distance="mahalanobis"), ("a2",)),
        Case("matching", "ratio above the controls available", lambda: et.match(
            people(), treatment="treated", covariates=["age", "x1"], ratio=8), ("ratio", "control")),
        Case("matching", "formula with code", lambda: et.match(
            people(), covariates="treated ~ __import__('os').getcwd()"), ("formula",)),
        Case("matching", "formula with unknown column", lambda: et.match(
            people(), covariates="treated ~ agee + x1"), ("agee",)),
        Case("matching", "formula left side contradicts treatment", lambda: et.match(
            people(), treatment="treated", covariates="female ~ age + x1"), ("female", "treatment")),
        Case("matching", "perfect separation", lambda: et.match(
            people().assign(sep=lambda d: d["treated"] * 10.0), treatment="treated",
            covariates=["age", "sep"]), ("separat", "sep", "perfect")),
    ]
    return cases


def balance_cases():
    def base():
        return {"data": people(), "treatment": "treated", "covariates": ["age", "x1"]}

    def call(**kw):
        return et.balance_table(**kw)

    cases = _data_cases("balance", call, base)
    cases += _column_cases("balance", call, base, frame=people_with, arg="treatment",
                           column="treated", binary=True)
    cases += [
        Case("balance", "covariate missing", lambda: et.balance_table(
            people(), treatment="treated", covariates=["agee"]), ("agee",)),
        Case("balance", "inf in covariate", lambda: et.balance_table(
            people_with("age", {4: np.inf}), treatment="treated", covariates=["age"]), ("age",)),
        Case("balance", "NaN in covariate", lambda: et.balance_table(
            people_with("age", {4: np.nan}), treatment="treated", covariates=["age"]), ("age",)),
        Case("balance", "weights wrong length", lambda: et.balance_table(
            people(), treatment="treated", covariates=["age"], weights=np.ones(3)), ("weights",)),
        Case("balance", "negative weights", lambda: et.balance_table(
            people(), treatment="treated", covariates=["age"],
            weights=-np.ones(len(people()))), ("weights",)),
        Case("balance", "inf weights", lambda: et.balance_table(
            people(), treatment="treated", covariates=["age"],
            weights=np.r_[np.inf, np.ones(len(people()) - 1)]), ("weights",)),
        Case("balance", "estimand unknown", lambda: et.balance_table(
            people(), treatment="treated", covariates=["age"], estimand="ATX"), ("estimand",)),
        Case("balance", "thresholds wrong", lambda: et.balance_table(
            people(), treatment="treated", covariates=["age"], thresholds={"smd": -1}),
            ("thresholds", "smd")),
    ]
    return cases


def weighting_cases():
    cases = []
    for func in (et.weighting.ipw, et.weighting.entropy_balance):
        name = func.__name__

        def base():
            return {"data": people(), "treatment": "treated", "covariates": ["age", "x1"]}

        def call(func=func, **kw):
            return func(**kw)

        cases += _data_cases("weighting", call, base)
        cases += _column_cases("weighting", call, base, frame=people_with, arg="treatment",
                               column="treated", binary=True)
        cases += [
            Case("weighting", f"{name}: covariate missing", lambda func=func: func(
                people(), treatment="treated", covariates=["agee"]), ("agee",)),
            Case("weighting", f"{name}: inf in covariate", lambda func=func: func(
                people_with("x1", {0: np.inf}), treatment="treated", covariates=["age", "x1"]),
                ("x1",)),
            Case("weighting", f"{name}: NaN in covariate", lambda func=func: func(
                people_with("x1", {0: np.nan}), treatment="treated", covariates=["age", "x1"]),
                ("x1",)),
            Case("weighting", f"{name}: constant covariate", lambda func=func: func(
                people().assign(c=2.0), treatment="treated", covariates=["age", "c"]), ("c",)),
        ]
    cases += _option_cases("weighting", et.weighting.ipw,
                           lambda: {"data": people(), "treatment": "treated",
                                    "covariates": ["age", "x1"]},
                           {"estimand": ["ATTT"], "trim": [-0.1, 1.5, np.nan],
                            "stabilize": ["yes", "False"]})
    cases += _option_cases("weighting", et.weighting.entropy_balance,
                           lambda: {"data": people(), "treatment": "treated",
                                    "covariates": ["age", "x1"]},
                           {"moments": [0, 4, 1.5], "tol": [-1, np.nan]})
    return cases


def effects_cases():
    def base():
        return {"m_or_data": matched(), "outcome": "y"}

    def call(**kw):
        return et.estimate_att(**kw)

    def data_with(column, values):
        return matched().matched_data.assign(**{column: lambda d: d[column].astype(object)}) \
            if isinstance(next(iter(values.values()), 0), str) else _set(
                matched().matched_data, column, values)

    cases = [
        Case("effects", "outcome not in data", lambda: et.estimate_att(matched(), "yy"), ("yy",)),
        Case("effects", "NaN outcome", lambda: et.estimate_att(
            _set(matched().matched_data, "y", {0: np.nan}), "y"), ("y", "outcome")),
        Case("effects", "inf outcome", lambda: et.estimate_att(
            _set(matched().matched_data, "y", {1: np.inf}), "y"), ("y", "outcome")),
        Case("effects", "text outcome", lambda: et.estimate_att(
            matched().matched_data.assign(y="high"), "y"), ("y", "outcome")),
        Case("effects", "NaN weights", lambda: et.estimate_att(
            _set(matched().matched_data, "weights", {0: np.nan}), "y"), ("weights",)),
        Case("effects", "inf weights", lambda: et.estimate_att(
            _set(matched().matched_data, "weights", {0: np.inf}), "y"), ("weights",)),
        Case("effects", "negative weights", lambda: et.estimate_att(
            _set(matched().matched_data, "weights", {0: -1.0}), "y"), ("weights",)),
        Case("effects", "data without weights column", lambda: et.estimate_att(
            people(), "y"), ("weights",)),
        Case("effects", "treatment coded 1/2", lambda: et.estimate_att(
            matched().matched_data.assign(treated=lambda d: d["treated"] + 1), "y"),
            ("treated", "treatment")),
        Case("effects", "covariate missing", lambda: et.estimate_att(
            matched(), "y", model="regression", covariates=["agee"]), ("agee",)),
        Case("effects", "inf covariate", lambda: et.estimate_att(
            _set(matched().matched_data, "age", {0: np.inf}), "y", model="regression",
            covariates=["age"]), ("age",)),
        Case("effects", "constant covariate", lambda: et.estimate_att(
            matched().matched_data.assign(c=1.0), "y", model="regression",
            covariates=["age", "c"]), ("c",)),
        Case("effects", "collinear covariates", lambda: et.estimate_att(
            matched().matched_data.assign(a2=lambda d: d["age"] * 3), "y", model="regression",
            covariates=["age", "a2"]), ("a2",)),
        Case("effects", "poisson with negative outcome", lambda: et.estimate_att(
            matched().matched_data.assign(y=lambda d: d["y"] - 10), "y", model="poisson"),
            ("y", "negative", "count")),
        Case("effects", "exposure zero", lambda: et.estimate_att(
            matched().matched_data.assign(years=0.0), "admissions", model="poisson",
            exposure="years"), ("years", "exposure")),
        Case("effects", "exposure NaN", lambda: et.estimate_att(
            _set(matched().matched_data, "years", {0: np.nan}), "admissions", model="poisson",
            exposure="years"), ("years", "exposure")),
        Case("effects", "exposure column missing", lambda: et.estimate_att(
            matched(), "admissions", model="poisson", exposure="yrs"), ("yrs",)),
    ]
    cases += _option_cases("effects", call, base, {
        "model": ["ols", None], "se": ["hc3", "clustered"], "n_boot": [0, -5, 2.5],
        "random_state": ["seed"], "progress": ["no"]})
    return cases


def _set(df, column, values):
    df = df.copy()
    for row, value in values.items():
        df.loc[df.index[row], column] = value
    return df


def riskset_cases():
    def base():
        persons, events = popp()
        return {"persons": persons, "events": events, "covariates": ["age", "risk_score"],
                "progress": False, "random_state": 1}

    def call(**kw):
        return et.matching.match_risk_set(**kw)

    def persons():
        return popp()[0]

    def no_controls():
        return {**base(), "persons": persons()[persons()["treated"] == 1]}

    return [
        Case("riskset", "covariate missing", lambda: call(**{**base(), "covariates": ["agee"]}),
             ("agee",)),
        Case("riskset", "no controls at all", lambda: call(**no_controls()),
             ("control",)),
        Case("riskset", "treatment coded 1/2", lambda: call(**{**base(), "persons": persons().assign(
            treated=persons()["treated"] + 1)}), ("treated",)),
        Case("riskset", "inf covariate", lambda: call(**{**base(), "persons": _set(
            persons(), "risk_score", {0: np.inf})}), ("risk_score",)),
        Case("riskset", "caliper negative", lambda: call(**{**base(), "caliper": -1}),
             ("caliper",)),
        Case("riskset", "prior_months zero", lambda: call(**{**base(), "prior_months": [0]}),
             ("prior_months",)),
        Case("riskset", "replace as text", lambda: call(**{**base(), "replace": "no"}),
             ("replace",)),
    ]


def cohort_cases():
    measures = {"emergency": et.cohort.Measure("setting == 'inpatient' and method == 'emergency'")}

    def base():
        _, events = popp()
        return {"persons": participants(), "events": events, "measures": measures,
                "window": (-6, 6), "unknown_persons": "drop"}

    def call(**kw):
        return et.cohort.build_panel(**kw)

    def events_with(**changes):
        def make():
            _, events = popp()
            return events.assign(**changes)
        return make

    def persons_with(**changes):
        return lambda: participants().assign(**changes)

    cases = [
        Case("cohort", "id_col typo", lambda: call(**{**base(), "id_col": "personid"}),
             ("personid",)),
        Case("cohort", "index_col typo", lambda: call(**{**base(), "index_col": "index"}),
             ("index",)),
        Case("cohort", "event_date_col typo", lambda: call(**{**base(), "event_date_col": "date"}),
             ("date",)),
        Case("cohort", "integer event dates", lambda: call(**{**base(), "events": events_with(
            event_date=lambda d: d["event_date"].astype("int64"))()}), ("event_date",)),
        Case("cohort", "float index dates", lambda: call(**{**base(), "persons": persons_with(
            index_date=lambda d: d["index_date"].astype("int64").astype(float))()}),
            ("index_date",)),
        Case("cohort", "day-first text dates", lambda: call(**{**base(), "events": events_with(
            event_date=lambda d: d["event_date"].dt.strftime("%d/%m/%Y"))()}), ("event_date",)),
        Case("cohort", "ids str vs int", lambda: call(**{**base(), "events": events_with(
            person_id=lambda d: d["person_id"].astype(str))()}), ("person_id", "dtype")),
        Case("cohort", "duplicate event rows", lambda: call(**{**base(), "events": pd.concat(
            [popp()[1], popp()[1].iloc[:20]])}), ("duplicate",)),
        Case("cohort", "one event in 2099", lambda: call(**{**base(), "events": pd.concat(
            [popp()[1], popp()[1].iloc[:1].assign(event_date=pd.Timestamp("2099-01-01"))])}),
            ("2099", "span")),
        Case("cohort", "inf in a summed value", lambda: et.cohort.build_panel(**{
            **base(), "measures": {"bed_days": et.cohort.Measure(value="los", agg="sum")},
            "events": _set(popp()[1].astype({"los": float}), "los", {0: np.inf})}), ("los",)),
        Case("cohort", "NaN in a summed value", lambda: et.cohort.build_panel(**{
            **base(), "measures": {"bed_days": et.cohort.Measure(value="los", agg="sum")},
            "events": _set(popp()[1].astype({"los": float}), "los", {0: np.nan})}), ("los",)),
        Case("cohort", "duplicate person ids", lambda: call(**{**base(), "persons": pd.concat(
            [participants(), participants().iloc[:2]])}), ("person_id",)),
        Case("cohort", "missing index dates", lambda: call(**{**base(), "persons": _set(
            participants(), "index_date", {0: pd.NaT})}), ("index_date",)),
        Case("cohort", "window reversed", lambda: call(**{**base(), "window": (6, -6)}),
             ("window",)),
        Case("cohort", "window of floats", lambda: call(**{**base(), "window": (-6.5, 6)}),
             ("window",)),
        Case("cohort", "period unknown", lambda: call(**{**base(), "period": "fortnight"}),
             ("period",)),
        Case("cohort", "engine unknown", lambda: call(**{**base(), "engine": "spark2"}),
             ("engine",)),
        Case("cohort", "memory_limit injection", lambda: call(**{
            **base(), "engine": "duckdb", "memory_limit": f"1GB'; COPY (SELECT 1) TO '{MARKER}"}),
            ("memory_limit",)),
        Case("cohort", "events path does not exist", lambda: call(**{
            **base(), "engine": "duckdb", "events": "/nonexistent/events_*.parquet"}),
            ("events", "nonexistent")),
        Case("cohort", "events path injection", lambda: call(**{
            **base(), "engine": "duckdb", "events": "x.parquet'); SELECT 1; --"}),
            ("events",)),
        Case("cohort", "measures empty", lambda: call(**{**base(), "measures": {}}),
             ("measures",)),
        Case("cohort", "measure reads unknown column", lambda: call(**{**base(), "measures": {
            "m": et.cohort.Measure("settings == 'ae'")}}), ("settings",)),
        Case("cohort", "unknown_persons option", lambda: call(**{
            **base(), "unknown_persons": "ignore"}), ("unknown_persons",)),
        Case("cohort", "span reversed", lambda: call(**{
            **base(), "span": ("2010-01-01", "2000-01-01")}), ("span",)),
        Case("cohort", "persons not a DataFrame", lambda: call(**{**base(), "persons": [1, 2]}),
             ("persons",)),
        Case("cohort", "events not a table", lambda: call(**{**base(), "events": 42}),
             ("events",)),
        Case("cohort", "huge panel", lambda: call(**{**base(), "window": (-10**7, 10**7)}),
             ("window", "rows", "memory")),
        Case("cohort", "prior_use months zero", lambda: et.cohort.prior_use(
            participants(), popp()[1], measures=measures, months=0), ("months",)),
        Case("cohort", "prior_use integer dates", lambda: et.cohort.prior_use(
            participants().assign(index_date=lambda d: d["index_date"].astype("int64")),
            popp()[1], measures=measures), ("index_date",)),
    ]
    for where, token in [("setting = 'ae'", "="), ("setting == 'ae' ; drop", ";"),
                         ("@pd.io", "@"), ("setting.__class__ == 1", "."),
                         ("setting == 'ae' -- comment", "--"),
                         ("ｓetting == 'ae'", "ｓ"), ("setting == 'ae\\' or 1 == 1", "'"),
                         ("len(setting) > 1", "("), ("setting ==", "end")]:
        cases.append(Case("cohort", f"where {where!r}", lambda where=where: call(**{
            **base(), "measures": {"m": et.cohort.Measure(where)}}), ("where", token)))
    cases += [Case("cohort", "Measure agg unknown", lambda: et.cohort.Measure(agg="mean"),
                   ("agg",)),
              Case("cohort", "Measure sum without value", lambda: et.cohort.Measure(agg="sum"),
                   ("value",))]
    return cases


def did_cases():
    d = panel_data

    def keyed(func, **kwargs):
        return lambda **over: func(**{"data": d(), **kwargs, **over})

    att = keyed(et.did.att_gt, outcome="y", unit="area", time="year", cohort="cohort")
    two = keyed(et.did.did_2x2, outcome="y", treatment="ever", post="post", unit="area")
    tw = keyed(et.did.twfe, outcome="y", unit="area", time="year", treatment="treated")
    es = keyed(et.did.event_study, outcome="y", unit="area", time="year", cohort="cohort")
    bacon = keyed(et.did.bacon_decomposition, outcome="y", unit="area", time="year",
                  treatment="treated")
    cases = []
    for label, f, arg in [("att_gt", att, "outcome"), ("did_2x2", two, "outcome"),
                          ("twfe", tw, "outcome"), ("event_study", es, "outcome"),
                          ("bacon", bacon, "outcome")]:
        cases += [
            Case("did", f"{label}: outcome typo", lambda f=f, arg=arg: f(**{arg: "yy"}), ("yy",)),
            Case("did", f"{label}: NaN outcome", lambda f=f: f(data=panel_with("y", {3: np.nan})),
                 ("y",)),
            Case("did", f"{label}: inf outcome", lambda f=f: f(data=panel_with("y", {7: np.inf})),
                 ("y",)),
            Case("did", f"{label}: text outcome", lambda f=f: f(data=panel_with("y", {7: "x"})),
                 ("y",)),
            Case("did", f"{label}: duplicated rows", lambda f=f: f(data=pd.concat(
                [d(), d().iloc[:3]], ignore_index=True)), ("duplicate",)),
            Case("did", f"{label}: data not a DataFrame", lambda f=f: f(data=d().to_numpy()),
                 ("data", "DataFrame")),
            Case("did", f"{label}: no rows", lambda f=f: f(data=d().iloc[:0]),
                 ("row", "empty", "data")),
        ]
    for label, f, arg, col in [("did_2x2", two, "treatment", "ever"),
                               ("twfe", tw, "treatment", "treated"),
                               ("bacon", bacon, "treatment", "treated")]:
        cases += [
            Case("did", f"{label}: treatment coded 1/2", lambda f=f, col=col: f(
                data=d().assign(**{col: d()[col] + 1})), (col,)),
            Case("did", f"{label}: treatment constant", lambda f=f, col=col: f(
                data=d().assign(**{col: 0})), (col,)),
            Case("did", f"{label}: treatment NaN", lambda f=f, col=col: f(
                data=panel_with(col, {2: np.nan})), (col,)),
            Case("did", f"{label}: treatment typo", lambda f=f, arg=arg: f(**{arg: "treat"}),
                 ("treat",)),
        ]
    cases += [
        Case("did", "did_2x2: post coded 1/2", lambda: two(data=d().assign(post=d()["post"] + 1)),
             ("post",)),
        Case("did", "did_2x2: no pre period", lambda: two(data=d().assign(post=1)), ("post",)),
        Case("did", "did_2x2: cluster typo", lambda: two(cluster="region"), ("region",)),
        Case("did", "did_2x2: family unknown", lambda: two(family="binomial2"), ("family",)),
        Case("did", "did_2x2: poisson negative exposure", lambda: two(
            outcome="count", family="poisson", exposure="x"), ("x", "exposure")),
        Case("did", "did_2x2: covariate inf", lambda: two(
            data=panel_with("x", {0: np.inf}), covariates=["x"]), ("x",)),
        Case("did", "did_2x2: covariate constant", lambda: two(
            data=d().assign(c=1.0), covariates=["x", "c"]), ("c",)),
        Case("did", "twfe: unit typo", lambda: tw(unit="areaa"), ("areaa",)),
        Case("did", "twfe: time as text", lambda: tw(data=d().assign(year=d()["year"].astype(str))),
             ("year",)),
        Case("did", "twfe: everyone treated at once", lambda: tw(data=d().assign(
            treated=(d()["year"] >= 2014).astype(int))), ("treat", "identif", "control")),
        Case("did", "event_study: cohort typo", lambda: es(cohort="first"), ("first",)),
        Case("did", "event_study: ref_period outside", lambda: es(ref_period=-50),
             ("ref_period",)),
        Case("did", "event_study: cohort varies within unit", lambda: es(
            data=_set(d(), "cohort", {0: 2012})), ("cohort",)),
        Case("did", "bacon: unbalanced panel", lambda: bacon(data=d().drop(index=[5, 17])),
             ("balanced", "unbalanced")),
        Case("did", "bacon: treatment switches off", lambda: bacon(data=_set(
            d(), "treated", {int(d().index[(d()["area"] == 0) & (d()["year"] == 2016)][0]): 0})),
            ("treated", "absorbing", "switch")),
        Case("did", "att_gt: cohort typo", lambda: att(cohort="g"), ("g",)),
        Case("did", "att_gt: cohort varies within unit", lambda: att(
            data=_set(d(), "cohort", {0: 2012})), ("cohort",)),
        Case("did", "att_gt: cohort NaN and negative", lambda: att(
            data=d().assign(cohort=-1)), ("cohort",)),
        Case("did", "att_gt: no never-treated", lambda: att(
            data=d()[d()["cohort"] > 0]), ("never", "control_group")),
        Case("did", "att_gt: control_group unknown", lambda: att(control_group="never"),
             ("control_group",)),
        Case("did", "att_gt: est_method unknown", lambda: att(est_method="aipw"),
             ("est_method",)),
        Case("did", "att_gt: base_period unknown", lambda: att(base_period="fixed"),
             ("base_period",)),
        Case("did", "att_gt: anticipation negative", lambda: att(anticipation=-1),
             ("anticipation",)),
        Case("did", "att_gt: anticipation too large", lambda: att(anticipation=20),
             ("anticipation",)),
        Case("did", "att_gt: bootstrap as text", lambda: att(bootstrap="no"), ("bootstrap",)),
        Case("did", "att_gt: n_boot zero", lambda: att(bootstrap=True, n_boot=0), ("n_boot",)),
        Case("did", "att_gt: covariate inf", lambda: att(
            data=panel_with("x", {0: np.inf}), covariates=["x"]), ("x",)),
        Case("did", "att_gt: covariate typo", lambda: att(covariates=["xx"]), ("xx",)),
        Case("did", "att_gt: formula with code", lambda: att(
            covariates="~ __import__('os').getcwd()"), ("formula",)),
        Case("did", "att_gt: cluster varies within unit", lambda: att(
            data=d().assign(cl=np.arange(len(d())) % 7), bootstrap=True, cluster="cl"),
            ("cl",)),
        Case("did", "att_gt: unit typo", lambda: att(unit="id"), ("id",)),
        Case("did", "att_gt: time as float", lambda: att(
            data=d().assign(year=d()["year"] + 0.5)), ("year", "time")),
        Case("did", "aggregate: unknown kind", lambda: att().aggregate("overall"), ("kind",)),
    ]
    return cases


def rtm_cases():
    normal = et.rtm.expected_rtm_normal
    pop = {"mean": 0.3, "dispersion": 0.5, "stability": 0.5}
    return [
        Case("rtm", "normal: sd negative", lambda: normal(10, -1, 0.5, 12), ("sd",)),
        Case("rtm", "normal: r above 1", lambda: normal(10, 2, 1.5, 12), ("r",)),
        Case("rtm", "normal: r NaN", lambda: normal(10, 2, np.nan, 12), ("r",)),
        Case("rtm", "normal: mean inf", lambda: normal(np.inf, 2, 0.5, 12), ("mean",)),
        Case("rtm", "normal: cutoff inf", lambda: normal(10, 2, 0.5, np.inf), ("cutoff",)),
        Case("rtm", "normal: tail unknown", lambda: normal(10, 2, 0.5, 12, tail="top"),
             ("tail",)),
        Case("rtm", "normal: cutoff as text", lambda: normal(10, 2, 0.5, "12"), ("cutoff",)),
        Case("rtm", "solve: change inf", lambda: et.rtm.solve_rtm_normal(np.inf, 10, 2, r=0.5),
             ("change",)),
        Case("rtm", "audit: n huge", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=10**7, threshold=2, population=pop), ("n",)),
        Case("rtm", "audit: n zero", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=0, threshold=2, population=pop), ("n",)),
        Case("rtm", "audit: before NaN", lambda: et.rtm.audit_claim(
            before=np.nan, after=1.5, n=100, threshold=2, population=pop), ("before",)),
        Case("rtm", "audit: after inf", lambda: et.rtm.audit_claim(
            before=2.9, after=np.inf, n=100, threshold=2, population=pop), ("after",)),
        Case("rtm", "audit: population missing keys", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=100, threshold=2, population={"mean": 0.3}),
            ("population", "dispersion")),
        Case("rtm", "audit: negative mean", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=100, threshold=2,
            population={**pop, "mean": -1}), ("mean",)),
        Case("rtm", "audit: both threshold and top", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=100, threshold=2, top=0.1, population=pop),
            ("threshold", "top")),
        Case("rtm", "audit: n_sim zero", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=100, threshold=2, population=pop, n_sim=0), ("n_sim",)),
        Case("rtm", "count model: stability above 1", lambda: et.rtm.CountModel(
            mean=0.3, dispersion=0.5, stability=1.5), ("stability",)),
        Case("rtm", "count model: dispersion inf", lambda: et.rtm.CountModel(
            mean=0.3, dispersion=np.inf, stability=0.5), ("dispersion",)),
        Case("rtm", "counts: huge threshold", lambda: et.rtm.expected_rtm_counts(
            et.rtm.CountModel(mean=0.3, dispersion=0.5, stability=0.5), threshold=1e12),
            ("threshold",)),
        Case("rtm", "decompose: NaN values", lambda: et.rtm.decompose_change(
            [1.0, np.nan, 3], [1.0, 2, 1], [2.0, 2, 2], [1.0, 1, 1]), ("treated_before",)),
        Case("rtm", "decompose: inf values", lambda: et.rtm.decompose_change(
            [1.0, 2, 3], [1.0, np.inf, 1], [2.0, 2, 2], [1.0, 1, 1]), ("treated_after",)),
        Case("rtm", "decompose: paired lengths differ", lambda: et.rtm.decompose_change(
            [1.0, 2, 3], [1.0, 2], [2.0, 2, 2], [1.0, 1, 1], paired=True), ("paired", "length")),
        Case("rtm", "decompose: paired as text", lambda: et.rtm.decompose_change(
            [1.0, 2, 3], [1.0, 2, 1], [2.0, 2, 2], [1.0, 1, 1], paired="no"), ("paired",)),
        Case("rtm", "trajectory: measure typo", lambda: et.rtm.selection_trajectory(
            _rtm_panel(), outcome="emergencyy", select_period=0, threshold=2), ("emergencyy",)),
        Case("rtm", "trajectory: select period outside", lambda: et.rtm.selection_trajectory(
            _rtm_panel(), outcome="emergency", select_period=99, threshold=2),
            ("select_period",)),
        Case("rtm", "fit: measure with inf", lambda: et.rtm.fit_count_model(
            _set(_rtm_panel(), "emergency", {0: np.inf}), "emergency"), ("emergency",)),
    ]


@cache
def _rtm_panel():
    rng = np.random.default_rng(5)
    n, periods = 200, np.arange(-3, 3)
    return pd.DataFrame({"person_id": np.repeat(np.arange(n), len(periods)),
                         "rel_period": np.tile(periods, n),
                         "emergency": rng.poisson(0.5, n * len(periods)).astype(float)})


def sensitivity_cases():
    e, rb = et.sensitivity.e_value, et.sensitivity.rosenbaum_bounds
    diffs = np.random.default_rng(3).normal(0.5, 1, 50)
    return [
        Case("sensitivity", "e_value: negative ratio", lambda: e(-1.5), ("estimate",)),
        Case("sensitivity", "e_value: NaN", lambda: e(np.nan), ("estimate",)),
        Case("sensitivity", "e_value: inf", lambda: e(np.inf), ("estimate",)),
        Case("sensitivity", "e_value: kind unknown", lambda: e(1.5, kind="rd"), ("kind",)),
        Case("sensitivity", "e_value: limits reversed", lambda: e(1.5, lower=2.0, upper=1.2),
             ("lower", "upper")),
        Case("sensitivity", "e_value: estimate outside limits", lambda: e(
            1.5, lower=1.6, upper=2.0), ("lower", "estimate")),
        Case("sensitivity", "e_value: rare as text", lambda: e(1.5, kind="hr", rare="no"),
             ("rare",)),
        Case("sensitivity", "rosenbaum: NaN differences", lambda: rb(np.r_[diffs, np.nan]),
             ("differences", "NaN", "missing")),
        Case("sensitivity", "rosenbaum: inf differences", lambda: rb(np.r_[diffs, np.inf]),
             ("differences", "infinite")),
        Case("sensitivity", "rosenbaum: gamma below 1", lambda: rb(diffs, gammas=[0.5, 1]),
             ("gamma",)),
        Case("sensitivity", "rosenbaum: alpha 5", lambda: rb(diffs, alpha=5), ("alpha",)),
        Case("sensitivity", "rosenbaum: alternative unknown", lambda: rb(
            diffs, alternative="bigger"), ("alternative",)),
        Case("sensitivity", "rosenbaum: empty", lambda: rb(np.array([])), ("differences",)),
        Case("sensitivity", "rosenbaum: outcome typo", lambda: rb(matched(), "yy"), ("yy",)),
    ]


def economics_cases():
    ec = et.economics
    bc = {"unit_cost": 2000.0, "people": 500, "cost": 250_000.0, "years": 3}
    cases = [
        Case("economics", "present_value: NaN flow", lambda: ec.present_value(
            [100.0, np.nan, 100]), ("flows",)),
        Case("economics", "present_value: inf flow", lambda: ec.present_value(
            [100.0, np.inf]), ("flows",)),
        Case("economics", "present_value: rate name unknown", lambda: ec.present_value(
            [100.0], rate="treasury"), ("rate",)),
        Case("economics", "present_value: rate -2", lambda: ec.present_value([100.0], rate=-2),
             ("rate",)),
        Case("economics", "discount_factors: negative years", lambda: ec.discount_factors(-3),
             ("n_years",)),
        Case("economics", "declining_schedule: float years", lambda: ec.declining_schedule(2.5),
             ("years",)),
        Case("economics", "benefit_cost: effect inf", lambda: ec.benefit_cost(np.inf, **bc),
             ("effect",)),
        Case("economics", "benefit_cost: unit_cost NaN", lambda: ec.benefit_cost(
            0.2, **{**bc, "unit_cost": np.nan}), ("unit_cost",)),
        Case("economics", "benefit_cost: people negative", lambda: ec.benefit_cost(
            0.2, **{**bc, "people": -5}), ("people",)),
        Case("economics", "benefit_cost: cost zero", lambda: ec.benefit_cost(
            0.2, **{**bc, "cost": 0}), ("cost",)),
        Case("economics", "benefit_cost: drop_off 1.5", lambda: ec.benefit_cost(
            0.2, **{**bc, "drop_off": 1.5}), ("drop_off",)),
        Case("economics", "benefit_cost: deadweight inf", lambda: ec.benefit_cost(
            0.2, **{**bc, "deadweight": np.inf}), ("deadweight",)),
        Case("economics", "benefit_cost: method unknown", lambda: ec.benefit_cost(
            0.2, **{**bc, "method": "bayes"}), ("method",)),
        Case("economics", "benefit_cost: n_sim huge", lambda: ec.benefit_cost(
            (0.2, 0.05), **{**bc, "n_sim": 10**10}), ("n_sim",)),
        Case("economics", "benefit_cost: effect as text", lambda: ec.benefit_cost("0.2", **bc),
             ("effect",)),
        Case("economics", "adjusted_value: attribution -0.1", lambda: ec.adjusted_value(
            100.0, attribution=-0.1), ("attribution",)),
        Case("economics", "adjusted_value: gross NaN", lambda: ec.adjusted_value(np.nan),
             ("gross",)),
        Case("economics", "break_even: people zero", lambda: ec.break_even_effect(
            **{**bc, "people": 0}), ("people",)),
    ]
    pay = {"tariff": 1000.0, "service_cost": 50_000.0, "people": 100}
    outcomes, baseline = [50.0, 45, 40], [60.0, 60, 60]
    cases += [
        Case("economics", "payments: NaN outcome", lambda: ec.outcome_payments(
            [50.0, np.nan, 40], baseline, **pay), ("outcomes",)),
        Case("economics", "payments: inf baseline", lambda: ec.outcome_payments(
            outcomes, [60.0, np.inf, 60], **pay), ("baseline",)),
        Case("economics", "payments: lengths differ", lambda: ec.outcome_payments(
            outcomes, [60.0, 60], **pay), ("baseline", "outcomes", "length")),
        Case("economics", "payments: tariff negative", lambda: ec.outcome_payments(
            outcomes, baseline, **{**pay, "tariff": -5.0}), ("tariff",)),
        Case("economics", "payments: lag negative", lambda: ec.outcome_payments(
            outcomes, baseline, **{**pay, "lag": -1}), ("lag",)),
        Case("economics", "payments: direction unknown", lambda: ec.outcome_payments(
            outcomes, baseline, **{**pay, "direction": "down"}), ("direction",)),
        Case("economics", "payments: cap inf", lambda: ec.outcome_payments(
            outcomes, baseline, **{**pay, "cap_total": np.nan}), ("cap_total",)),
        Case("economics", "payments: service cost inf", lambda: ec.outcome_payments(
            outcomes, baseline, **{**pay, "service_cost": np.inf}), ("service_cost",)),
    ]
    ev = et.evidence.rate_design
    cases += [
        Case("evidence", "design unknown", lambda: ev(design="anecdote"), ("design",)),
        Case("evidence", "attrition 1.5", lambda: ev(design="rct", attrition=1.5),
             ("attrition",)),
        Case("evidence", "sample size negative", lambda: ev(design="rct", sample_size=-10),
             ("sample_size",)),
        Case("evidence", "preregistered as text", lambda: ev(design="rct", preregistered="no"),
             ("preregistered",)),
        Case("evidence", "logic_model as text", lambda: ev(design="rct", logic_model="False"),
             ("logic_model",)),
        Case("evidence", "replications float", lambda: ev(design="rct", replications=1.5),
             ("replications",)),
    ]
    return cases


def disclosure_cases():
    s = et.disclosure.suppress
    table = pd.DataFrame({"a": [12, 3, 40], "b": [25, 30, 8]}, index=["x", "y", "z"])
    return [
        Case("disclosure", "threshold zero", lambda: s(table, 0), ("threshold",)),
        Case("disclosure", "threshold float", lambda: s(table, 7.5), ("threshold",)),
        Case("disclosure", "non-integer counts", lambda: s(table.astype(float) + 0.5),
             ("integer", "count")),
        Case("disclosure", "inf count", lambda: s(table.astype(float).assign(
            a=[12, np.inf, 40])), ("inf", "a")),
        Case("disclosure", "NaN count", lambda: s(table.astype(float).assign(
            a=[12, np.nan, 40])), ("missing", "NaN", "a")),
        Case("disclosure", "negative count", lambda: s(table.assign(a=[12, -3, 40])),
             ("negative", "a")),
        Case("disclosure", "text count", lambda: s(table.astype(object).assign(
            a=["12", "3", "40"])), ("a", "numeric", "integer")),
        Case("disclosure", "rounding zero", lambda: s(table, rounding=0), ("rounding",)),
        Case("disclosure", "secondary as text", lambda: s(table, secondary="no"),
             ("secondary",)),
        Case("disclosure", "count_col typo", lambda: s(table.reset_index(), count_col="n"),
             ("n",)),
        Case("disclosure", "not a table", lambda: s([[1, 2]]), ("table", "DataFrame")),
    ]


def reporting_cases():
    return [
        Case("reporting", "compare: not results", lambda: et.compare([1, 2]), ("results",)),
        Case("reporting", "compare: names length", lambda: et.compare(
            [matched()], names=["a", "b"]), ("names",)),
        Case("reporting", "compare: empty", lambda: et.compare([]), ("results",)),
        Case("reporting", "method_statement: not a result", lambda: et.reporting.method_statement(
            "x"), ("result",)),
    ]


def dataset_cases():
    ds = et.datasets
    return [
        Case("datasets", "popp: negative size", lambda: ds.popp_synthetic(-5, 100),
             ("n_participants",)),
        Case("datasets", "popp: selection_share zero", lambda: ds.popp_synthetic(
            50, 100, selection_share=0), ("selection_share",)),
        Case("datasets", "popp: random_state text", lambda: ds.popp_synthetic(
            50, 100, random_state="abc"), ("random_state",)),
        Case("datasets", "sample_path: no such sample", lambda: ds.sample_path("nope.csv"),
             ("nope.csv",)),
        Case("datasets", "popp: effect text", lambda: ds.popp_synthetic(10, 100, effect="big"),
             ("effect",)),
        Case("datasets", "popp: huge", lambda: ds.popp_synthetic(10**9, 10**10),
             ("n_pool", "n_participants", "memory")),
        Case("datasets", "area_rollout: zero areas", lambda: ds.area_rollout(0), ("n_areas",)),
        Case("datasets", "sample_path: escape", lambda: ds.sample_path("../../etc/passwd"),
             ("name", "sample")),
    ]


def all_cases() -> list[Case]:
    from .more_cases import more_cases

    return [*more_cases(), *matching_cases(), *balance_cases(), *weighting_cases(), *effects_cases(),
            *riskset_cases(), *cohort_cases(), *did_cases(), *rtm_cases(),
            *sensitivity_cases(), *economics_cases(), *disclosure_cases(),
            *reporting_cases(), *dataset_cases()]


def tally(outcomes: list[Outcome]) -> pd.DataFrame:
    """Counts of each answer kind by area, with the share answered clearly."""
    frame = pd.DataFrame({"area": [o.case.area for o in outcomes],
                          "kind": [o.kind for o in outcomes]})
    table = pd.crosstab(frame["area"], frame["kind"], margins=True, margins_name="all")
    for kind in ("clear", "vague", "raw", "silent", "slow"):
        if kind not in table:
            table[kind] = 0
    table = table[["clear", "vague", "raw", "silent", "slow", "all"]]
    table["clear %"] = (100 * table["clear"] / table["all"]).round(1)
    return table
