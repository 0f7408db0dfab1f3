"""More wrong inputs: option combinations, sizes that would never finish, and values that
look right at a glance (negative exposure, gaps in time, NaN in an exact-matching column)."""

from __future__ import annotations

import numpy as np
import pandas as pd

import evaltools as et

from .catalogue import (
    Case,
    _set,
    matched,
    matched_did_panel,
    matched_did_table,
    panel_data,
    people,
    popp,
)


def size_cases():
    """Requests whose cost would be hours or terabytes: refused or bounded up front."""
    pop = {"mean": 0.3, "dispersion": 0.5, "stability": 0.5}
    return [
        Case("bounds", "att_gt: n_boot 10**9", lambda: et.did.att_gt(
            panel_data(), outcome="y", unit="area", time="year", cohort="cohort",
            bootstrap=True, n_boot=10**9), ("n_boot",)),
        Case("bounds", "estimate_att: n_boot 10**8", lambda: et.estimate_att(
            matched(), "y", se="bootstrap", n_boot=10**8, progress=False), ("n_boot",)),
        Case("bounds", "expected_rtm_normal: n_sim 10**10", lambda: et.rtm.expected_rtm_normal(
            10, 2, 0.5, 12, n=100, n_sim=10**10), ("n_sim",)),
        Case("bounds", "audit_claim: n_sim 10**9", lambda: et.rtm.audit_claim(
            before=2.9, after=1.5, n=500, threshold=2, population=pop, n_sim=10**9),
            ("n_sim",)),
        Case("bounds", "decompose_change: n_boot 10**9", lambda: et.rtm.decompose_change(
            [3.0, 2, 4], [1.0, 2, 1], [2.0, 2, 2], [1.0, 1, 1], n_boot=10**9, progress=False),
            ("n_boot",)),
        Case("bounds", "discount_factors: 10**9 years", lambda: et.economics.discount_factors(
            10**9), ("n_years",)),
        Case("bounds", "declining_schedule: 10**9 years",
             lambda: et.economics.declining_schedule(10**9), ("years",)),
        Case("bounds", "match: ratio 10**6", lambda: et.match(
            people(), treatment="treated", covariates=["age"], ratio=10**6), ("ratio",)),
        Case("bounds", "prior_use: months 10**6", lambda: et.cohort.prior_use(
            popp()[0][popp()[0]["treated"] == 1], popp()[1],
            measures=et.cohort.STANDARD_MEASURES, months=10**6), ("months",)),
    ]


def matching_more():
    df = people()
    return [
        Case("matching+", "exact column with NaN", lambda: et.match(
            _set(df.astype({"female": float}), "female", {0: np.nan}), treatment="treated",
            covariates=["age"], exact=["female"]), ("female",)),
        Case("matching+", "distance array with NaN", lambda: et.match(
            df, treatment="treated", covariates=["age"],
            distance=np.r_[np.nan, np.linspace(0.1, 0.9, len(df) - 1)]), ("distance",)),
        Case("matching+", "distance array wrong length", lambda: et.match(
            df, treatment="treated", covariates=["age"], distance=np.ones(5)), ("distance",)),
        Case("matching+", "bool treatment with NaN", lambda: et.match(
            df.assign(treated=df["treated"].astype("boolean").where(df.index != 3)),
            treatment="treated", covariates=["age"]), ("treated",)),
        Case("matching+", "treatment as text yes/no", lambda: et.match(
            df.assign(treated=np.where(df["treated"] == 1, "yes", "no")), treatment="treated",
            covariates=["age"]), ("treated",)),
        Case("matching+", "covariates a dict", lambda: et.match(
            df, treatment="treated", covariates={"age": 1}), ("covariates",)),
        Case("matching+", "treatment column also a covariate", lambda: et.match(
            df, treatment="treated", covariates=["age", "treated"]), ("treated",)),
        Case("matching+", "cutpoints for a missing column", lambda: et.match(
            df, treatment="treated", covariates=["age"], method="cem",
            cutpoints={"agee": 4}), ("agee", "cutpoints")),
        Case("matching+", "cutpoints negative", lambda: et.match(
            df, treatment="treated", covariates=["age"], method="cem",
            cutpoints={"age": -3}), ("cutpoints", "age")),
        Case("matching+", "balance weights column missing", lambda: et.balance_table(
            df, treatment="treated", covariates=["age"], weights="w"), ("w", "weights")),
        Case("matching+", "estimate_att negative exposure", lambda: et.estimate_att(
            matched().matched_data.assign(years=-1.0), "admissions", model="poisson",
            exposure="years"), ("years", "exposure")),
        Case("matching+", "estimate_att exposure with difference model", lambda: et.estimate_att(
            matched(), "y", exposure="years"), ("exposure",)),
        Case("matching+", "estimate_att cluster column missing", lambda: et.estimate_att(
            matched().matched_data, "y", cluster="pair"), ("pair", "cluster")),
        Case("matching+", "estimate_att negbin on continuous negative", lambda: et.estimate_att(
            matched().matched_data.assign(y=-1.0), "y", model="negbin"), ("y", "negative")),
        Case("matching+", "ipw trim at 0", lambda: et.weighting.ipw(
            df, treatment="treated", covariates=["age"], trim=0), ("trim",)),
    ]


