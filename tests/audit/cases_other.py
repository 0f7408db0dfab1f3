"""Wrong inputs to regression to the mean, sensitivity, economics, evidence, disclosure and
reporting: every parameter of every public function and result method."""

from __future__ import annotations

from functools import cache

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import evaltools as et  # noqa: E402

from .catalogue import Case, _rtm_panel, _set, matched, people  # noqa: E402

POP = {"mean": 0.3, "dispersion": 0.5, "stability": 0.5}


def _model():
    return et.rtm.CountModel(**POP)


@cache
def _audit():
    return et.rtm.audit_claim(before=2.9, after=1.5, n=100, threshold=2, population=POP,
                              n_sim=200, random_state=1, progress=False)


@cache
def _decomp():
    return et.rtm.decompose_change([3.0, 2, 4, 5], [1.0, 2, 1, 2], [2.0, 2, 3, 3],
                                   [1.0, 1, 2, 1], n_boot=50, random_state=1, progress=False)


@cache
def _trajectory():
    return et.rtm.selection_trajectory(_rtm_panel(), outcome="emergency", select_period=0,
                                       threshold=2)


@cache
def _payments():
    return et.economics.outcome_payments([50.0, 45, 40], [60.0, 60, 60], tariff=1000.0,
                                         service_cost=5000.0, people=100)


def _text_periods():
    d = _rtm_panel().copy()
    d["rel_period"] = d["rel_period"].astype(str)
    return d


