"""Results of att_gt and its aggregations (R did's aggte)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from .._shared import ResultMixin, run_meta
from ..validation import check_option

__all__ = ["ATTgtResult", "AggregateResult"]

_Z = stats.norm.ppf(0.975)
ASSUMPTION = ("Assumes parallel trends (conditional on covariates, if any) between each group "
              "and its comparison group, and no anticipation beyond the stated periods.")


def _se(inf: np.ndarray) -> np.ndarray:
    return np.sqrt(np.einsum("ij,ij->j", inf, inf)) / inf.shape[0]


def multiplier_bootstrap(inf: np.ndarray, n_boot: int, random_state) -> tuple[np.ndarray, float]:
    """Mammen multiplier bootstrap (as R's did): standard errors from the interquartile
    range of the draws and the critical value of a uniform 95% band."""
    rng = np.random.default_rng(random_state)
    n = inf.shape[0]
    k1, k2 = (1 - np.sqrt(5)) / 2, (1 + np.sqrt(5)) / 2
    p1 = (np.sqrt(5) + 1) / (2 * np.sqrt(5))
    draws = np.empty((n_boot, inf.shape[1]))
    for start in range(0, n_boot, 100):
        b = min(100, n_boot - start)
        v = np.where(rng.random((b, n)) < p1, k1, k2)
        draws[start:start + b] = v @ inf / n * np.sqrt(n)
    q = np.quantile(draws, [0.75, 0.25], axis=0)
    se = (q[0] - q[1]) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25)) / np.sqrt(n)
    ok = se > 0
    t_max = np.abs(draws[:, ok] / (se[ok] * np.sqrt(n))).max(axis=1)
    return se, float(np.quantile(t_max, 0.95))


@dataclass(repr=False)
class ATTgtResult(ResultMixin):
    """ATT(g, t) estimates with standard errors; ``aggregate(kind)`` summarises them."""

    table: pd.DataFrame
    influence: np.ndarray
    groups: np.ndarray
    critical_value: float = _Z
    meta: dict[str, Any] = field(default_factory=dict)
    _title = "Group-time average treatment effects (Callaway & Sant'Anna 2021)"

    @classmethod
    def build(cls, table, inf, groups, options, bootstrap, n_boot, random_state, flow):
        missing = table["att"].isna().to_numpy()
        se = _se(inf)
        crit = _Z
        if bootstrap:
            se_b, crit = multiplier_bootstrap(inf[:, ~missing], n_boot, random_state)
            se[~missing] = se_b
        se[missing] = np.nan
        se[table["note"].eq("reference period").to_numpy()] = np.nan
        table = table.assign(se=se, ci_low=table["att"] - crit * se,
                             ci_high=table["att"] + crit * se)
        options = dict(options, bootstrap=bootstrap, n_boot=n_boot if bootstrap else None)
        return cls(table=table, influence=inf, groups=groups, critical_value=crit,
                   meta=run_meta(options, random_state=random_state,
                                 flow=pd.DataFrame(flow, columns=["step", "n"])))

    def summary(self) -> pd.DataFrame:
        return self.table[["group", "time", "att", "se", "ci_low", "ci_high", "note"]]

    def _notes(self) -> list[str]:
        band = ("uniform 95% bands (multiplier bootstrap)" if self.meta["options"]["bootstrap"]
                else "pointwise 95% intervals (analytic)")
        skipped = int(self.table["att"].isna().sum())
        extra = [f"{skipped} cell(s) without an estimate; see 'note'."] if skipped else []
        return [f"{band}; comparison: {self.meta['options']['control_group']}; method: "
                f"{self.meta['options']['est_method']}.", ASSUMPTION, *extra]

    def aggregate(self, kind: str = "simple", *, balance_e: int | None = None,
                  min_e: float = -np.inf, max_e: float = np.inf) -> AggregateResult:
        """Aggregate ATT(g,t) as R's ``did::aggte``: ``"simple"`` (weighted by group size
        over post-treatment cells), ``"dynamic"`` (by event time e = t - g),
        ``"group"`` and ``"calendar"``; standard errors include the estimation of the
        weights."""
        from .aggregate import aggregate

        check_option(kind, "kind", "aggregate", ["simple", "dynamic", "group", "calendar"])
        return aggregate(self, kind, balance_e=balance_e, min_e=min_e, max_e=max_e)

    def plot(self, ax=None, **kwargs):
        """ATT(g,t) with intervals, one panel row per group. Returns the Axes."""
        t = self.table
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        for i, (group, part) in enumerate(t.groupby("group")):
            x = part["time"] + (i - 1) * 0.08
            colours = np.where(part["post"], "tab:blue", "tab:red")
            ax.errorbar(x, part["att"], yerr=self.critical_value * part["se"], fmt="none",
                        ecolor="grey")
            ax.scatter(x, part["att"], c=colours, label=f"group {group}", **kwargs)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xlabel("period")
        ax.set_ylabel("ATT(g, t) (outcome units)")
        ax.set_title("red: before treatment, blue: after")
        return ax


@dataclass(repr=False)
class AggregateResult(ResultMixin):
    """An aggregation of ATT(g,t): the overall estimate and, for dynamic, group and
    calendar aggregations, one estimate per event time, group or period."""

    kind: str
    estimate: float
    se: float
    detail: pd.DataFrame
    critical_value: float = _Z
    meta: dict[str, Any] = field(default_factory=dict)
    _title = "Aggregated treatment effect"

    @property
    def ci_low(self) -> float:
        return self.estimate - _Z * self.se

    @property
    def ci_high(self) -> float:
        return self.estimate + _Z * self.se

    def summary(self) -> pd.DataFrame:
        overall = pd.DataFrame({"estimate": [self.estimate], "se": [self.se],
                                "ci_low": [self.ci_low], "ci_high": [self.ci_high]},
                               index=[f"overall ({self.kind})"])
        return pd.concat([overall, self.detail]) if len(self.detail) else overall

    def _notes(self) -> list[str]:
        return [ASSUMPTION]

    def plot(self, ax=None, **kwargs):
        """The per-e (or per-group, per-period) estimates with intervals."""
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        d = self.detail
        ax.errorbar(d.index.astype(float), d["estimate"], yerr=self.critical_value * d["se"],
                    fmt="o", capsize=3, **kwargs)
        ax.axhline(0, color="black", linewidth=0.8)
        if self.kind == "dynamic":
            ax.axvline(-0.5, color="grey", linestyle="--")
        ax.set_xlabel({"dynamic": "event time (periods since treatment)", "group": "group",
                       "calendar": "period"}.get(self.kind, ""))
        ax.set_ylabel("average treatment effect (outcome units)")
        return ax