def cohort_more():
    persons, events = popp()
    part = persons[persons["treated"] == 1].reset_index(drop=True)
    measures = {"ae": et.cohort.Measure("setting == 'ae'")}

    def panel(**kw):
        return et.cohort.build_panel(**{"persons": part, "events": events, "measures": measures,
                                        "window": (-3, 3), "unknown_persons": "drop", **kw})

    return [
        Case("cohort+", "window empty", lambda: panel(window=(0, 0)), ("window",)),
        Case("cohort+", "window of three", lambda: panel(window=(-3, 0, 3)), ("window",)),
        Case("cohort+", "key_col missing", lambda: panel(key_col="visit"), ("visit",)),
        Case("cohort+", "carry column missing", lambda: panel(carry=["agee"]), ("agee",)),
        Case("cohort+", "death_col as text", lambda: panel(
            persons=part.assign(death_date="unknown"), death_col="death_date"),
            ("death_date",)),
        Case("cohort+", "events with missing person ids", lambda: panel(
            events=_set(events.astype({"person_id": float}), "person_id", {0: np.nan})),
            ("person_id",)),
        Case("cohort+", "all event dates missing", lambda: panel(
            events=events.assign(event_date=pd.NaT)), ("event_date",)),
        Case("cohort+", "index after the data span", lambda: panel(
            persons=part.assign(index_date=pd.Timestamp("2030-01-01"))),
            ("index_date", "span")),
        Case("cohort+", "where with unbalanced parenthesis", lambda: panel(measures={
            "m": et.cohort.Measure("(setting == 'ae'")}), ("where", "parenthes", ")")),
        Case("cohort+", "where text vs number", lambda: panel(measures={
            "m": et.cohort.Measure("los == 'long'")}), ("los",)),
        Case("cohort+", "where in empty list", lambda: panel(measures={
            "m": et.cohort.Measure("setting in []")}), ("where", "in", "empty")),
        Case("cohort+", "measure name with space", lambda: panel(measures={
            "A&E visits": et.cohort.Measure("setting == 'ae'")}), ("A&E visits",)),
        Case("cohort+", "Measure value for a text column", lambda: panel(measures={
            "m": et.cohort.Measure(value="setting", agg="sum")}), ("setting",)),
        Case("cohort+", "duplicates option unknown", lambda: panel(duplicates="ignore"),
             ("duplicates",)),
        Case("cohort+", "missing_index option unknown", lambda: panel(missing_index="skip"),
             ("missing_index",)),
        Case("cohort+", "progress as text", lambda: panel(progress="no"), ("progress",)),
        Case("cohort+", "check_tables with integer dates", lambda: et.cohort.check_tables(
            part, events.assign(event_date=lambda d: d["event_date"].astype("int64"))),
            ("event_date",)),
    ]


def did_more():
    d = panel_data()
    base = {"outcome": "y", "unit": "area", "time": "year", "cohort": "cohort"}
    return [
        Case("did+", "att_gt: min_cell negative", lambda: et.did.att_gt(
            d, **base, min_cell=-1), ("min_cell",)),
        Case("did+", "att_gt: anticipation float", lambda: et.did.att_gt(
            d, **base, anticipation=0.5), ("anticipation",)),
        Case("did+", "att_gt: random_state text", lambda: et.did.att_gt(
            d, **base, bootstrap=True, random_state="x"), ("random_state",)),
        Case("did+", "att_gt: cohort outside the time range", lambda: et.did.att_gt(
            d.assign(cohort=np.where(d["cohort"] > 0, 2030, 0)), **base), ("cohort",)),
        Case("did+", "aggregate: balance_e negative", lambda: et.did.att_gt(
            d, **base).aggregate("dynamic", balance_e=-2), ("balance_e",)),
        Case("did+", "aggregate: min_e above max_e", lambda: et.did.att_gt(
            d, **base).aggregate("dynamic", min_e=3, max_e=-3), ("min_e", "max_e")),
        Case("did+", "did_2x2: exposure with gaussian", lambda: et.did.did_2x2(
            d, outcome="y", treatment="ever", post="post", unit="area", exposure="pop"),
            ("exposure",)),
        Case("did+", "event_study: window reversed", lambda: et.did.event_study(
            d, outcome="y", unit="area", time="year", cohort="cohort", window=(3, -3)),
            ("window",)),
        Case("did+", "twfe: one cluster", lambda: et.did.twfe(
            d.assign(c=1), outcome="y", unit="area", time="year", treatment="treated",
            cluster="c"), ("c", "cluster")),
        Case("did+", "matched_did: pre overlaps post", lambda: et.did.matched_did(
            matched_did_panel(), matched_did_table(), outcome="y", pre=(-3, 1), post=(0, 3)),
            ("pre", "post")),
    ]