def rtm_cases():
    rtm = et.rtm
    normal, counts = rtm.expected_rtm_normal, rtm.expected_rtm_counts
    traj, fit = rtm.selection_trajectory, rtm.fit_count_model

    def audit(**kw):
        base = dict(before=2.9, after=1.5, n=100, threshold=2, population=POP, n_sim=200,
                    progress=False)
        return lambda: rtm.audit_claim(**{**base, **kw})

    def decomp(*arrays, **kw):
        arrays = arrays or ([3.0, 2, 4], [1.0, 2, 1], [2.0, 2, 2], [1.0, 1, 1])
        return lambda: rtm.decompose_change(*arrays, **{"n_boot": 20, "progress": False, **kw})

    def dwm(**kw):
        base = dict(model=_model(), threshold=2, n_boot=20, progress=False)
        return lambda: rtm.decompose_with_model([3.0, 2, 4], [1.0, 2, 1], **{**base, **kw})

    a = "rtm2"
    return [
        Case(a, "normal: sd zero", lambda: normal(10, 0, 0.5, 12), ("sd",)),
        Case(a, "normal: r as text", lambda: normal(10, 2, "0.5", 12), ("r",)),
        Case(a, "normal: tail None", lambda: normal(10, 2, 0.5, 12, tail=None), ("tail",)),
        Case(a, "normal: n_baseline zero", lambda: normal(10, 2, 0.5, 12, n_baseline=0),
             ("n_baseline",)),
        Case(a, "normal: n_baseline 2.5", lambda: normal(10, 2, 0.5, 12, n_baseline=2.5),
             ("n_baseline",)),
        Case(a, "normal: n 3", lambda: normal(10, 2, 0.5, 12, n=3), ("n",)),
        Case(a, "normal: n as text", lambda: normal(10, 2, 0.5, 12, n="100"), ("n",)),
        Case(a, "normal: n_sim 10", lambda: normal(10, 2, 0.5, 12, n=100, n_sim=10),
             ("n_sim",)),
        Case(a, "normal: n_sim without n is ignored", lambda: normal(
            10, 2, 0.5, 12, n_sim=5000), ("n_sim",)),
        Case(a, "normal: random_state negative", lambda: normal(
            10, 2, 0.5, 12, n=50, random_state=-1), ("random_state",)),
        Case(a, "normal: pair cutoff with upper tail", lambda: normal(10, 2, 0.5, (8, 12)),
             ("cutoff",)),
        Case(a, "normal: three cutoffs with both tails", lambda: normal(
            10, 2, 0.5, (8, 12, 14), tail="both"), ("cutoff",)),
        Case(a, "normal: cutoff far beyond", lambda: normal(10, 2, 0.5, 10**6), ("cutoff",)),
        Case(a, "normal: result tidy level 95", lambda: normal(10, 2, 0.5, 12).tidy(95),
             ("level",)),
        Case(a, "solve: both r and cutoff", lambda: rtm.solve_rtm_normal(
            -1, 10, 2, r=0.5, cutoff=12), ("r", "cutoff")),
        Case(a, "solve: neither r nor cutoff", lambda: rtm.solve_rtm_normal(-1, 10, 2),
             ("r", "cutoff")),
        Case(a, "solve: tail both", lambda: rtm.solve_rtm_normal(
            -1, 10, 2, r=0.5, tail="both"), ("tail",)),
        Case(a, "solve: rise for upper tail", lambda: rtm.solve_rtm_normal(1, 10, 2, r=0.5),
             ("change",)),
        Case(a, "solve: r 1.5", lambda: rtm.solve_rtm_normal(-1, 10, 2, r=1.5), ("r",)),
        Case(a, "solve: sd text", lambda: rtm.solve_rtm_normal(-1, 10, "2", cutoff=12),
             ("sd",)),
        Case(a, "counts: model as dict", lambda: counts(POP, threshold=2), ("model",)),
        Case(a, "counts: threshold negative", lambda: counts(_model(), threshold=-1),
             ("threshold",)),
        Case(a, "counts: top 1.5", lambda: counts(_model(), top=1.5), ("top",)),
        Case(a, "counts: threshold as text", lambda: counts(_model(), threshold="2"),
             ("threshold",)),
        Case(a, "counts: unreachable threshold", lambda: counts(_model(), threshold=500),
             ("threshold",)),
        Case(a, "count model: mean text", lambda: rtm.CountModel(
            mean="0.3", dispersion=0.5, stability=0.5), ("mean",)),
        Case(a, "count model: stability NaN", lambda: rtm.CountModel(
            mean=0.3, dispersion=0.5, stability=np.nan), ("stability",)),
        Case(a, "count model: mean enormous", lambda: counts(rtm.CountModel(
            mean=1e9, dispersion=0.5, stability=0.5), threshold=2), ("mean",)),
        Case(a, "simulate: zero people", lambda: _model().simulate(0), ("n",)),
        Case(a, "simulate: periods 2.5", lambda: _model().simulate(10, periods=2.5),
             ("periods",)),
        Case(a, "simulate: terabytes", lambda: _model().simulate(10**9, periods=1000),
             ("simulate", "n", "periods")),
        Case(a, "expected_next: negative count", lambda: _model().expected_next(-3),
             ("y", "count")),
        Case(a, "expected_next: text", lambda: _model().expected_next("two"), ("y", "count")),
        Case(a, "pmf: text", lambda: _model().pmf("two"), ("y", "count")),
        Case(a, "fit: data is a list", lambda: fit([[1, 2]], "emergency"), ("data",)),
        Case(a, "fit: outcome as list", lambda: fit(_rtm_panel(), ["emergency"]),
             ("outcome",)),
        Case(a, "fit: unit typo", lambda: fit(_rtm_panel(), "emergency", unit="pid"),
             ("pid",)),
        Case(a, "fit: time typo", lambda: fit(_rtm_panel(), "emergency", time="period"),
             ("period",)),
        Case(a, "fit: negative counts", lambda: fit(_set(_rtm_panel(), "emergency", {3: -2}),
                                                    "emergency"), ("emergency",)),
        Case(a, "fit: repeated person-period", lambda: fit(pd.concat(
            [_rtm_panel(), _rtm_panel().head(3)]), "emergency"), ("person_id", "rel_period")),
        Case(a, "fit: unbalanced panel", lambda: fit(_rtm_panel().iloc[1:], "emergency"),
             ("unbalanced", "person")),
        Case(a, "fit: constant outcome", lambda: fit(_rtm_panel().assign(emergency=1.0),
                                                     "emergency"), ("emergency",)),
        Case(a, "fit: empty data", lambda: fit(_rtm_panel().iloc[:0], "emergency"),
             ("data", "empty", "rows")),
        Case(a, "fit: outcome is text", lambda: fit(_rtm_panel().assign(
            emergency=lambda d: d["emergency"].astype(str)), "emergency"), ("emergency",)),
        Case(a, "trajectory: text periods", lambda: traj(
            _text_periods(), outcome="emergency", select_period="0", threshold=2),
            ("rel_period", "time")),
        Case(a, "trajectory: both rules", lambda: traj(
            _rtm_panel(), outcome="emergency", select_period=0, threshold=2, top=0.1),
            ("threshold", "top")),
        Case(a, "trajectory: top zero", lambda: traj(
            _rtm_panel(), outcome="emergency", select_period=0, top=0), ("top",)),
        Case(a, "trajectory: after 2.5", lambda: traj(
            _rtm_panel(), outcome="emergency", select_period=0, threshold=2, after=2.5),
            ("after",)),
        Case(a, "trajectory: threshold NaN", lambda: traj(
            _rtm_panel(), outcome="emergency", select_period=0, threshold=np.nan),
            ("threshold",)),
        Case(a, "trajectory: nobody selected", lambda: traj(
            _rtm_panel(), outcome="emergency", select_period=0, threshold=99),
            ("threshold",)),
        Case(a, "trajectory: data not a frame", lambda: traj(
            "panel.csv", outcome="emergency", select_period=0, threshold=2), ("data",)),
        Case(a, "trajectory: plot ax text", lambda: _trajectory().plot(ax="left"), ("ax",)),
        Case(a, "trajectory: plot unknown option", lambda: _trajectory().plot(colour="red"),
             ("colour",)),
        Case(a, "audit: n 100.5", audit(n=100.5), ("n",)),
        Case(a, "audit: before text", audit(before="2.9"), ("before",)),
        Case(a, "audit: after negative", audit(after=-1), ("after",)),
        Case(a, "audit: population list", audit(population=[0.3, 0.5, 0.5]),
             ("population",)),
        Case(a, "audit: population text value", audit(population={**POP, "mean": "0.3"}),
             ("mean",)),
        Case(a, "audit: progress text", audit(progress="no"), ("progress",)),
        Case(a, "audit: random_state text", audit(random_state="seed"), ("random_state",)),
        Case(a, "audit: n_sim float", audit(n_sim=500.5), ("n_sim",)),
        Case(a, "audit: threshold unreachable", audit(threshold=1000), ("threshold",)),
        Case(a, "audit: plot ax number", lambda: _audit().plot(ax=3), ("ax",)),
        Case(a, "audit: plot unknown option", lambda: _audit().plot(bogus=1), ("bogus",)),
        Case(a, "audit: tidy level 0", lambda: _audit().tidy(0), ("level",)),
        Case(a, "audit: conf_int level text", lambda: _audit().conf_int("95%"), ("level",)),
        Case(a, "decompose: empty arrays", decomp([], [], [1.0], [1.0]), ("treated",)),
        Case(a, "decompose: 2-D arrays", decomp([[1.0, 2]], [[1.0, 2]], [1.0], [1.0]),
             ("treated",)),
        Case(a, "decompose: text values", decomp(["a", "b"], [1.0, 2], [1.0], [1.0]),
             ("treated_before",)),
        Case(a, "decompose: population_after alone", decomp(population_after=[1.0, 2]),
             ("population_before", "population_after")),
        Case(a, "decompose: population_before alone", decomp(population_before=[1.0, 2]),
             ("population_before", "population_after")),
        Case(a, "decompose: n_boot zero", decomp(n_boot=0), ("n_boot",)),
        Case(a, "decompose: random_state float", decomp(random_state=1.5), ("random_state",)),
        Case(a, "decompose: progress 1", decomp(progress=1), ("progress",)),
        Case(a, "decompose: plot ax text", lambda: _decomp().plot(ax="ax"), ("ax",)),
        Case(a, "decompose: tidy level 1", lambda: _decomp().tidy(1.0), ("level",)),
        Case(a, "with_model: model dict", dwm(model=POP), ("model",)),
        Case(a, "with_model: no rule", dwm(threshold=None), ("threshold", "top")),
        Case(a, "with_model: negative counts", lambda: rtm.decompose_with_model(
            [3.0, -2, 4], [1.0, 2, 1], model=_model(), threshold=2, n_boot=20,
            progress=False), ("treated_before", "count")),
        Case(a, "with_model: cohort below the threshold", lambda: rtm.decompose_with_model(
            [0.0, 1, 0], [1.0, 2, 1], model=_model(), threshold=2, n_boot=20,
            progress=False), ("threshold", "treated_before")),
        Case(a, "with_model: n_boot huge", dwm(n_boot=10**8), ("n_boot",)),
    ]


