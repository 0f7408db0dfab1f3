"""Regression difference-in-differences: the 2x2 estimate, two-way fixed effects and event
studies (linearmodels' PanelOLS), with standard errors clustered on units."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.api as sm
from linearmodels.panel import PanelOLS
from scipy import stats

from .._shared import ResultMixin, TableResult, run_meta
from ..exceptions import SchemaError
from ..validation import check_columns, check_option

__all__ = ["did_2x2", "twfe", "event_study", "DiDResult", "EventStudyResult"]

ASSUMPTION = "Assumes parallel trends between treated and comparison units."


@dataclass(repr=False)
class DiDResult(ResultMixin):
    """One difference-in-differences coefficient with its clustered standard error."""

    estimate: float
    se: float
    n_obs: int
    scale: str = "difference"
    meta: dict[str, Any] = field(default_factory=dict)
    _title = "Difference-in-differences"

    @property
    def ci_low(self) -> float:
        return self._limit(-1)

    @property
    def ci_high(self) -> float:
        return self._limit(1)

    def _limit(self, sign):
        if self.scale == "ratio of rate ratios":
            return float(np.exp(np.log(self.estimate) + sign * 1.959964 * self.se))
        return self.estimate + sign * 1.959964 * self.se

    def summary(self) -> pd.DataFrame:
        z = (np.log(self.estimate) if self.scale != "difference" else self.estimate) / self.se
        return pd.DataFrame({"estimate": [self.estimate], "se": [self.se],
                             "ci_low": [self.ci_low], "ci_high": [self.ci_high],
                             "p_value": [2 * stats.norm.sf(abs(z))], "n_obs": [self.n_obs]},
                            index=[self.scale])

    def _notes(self) -> list[str]:
        return [ASSUMPTION]


def did_2x2(data: pd.DataFrame, outcome: str, *, treated: str, post: str,
            unit: str | None = None, cluster: str | None = None,
            covariates: list[str] | None = None, family: str = "gaussian",
            exposure: str | None = None) -> DiDResult:
    """The classic 2x2 estimate: OLS of the outcome on treated, post and their interaction.

    Standard errors are clustered on ``cluster`` (or ``unit``; robust if neither).
    ``family="poisson"`` fits a Poisson model (with ``log(exposure)`` as offset) and reports
    the ratio of rate ratios, for counts.

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1, 2, 1, 4, 1, 2, 1, 4], "t": [0, 0, 1, 1] * 2,
    ...                    "p": [0, 1, 0, 1] * 2})
    >>> round(did_2x2(df, "y", treated="t", post="p").estimate, 6)
    2.0
    """
    check_option(family, "family", "did_2x2", ["gaussian", "poisson"])
    covariates = list(covariates or [])
    cols = [outcome, treated, post, *covariates] + [c for c in (unit, cluster, exposure) if c]
    check_columns(data, cols, "data")
    d = data.dropna(subset=cols)
    x = pd.get_dummies(d[covariates], drop_first=True, dtype=float) if covariates else None
    design = pd.DataFrame({"treated": d[treated].astype(float), "post": d[post].astype(float)})
    design["treated_x_post"] = design.treated * design.post
    if x is not None:
        design = pd.concat([design, x], axis=1)
    design = sm.add_constant(design)
    group = cluster or unit
    cov = ({"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(d[group])[0]}}
           if group else {"cov_type": "HC1"})
    if family == "poisson":
        offset = np.log(d[exposure].to_numpy(float)) if exposure else None
        fit = sm.GLM(d[outcome].to_numpy(float), design, family=sm.families.Poisson(),
                     offset=offset).fit(**cov)
        b, se = fit.params["treated_x_post"], fit.bse["treated_x_post"]
        return DiDResult(float(np.exp(b)), float(se), len(d), "ratio of rate ratios",
                         meta=run_meta(dict(family=family, cluster=group)))
    fit = sm.OLS(d[outcome].to_numpy(float), design).fit(**cov)
    return DiDResult(float(fit.params["treated_x_post"]), float(fit.bse["treated_x_post"]),
                     len(d), meta=run_meta(dict(family=family, cluster=group)))


def _panel_index(data, unit, time, cols):
    check_columns(data, [unit, time, *cols], "data")
    if data.duplicated([unit, time]).any():
        raise SchemaError(f"Duplicated ({unit}, {time}) rows: one row per unit and period.")
    return data.set_index([unit, time])


def twfe(data: pd.DataFrame, outcome: str, *, unit: str, time: str, treat: str,
         cluster: str | None = None) -> DiDResult:
    """Two-way fixed effects: outcome on the treatment indicator with unit and time
    effects (linearmodels' PanelOLS), standard errors clustered on units.

    Examples
    --------
    >>> import evaltools as et
    >>> panel, _ = et.datasets.area_rollout(n_areas=40, seed=1)
    >>> et.did.twfe(panel, "rate_per_1000", unit="area", time="year", treat="treated").estimate < 0
    True
    """
    d = _panel_index(data, unit, time, [outcome, treat] + ([cluster] if cluster else []))
    model = PanelOLS(d[outcome], d[[treat]].astype(float), entity_effects=True,
                     time_effects=True)
    if cluster:
        fit = model.fit(cov_type="clustered", clusters=d[[cluster]])
    else:
        fit = model.fit(cov_type="clustered", cluster_entity=True)
    return DiDResult(float(fit.params[treat]), float(fit.std_errors[treat]), int(fit.nobs),
                     meta=run_meta(dict(estimator="two-way fixed effects")))


@dataclass(repr=False)
class EventStudyResult(TableResult):
    """Leads and lags relative to treatment, and the joint test of the leads."""

    pretrend_stat: float
    pretrend_p: float
    _title = "Event study (two-way fixed effects)"

    def _notes(self) -> list[str]:
        return [f"Joint Wald test that all pre-treatment coefficients are zero: chi2 = "
                f"{self.pretrend_stat:.2f}, p = {self.pretrend_p:.3f}.", ASSUMPTION]

    def plot(self, ax=None, **kwargs):
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        t = self.table
        ax.errorbar(t.index, t["estimate"], yerr=1.959964 * t["se"], fmt="o", capsize=3,
                    **kwargs)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.axvline(-0.5, color="grey", linestyle="--")
        ax.set_xlabel("periods relative to treatment")
        ax.set_ylabel("effect relative to the reference period (outcome units)")
        return ax


def event_study(data: pd.DataFrame, outcome: str, *, unit: str, time: str, cohort: str,
                ref_period: int = -1, window: tuple[int, int] | None = None,
                cluster: str | None = None) -> EventStudyResult:
    """Leads and lags of treatment with unit and time effects (never-treated units have
    ``cohort`` 0 and all-zero indicators). Event times beyond ``window`` are binned into
    its end points. Returns the coefficients and a joint Wald test of the leads."""
    d = data.copy()
    rel = np.where(d[cohort] > 0, d[time] - d[cohort], np.nan)
    lo, hi = window or (np.nanmin(rel), np.nanmax(rel))
    rel = np.clip(rel, lo, hi)
    names = []
    for k in sorted(set(rel[~np.isnan(rel)].astype(int)) - {ref_period}):
        name = f"e{k}"
        d[name] = (rel == k).astype(float)
        names.append((k, name))
    panel = _panel_index(d, unit, time, [outcome])
    fit = PanelOLS(panel[outcome], panel[[n for _, n in names]], entity_effects=True,
                   time_effects=True).fit(cov_type="clustered", cluster_entity=True)
    table = pd.DataFrame({"estimate": [fit.params[n] for _, n in names],
                          "se": [fit.std_errors[n] for _, n in names]},
                         index=pd.Index([k for k, _ in names], name="event time"))
    leads = [n for k, n in names if k < 0]
    if leads:
        b = fit.params[leads].to_numpy()
        v = fit.cov.loc[leads, leads].to_numpy()
        stat = float(b @ np.linalg.solve(v, b))
        p = float(stats.chi2.sf(stat, len(leads)))
    else:
        stat, p = np.nan, np.nan
    return EventStudyResult(table=table, pretrend_stat=stat, pretrend_p=p,
                            meta=run_meta(dict(ref_period=ref_period, window=window)))