def other_more():
    ec, rtm = et.economics, et.rtm
    model = rtm.CountModel(mean=0.3, dispersion=0.5, stability=0.5)
    pop = {"mean": 0.3, "dispersion": 0.5, "stability": 0.5}
    return [
        Case("other+", "audit: top 1.5", lambda: rtm.audit_claim(
            before=2.9, after=1.5, n=100, top=1.5, population=pop), ("top",)),
        Case("other+", "audit: top 0", lambda: rtm.audit_claim(
            before=2.9, after=1.5, n=100, top=0, population=pop), ("top",)),
        Case("other+", "audit: neither threshold nor top", lambda: rtm.audit_claim(
            before=2.9, after=1.5, n=100, population=pop), ("threshold", "top")),
        Case("other+", "counts: mean 0", lambda: rtm.CountModel(
            mean=0, dispersion=0.5, stability=0.5), ("mean",)),
        Case("other+", "counts: top 0", lambda: rtm.expected_rtm_counts(model, top=0),
             ("top",)),
        Case("other+", "trajectory: before negative", lambda: rtm.selection_trajectory(
            _rtm_panel(), outcome="emergency", select_period=0, threshold=2, before=-1),
            ("before",)),
        Case("other+", "fit: one period only", lambda: rtm.fit_count_model(
            _rtm_panel().query("rel_period == 0"), "emergency"), ("period", "rel_period")),
        Case("other+", "present_value: rate NaN", lambda: ec.present_value(
            [100.0, 100], rate=np.nan), ("rate",)),
        Case("other+", "present_value: flows empty", lambda: ec.present_value([]),
             ("flows",)),
        Case("other+", "present_value: flows text", lambda: ec.present_value("100"),
             ("flows",)),
        Case("other+", "payments: people zero", lambda: ec.outcome_payments(
            [50.0], [60.0], tariff=100.0, service_cost=1000.0, people=0), ("people",)),
        Case("other+", "payments: baseline_kind unknown", lambda: ec.outcome_payments(
            [50.0], [60.0], tariff=100.0, service_cost=1000.0, people=10,
            baseline_kind="matched2"), ("baseline_kind",)),
        Case("other+", "benefit_cost: effect tuple with negative SE", lambda: ec.benefit_cost(
            (0.2, -0.05), unit_cost=2000.0, people=500, cost=250_000.0), ("effect",)),
        Case("other+", "rate_design: attrition NaN", lambda: et.evidence.rate_design(
            design="rct", attrition=np.nan), ("attrition",)),
        Case("other+", "e_value: kind or with rare text", lambda: et.sensitivity.e_value(
            1.5, kind="or", rare="yes"), ("rare",)),
        Case("other+", "e_value: true negative", lambda: et.sensitivity.e_value(
            1.5, true=-1), ("true",)),
        Case("other+", "method_statement: None", lambda: et.reporting.method_statement(None),
             ("result",)),
        Case("other+", "suppress: threshold text", lambda: et.disclosure.suppress(
            pd.DataFrame({"a": [10, 3], "b": [20, 30]}), "7"), ("threshold",)),
        Case("other+", "suppress: rounding negative", lambda: et.disclosure.suppress(
            pd.DataFrame({"a": [10, 3], "b": [20, 30]}), rounding=-5), ("rounding",)),
    ]


def _rtm_panel():
    from .catalogue import _rtm_panel as panel

    return panel()


def more_cases() -> list[Case]:
    from . import (
        cases_cohort,
        cases_did,
        cases_matching,
        cases_other,
        cases_redteam_a,
        cases_redteam_b,
    )

    return [*size_cases(), *matching_more(), *cohort_more(), *did_more(), *other_more(),
            *cases_cohort.cases(), *cases_matching.cases(), *cases_did.cases(),
            *cases_other.cases(), *cases_redteam_a.cases(), *cases_redteam_b.cases()]