def sensitivity_cases():
    e, rb = et.sensitivity.e_value, et.sensitivity.rosenbaum_bounds
    diffs = np.random.default_rng(3).normal(0.5, 1, 50)
    a = "sensitivity2"
    return [
        Case(a, "e_value: estimate text", lambda: e("1.5"), ("estimate",)),
        Case(a, "e_value: kind upper case", lambda: e(1.5, kind="RR"), ("kind",)),
        Case(a, "e_value: kind None", lambda: e(1.5, kind=None), ("kind",)),
        Case(a, "e_value: rare 0", lambda: e(1.5, kind="or", rare=0), ("rare",)),
        Case(a, "e_value: rare ignored for rr", lambda: e(1.5, kind="rr", rare=False),
             ("rare",)),
        Case(a, "e_value: rare ignored for smd", lambda: e(0.4, kind="smd", rare=False),
             ("rare",)),
        Case(a, "e_value: lower zero", lambda: e(1.5, lower=0, upper=2), ("lower",)),
        Case(a, "e_value: true text", lambda: e(1.5, true="1.2"), ("true",)),
        Case(a, "e_value: smd limits reversed", lambda: e(0.4, 0.6, 0.1, kind="smd"),
             ("lower", "upper")),
        Case(a, "e_value: upper below estimate", lambda: e(1.5, upper=1.2), ("upper",
                                                                            "estimate")),
        Case(a, "e_value: tidy", lambda: e(1.5, 1.1, 2.0).tidy(), ("tidy", "summary")),
        Case(a, "rosenbaum: gammas text", lambda: rb(diffs, gammas=["1", "2"]), ("gammas",)),
        Case(a, "rosenbaum: gammas NaN", lambda: rb(diffs, gammas=[1, np.nan]), ("gammas",)),
        Case(a, "rosenbaum: gammas huge list", lambda: rb(diffs, gammas=np.linspace(
            1, 5, 20_000_000)), ("gammas",)),
        Case(a, "rosenbaum: zeros unknown", lambda: rb(diffs, zeros="remove"), ("zeros",)),
        Case(a, "rosenbaum: alpha zero", lambda: rb(diffs, alpha=0), ("alpha",)),
        Case(a, "rosenbaum: matched without outcome", lambda: rb(matched()), ("outcome",)),
        Case(a, "rosenbaum: outcome with differences", lambda: rb(diffs, "y"), ("outcome",)),
        Case(a, "rosenbaum: 2-D differences", lambda: rb(diffs.reshape(5, 10)),
             ("differences",)),
        Case(a, "rosenbaum: text differences", lambda: rb(["a", "b"]), ("differences",)),
        Case(a, "rosenbaum: ratio-2 match", lambda: rb(et.match(
            people(), treatment="treated", covariates=["age", "x1"], ratio=2,
            random_state=1), "y"), ("1:1", "ratio")),
        Case(a, "rosenbaum: outcome text column", lambda: rb(matched(), "region"),
             ("region",)),
        Case(a, "rosenbaum: tidy", lambda: rb(diffs).tidy(), ("tidy", "summary")),
        Case(a, "rosenbaum: gammas as text", lambda: rb(diffs, gammas="1,2,3"), ("gammas",)),
    ]


def economics_cases():
    ec = et.economics
    bc = {"unit_cost": 2000.0, "people": 500, "cost": 250_000.0, "years": 3}
    pay = {"tariff": 1000.0, "service_cost": 5000.0, "people": 100}
    out, base = [50.0, 45, 40], [60.0, 60, 60]

    def payments(**kw):
        return lambda: ec.outcome_payments(out, base, **{**pay, **kw})

    a = "economics2"
    return [
        Case(a, "present_value: rate percent text", lambda: ec.present_value(
            [100.0], rate="3.5%"), ("rate",)),
        Case(a, "present_value: rate True", lambda: ec.present_value([100.0], rate=True),
             ("rate",)),
        Case(a, "present_value: 2-D flows", lambda: ec.present_value([[1.0, 2]]), ("flows",)),
        Case(a, "present_value: flows dict", lambda: ec.present_value({"y1": 100.0}),
             ("flows",)),
        Case(a, "present_value: 200,000 years", lambda: ec.present_value(np.ones(200_000)),
             ("flows",)),
        Case(a, "present_value: rate 0.5", lambda: ec.present_value([100.0], rate=0.5),
             ("rate",)),
        Case(a, "discount_factors: zero years", lambda: ec.discount_factors(0), ("n_years",)),
        Case(a, "discount_factors: years text", lambda: ec.discount_factors("10"),
             ("n_years",)),
        Case(a, "discount_factors: rate None", lambda: ec.discount_factors(3, None), ("rate",)),
        Case(a, "declining_schedule: kind unknown", lambda: ec.declining_schedule(
            40, kind="treasury"), ("kind",)),
        Case(a, "declining_schedule: years huge", lambda: ec.declining_schedule(10**9),
             ("years",)),
        Case(a, "benefit_cost: years zero", lambda: ec.benefit_cost(0.2, **{**bc, "years": 0}),
             ("years",)),
        Case(a, "benefit_cost: rate name unknown", lambda: ec.benefit_cost(
            0.2, **bc, rate="declining_standard"), ("rate",)),
        Case(a, "benefit_cost: effect tuple of four", lambda: ec.benefit_cost(
            (0.2, 0.1, 0.3, 0.4), **bc), ("effect",)),
        Case(a, "benefit_cost: effect tuple of text", lambda: ec.benefit_cost(
            ("0.2", "0.05"), **bc), ("effect",)),
        Case(a, "benefit_cost: interval reversed", lambda: ec.benefit_cost(
            (0.2, 0.3, 0.1), **bc), ("effect",)),
        Case(a, "benefit_cost: estimate outside interval", lambda: ec.benefit_cost(
            (0.5, 0.1, 0.3), **bc), ("effect", "estimate")),
        Case(a, "benefit_cost: effect None", lambda: ec.benefit_cost(None, **bc), ("effect",)),
        Case(a, "benefit_cost: people 2.5", lambda: ec.benefit_cost(
            0.2, **{**bc, "people": 2.5}), ("people",)),
        Case(a, "benefit_cost: unit_cost negative", lambda: ec.benefit_cost(
            0.2, **{**bc, "unit_cost": -10.0}), ("unit_cost",)),
        Case(a, "benefit_cost: displacement 2", lambda: ec.benefit_cost(
            0.2, **bc, displacement=2.0), ("displacement",)),
        Case(a, "benefit_cost: drop_off with one year", lambda: ec.benefit_cost(
            0.2, **{**bc, "years": 1}, drop_off=0.3), ("drop_off",)),
        Case(a, "benefit_cost: random_state text", lambda: ec.benefit_cost(
            (0.2, 0.05), **bc, random_state="x"), ("random_state",)),
        Case(a, "benefit_cost: n_sim 10", lambda: ec.benefit_cost(
            (0.2, 0.05), **bc, n_sim=10), ("n_sim",)),
        Case(a, "adjusted_value: gross text", lambda: ec.adjusted_value("100"), ("gross",)),
        Case(a, "adjusted_value: deadweight True", lambda: ec.adjusted_value(
            100.0, deadweight=True), ("deadweight",)),
        Case(a, "break_even: unit_cost zero", lambda: ec.break_even_effect(
            **{**bc, "unit_cost": 0.0}), ("unit_cost",)),
        Case(a, "break_even: years 10**6", lambda: ec.break_even_effect(
            **{**bc, "years": 10**6}), ("years",)),
        Case(a, "payments: outcomes 2-D", lambda: ec.outcome_payments(
            [[50.0, 45]], base, **pay), ("outcomes",)),
        Case(a, "payments: outcomes empty", lambda: ec.outcome_payments([], base, **pay),
             ("outcomes",)),
        Case(a, "payments: service_cost negative", payments(service_cost=-5.0),
             ("service_cost",)),
        Case(a, "payments: service_cost wrong length", payments(service_cost=[1.0, 2]),
             ("service_cost",)),
        Case(a, "payments: unit_saving NaN", payments(unit_saving=np.nan), ("unit_saving",)),
        Case(a, "payments: cap_per_person negative", payments(cap_per_person=-1.0),
             ("cap_per_person",)),
        Case(a, "payments: lag 2.5", payments(lag=2.5), ("lag",)),
        Case(a, "payments: lag a million", payments(lag=10**6), ("lag",)),
        Case(a, "payments: people 2.5", payments(people=2.5), ("people",)),
        Case(a, "payments: direction None", payments(direction=None), ("direction",)),
        Case(a, "payments: tariff text", payments(tariff="1000"), ("tariff",)),
        Case(a, "payments: rate text", payments(rate="green book"), ("rate",)),
        Case(a, "payments: baseline dict", lambda: ec.outcome_payments(
            out, {"2024": 60.0}, **pay), ("baseline",)),
        Case(a, "payments: baseline_kind None", payments(baseline_kind=None),
             ("baseline_kind",)),
        Case(a, "payments: plot ax text", lambda: _payments().plot(ax="a"), ("ax",)),
        Case(a, "payments: tidy", lambda: _payments().tidy(), ("tidy", "summary")),
    ]


def evidence_cases():
    ev, claim = et.evidence.rate_design, et.evidence.EvidenceClaim
    good = dict(programme="Falls service", claim="47% fewer bed days", design="before_after")
    a = "evidence2"
    return [
        Case(a, "rate_design: design None", lambda: ev(design=None), ("design",)),
        Case(a, "rate_design: comparison number", lambda: ev(design="rct", comparison=5),
             ("comparison",)),
        Case(a, "rate_design: attrition text", lambda: ev(design="rct", attrition="0.2"),
             ("attrition",)),
        Case(a, "rate_design: sample_size 10.5", lambda: ev(design="rct", sample_size=10.5),
             ("sample_size",)),
        Case(a, "rate_design: replications -1", lambda: ev(design="rct", replications=-1),
             ("replications",)),
        Case(a, "rate_design: long_term yes", lambda: ev(design="rct", long_term="yes"),
             ("long_term",)),
        Case(a, "rate_design: independent 1", lambda: ev(design="rct", independent=1),
             ("independent",)),
        Case(a, "rate_design: significant_positive text", lambda: ev(
            design="rct", significant_positive="True"), ("significant_positive",)),
        Case(a, "rate_design: comparison with before_after", lambda: ev(
            design="before_after", comparison="matched on prior use"), ("comparison",)),
        Case(a, "rate_design: significant with no evaluation", lambda: ev(
            design="none", significant_positive=True), ("design", "significant_positive")),
        Case(a, "rate_design: tidy", lambda: ev(design="rct").tidy(), ("tidy", "summary")),
        Case(a, "claim: programme None", lambda: claim(**{**good, "programme": None}),
             ("programme",)),
        Case(a, "claim: design unknown", lambda: claim(**{**good, "design": "anecdote"}),
             ("design",)),
        Case(a, "claim: rating as text", lambda: claim(**good, rating="Level 3"),
             ("rating",)),
        Case(a, "claim: share as percent text", lambda: claim(
            **good, rtm_share_explained="47%"), ("rtm_share_explained",)),
        Case(a, "claim: share NaN", lambda: claim(**good, rtm_share_explained=np.nan),
             ("rtm_share_explained",)),
        Case(a, "claim: findings a string", lambda: claim(**good, findings="RTM explains it"),
             ("findings",)),
        Case(a, "claim: saving per pound text", lambda: claim(
            **good, claimed_saving_per_pound="3.2"), ("claimed_saving_per_pound",)),
        Case(a, "claim: audited saving inf", lambda: claim(
            **good, audited_saving_per_pound=np.inf), ("audited_saving_per_pound",)),
        Case(a, "claim: source number", lambda: claim(**good, source=2019), ("source",)),
    ]


def disclosure_cases():
    s = et.disclosure.suppress
    table = pd.DataFrame({"a": [12, 3, 40], "b": [25, 30, 8]}, index=["x", "y", "z"])
    a = "disclosure2"

    def big():
        rng = np.random.default_rng(0)
        return pd.DataFrame(rng.integers(0, 12, (400, 400)))

    return [
        Case(a, "threshold huge", lambda: s(table, 10**9), ("threshold",)),
        Case(a, "threshold NaN", lambda: s(table, np.nan), ("threshold",)),
        Case(a, "rounding 2.5", lambda: s(table, rounding=2.5), ("rounding",)),
        Case(a, "rounding True", lambda: s(table, rounding=True), ("rounding",)),
        Case(a, "margins text", lambda: s(table, margins="no"), ("margins",)),
        Case(a, "suppress_zeros 1", lambda: s(table, suppress_zeros=1), ("suppress_zeros",)),
        Case(a, "repeated column labels", lambda: s(pd.DataFrame(
            [[12, 3], [40, 25]], columns=["a", "a"])), ("column", "a")),
        Case(a, "repeated row labels", lambda: s(table.set_axis(["x", "x", "z"])),
             ("index", "row", "x")),
        Case(a, "bool counts", lambda: s(table.assign(a=[True, False, True])), ("a",)),
        Case(a, "count_col not counts", lambda: s(table.reset_index(), count_col="index"),
             ("index",)),
        Case(a, "count_col as list", lambda: s(table.reset_index(), count_col=["a"]),
             ("count_col",)),
        Case(a, "count_col with a Series", lambda: s(table["a"], count_col="a"),
             ("table", "DataFrame")),
        Case(a, "table of 160,000 cells", lambda: s(big()), ("table", "cells")),
        Case(a, "feasible_intervals: 1-D values", lambda: et.disclosure.feasible_intervals(
            np.array([3, 20]), np.array([True, False])), ("values",)),
        Case(a, "feasible_intervals: shapes differ", lambda: et.disclosure.feasible_intervals(
            np.array([[3, 20], [25, 30]]), np.array([[True, False]])), ("hidden", "shape")),
        Case(a, "feasible_intervals: hidden as 0/1 ints",
             lambda: et.disclosure.feasible_intervals(
                 np.array([[3, 20], [25, 30]]), np.array([[1, 0], [0, 0]])), ("hidden",)),
        Case(a, "feasible_intervals: lower negative",
             lambda: et.disclosure.feasible_intervals(
                 np.array([[3, 20], [25, 30]]), np.array([[True, False], [False, False]]),
                 lower=-1), ("lower",)),
        Case(a, "cycle_intervals: NaN values", lambda: et.disclosure.cycle_intervals(
            np.array([[np.nan, 20], [25, 30]]), np.ones((2, 2), bool)), ("values",)),
        Case(a, "tidy", lambda: s(table).tidy(), ("tidy", "summary")),
    ]


def reporting_cases():
    r = _trajectory
    a = "reporting2"
    return [
        Case(a, "compare: a single result", lambda: et.compare(r()), ("results",)),
        Case(a, "compare: dict of results", lambda: et.compare({"a": r()}), ("results",)),
        Case(a, "compare: names a number", lambda: et.compare([r()], names=5), ("names",)),
        Case(a, "compare: names repeated", lambda: et.compare([r(), r()], names=["a", "a"]),
             ("names",)),
        Case(a, "compare: names not text", lambda: et.compare([r(), r()], names=[None, 2]),
             ("names",)),
        Case(a, "compare: a class", lambda: et.compare([et.rtm.RTMEstimate]), ("results",)),
        Case(a, "method_statement: a DataFrame", lambda: et.reporting.method_statement(
            pd.DataFrame({"a": [1]})), ("result",)),
        Case(a, "method_statement: list of results", lambda: et.reporting.method_statement(
            [r()]), ("result",)),
    ]


def second_batch():
    """Sizes inside the parameter limits that would still run for minutes, option
    combinations that change nothing, and values that look right at a glance."""
    rtm, ec, s = et.rtm, et.economics, et.disclosure.suppress
    table = pd.DataFrame({"a": [12, 3, 40], "b": [25, 30, 8]}, index=["x", "y", "z"])
    one_person = pd.DataFrame({"person_id": [1, 1, 1], "rel_period": [0, 1, 2],
                               "emergency": [0.0, 2, 1]})
    big = np.ones(10_000)
    bc = {"unit_cost": 2000.0, "people": 500, "cost": 250_000.0, "years": 3}
    return [
        Case("rtm2", "decompose: draws beyond an hour", lambda: rtm.decompose_change(
            big, big, big, big, n_boot=500_000, progress=False), ("n_boot",)),
        Case("rtm2", "with_model: draws beyond an hour", lambda: rtm.decompose_with_model(
            big, big * 0, model=_model(), threshold=1, n_boot=500_000, progress=False),
            ("n_boot",)),
        Case("rtm2", "fit: one person", lambda: rtm.fit_count_model(one_person, "emergency"),
             ("person_id", "people")),
        Case("rtm2", "fit: time with NaN", lambda: rtm.fit_count_model(_set(
            _rtm_panel(), "rel_period", {4: np.nan}), "emergency"), ("rel_period",)),
        Case("rtm2", "trajectory: select_period as list", lambda: rtm.selection_trajectory(
            _rtm_panel(), outcome="emergency", select_period=[0], threshold=2),
            ("select_period",)),
        Case("rtm2", "fit: outcome is the unit column", lambda: rtm.fit_count_model(
            _rtm_panel(), "person_id"), ("outcome", "unit")),
        Case("rtm2", "trajectory: time is the unit column", lambda: rtm.selection_trajectory(
            _rtm_panel(), outcome="emergency", select_period=0, threshold=2,
            time="person_id"), ("time", "unit")),
        Case("rtm2", "decompose: Series in different person order", lambda: rtm.
             decompose_change(pd.Series([3.0, 2, 4], index=[1, 2, 3]),
                              pd.Series([1.0, 2, 1], index=[3, 2, 1]), [2.0, 2], [1.0, 1],
                              n_boot=10, progress=False), ("treated_before", "index")),
        Case("sensitivity2", "rosenbaum: outcome as list", lambda: et.sensitivity.
             rosenbaum_bounds(matched(), ["y"]), ("outcome",)),
        Case("economics2", "benefit_cost: n_sim with delta", lambda: ec.benefit_cost(
            (0.2, 0.05), **bc, method="delta", n_sim=500), ("n_sim",)),
        Case("economics2", "benefit_cost: random_state with a bare effect",
             lambda: ec.benefit_cost(0.2, **bc, random_state=4), ("random_state",)),
        Case("economics2", "payments: a million periods", lambda: ec.outcome_payments(
            np.zeros(1_000_000), 1.0, tariff=10.0, service_cost=1.0, people=10),
            ("outcomes", "periods")),
        Case("disclosure2", "secondary off with margins", lambda: s(table, secondary=False),
             ("secondary", "margins")),
        Case("disclosure2", "rounding beyond every count", lambda: s(table, rounding=1000),
             ("rounding",)),
        Case("disclosure2", "table that holds its own totals", lambda: s(pd.crosstab(
            people()["region"], people()["female"], margins=True)), ("All", "total")),
        Case("rtm2", "audit: before below the threshold", lambda: rtm.audit_claim(
            before=1.2, after=0.6, n=100, threshold=2, population=POP, n_sim=200,
            progress=False), ("before", "threshold")),
        Case("disclosure2", "nullable counts with NA", lambda: s(table.astype("Int64").assign(
            a=pd.array([12, None, 40], dtype="Int64"))), ("missing", "a")),
    ]


def cases() -> list[Case]:
    return [*rtm_cases(), *sensitivity_cases(), *economics_cases(), *evidence_cases(),
            *disclosure_cases(), *reporting_cases(), *second_batch()]
