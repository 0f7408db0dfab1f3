"""Results of att_gt and its aggregations (R did's aggte)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from .._shared import ResultMixin, run_meta
from ..exceptions import ParameterError
from .bootstrap import bootstrap_se, influence_se, multiplier_draws, uniform_critical_value
from .options import check_aggregate_options, check_ax, plot_kwargs

__all__ = ["ATTgtResult", "AggregateResult"]

_Z = stats.norm.ppf(0.975)
_TINY = np.sqrt(np.finfo(float).eps) * 10  # R did: a standard error this small is NA
ASSUMPTION = ("Assumes parallel trends (conditional on covariates, if any) between each group "
              "and its comparison group, and no anticipation beyond the stated periods.")


@dataclass
class Inference:
    """How standard errors are computed: analytic or multiplier bootstrap, with clusters."""

    bootstrap: bool = False
    n_boot: int = 999
    seed: int | None = None
    weights: str = "rademacher"
    codes: np.ndarray | None = None  # cluster of each unit (0..C-1), None = units

    def standard_errors(self, inf: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Standard errors of the columns of ``inf`` and the bootstrap draws (or None)."""
        if not self.bootstrap:
            se = influence_se(inf, self.codes)
            return np.where(se <= _TINY, np.nan, se), None
        draws = multiplier_draws(inf, n_boot=self.n_boot, seed=self.seed, kind=self.weights,
                                 codes=self.codes)
        return bootstrap_se(draws), draws

    def describe(self) -> str:
        where = "" if self.codes is None else f", clustered ({int(self.codes.max()) + 1} clusters)"
        if not self.bootstrap:
            return f"pointwise 95% intervals (analytic standard errors{where})"
        return (f"uniform 95% bands (multiplier bootstrap, {self.n_boot} draws, "
                f"{self.weights} weights{where})")


class _BandMixin(ResultMixin):
    """With the bootstrap, intervals of the rows in a band are uniform (simultaneous) at
    any level, from the stored draws; other rows are pointwise."""

    draws: np.ndarray | None

    def _band_rows(self) -> np.ndarray:
        return np.ones(len(self._estimates()), dtype=bool)

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """One row per term; with the bootstrap, conf_low/conf_high of the band's rows form a
        uniform band at ``level`` (R did's ``cband``); p-values are pointwise."""
        out = super().tidy(level)
        if self.draws is None:
            return out
        band = self._band_rows()
        if not band.any():
            return out
        se = out["std_error"].to_numpy(float)
        crit = uniform_critical_value(self.draws[:, band], se[band], level)
        est = out["estimate"].to_numpy(float)
        out.loc[band, "conf_low"] = (est - crit * se)[band]
        out.loc[band, "conf_high"] = (est + crit * se)[band]
        return out


@dataclass(repr=False)
class ATTgtResult(_BandMixin):
    """ATT(g, t) estimates with standard errors; ``aggregate(kind)`` summarises them."""

    table: pd.DataFrame
    influence: np.ndarray
    groups: np.ndarray
    critical_value: float = _Z
    meta: dict[str, Any] = field(default_factory=dict)
    inference: Inference = field(default_factory=Inference)
    draws: np.ndarray | None = None
    _title = "Group-time average treatment effects (Callaway & Sant'Anna 2021)"

    @classmethod
    def build(cls, table, inf, groups, options, inference, random_state, flow, notes=()):
        se, draws = inference.standard_errors(inf)
        se[table["att"].isna().to_numpy()] = np.nan
        crit = uniform_critical_value(draws, se) if draws is not None else _Z
        table = table.assign(se=se, ci_low=table["att"] - crit * se,
                             ci_high=table["att"] + crit * se)
        options = dict(options, bootstrap=inference.bootstrap,
                       n_boot=inference.n_boot if inference.bootstrap else None,
                       boot_weights=inference.weights if inference.bootstrap else None)
        meta = run_meta(options, random_state=random_state,
                        flow=pd.DataFrame(flow, columns=["step", "n"]))
        meta.update(bootstrap_seed=inference.seed, notes=list(notes))
        return cls(table=table, influence=inf, groups=groups, critical_value=crit, meta=meta,
                   inference=inference, draws=draws)

    def _estimates(self) -> pd.DataFrame:
        t = self.table
        terms = [f"ATT({g:g},{p:g})" for g, p in zip(t["group"], t["time"], strict=True)]
        return pd.DataFrame({"term": terms, "estimate": t["att"], "std_error": t["se"],
                             "n": t["n"]})

    def summary(self) -> pd.DataFrame:
        return self.table[["group", "time", "att", "se", "ci_low", "ci_high", "note"]]

    def _notes(self) -> list[str]:
        o = self.meta["options"]
        skipped = int(self.table["att"].isna().sum())
        extra = [f"{skipped} cell(s) without an estimate; see 'note'."] if skipped else []
        dropped = [f"Covariate left out: {note}." for note in self.meta.get("notes", [])]
        return [f"{self.inference.describe()}; comparison: {o['control_group']}; method: "
                f"{o['est_method']}; base period: {o['base_period']}.", ASSUMPTION, *extra,
                *dropped]

    def aggregate(self, kind: str = "simple", *, balance_e: int | None = None,
                  min_e: float = -np.inf, max_e: float = np.inf) -> AggregateResult:
        """Aggregate ATT(g,t) as R's ``did::aggte``: ``"simple"`` (weighted by group size
        over post-treatment cells), ``"dynamic"`` (by event time e = t - g),
        ``"group"`` and ``"calendar"``; standard errors include the estimation of the
        weights.

        As in R's ``aggte``: ``min_e``/``max_e`` bound the event times of ``"dynamic"``
        (``max_e`` also the cells of ``"simple"`` and ``"group"``); ``balance_e`` (a
        non-negative int) keeps the groups observed ``balance_e`` periods after treatment.
        Options the kind does not use are ignored with a warning; a selection that leaves
        no cell is refused."""
        from .aggregate import aggregate

        check_aggregate_options(kind, balance_e, min_e, max_e)
        return aggregate(self, kind, balance_e=balance_e, min_e=min_e, max_e=max_e)

    def plot(self, ax=None, **kwargs):
        """ATT(g,t) with intervals, one panel row per group. Returns the Axes."""
        check_ax(ax, "ATTgtResult.plot")
        t = self.table
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        for i, (group, part) in enumerate(t.groupby("group")):
            x = part["time"] + (i - 1) * 0.08
            colours = np.where(part["post"], "tab:blue", "tab:red")
            ax.errorbar(x, part["att"], yerr=self.critical_value * part["se"], fmt="none",
                        ecolor="grey")
            with plot_kwargs("ATTgtResult.plot", kwargs, "scatter"):
                ax.scatter(x, part["att"], c=colours, label=f"group {group}", **kwargs)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xlabel("period")
        ax.set_ylabel("ATT(g, t) (outcome units)")
        ax.set_title("red: before treatment, blue: after")
        return ax


@dataclass(repr=False)
class AggregateResult(_BandMixin):
    """An aggregation of ATT(g,t): the overall estimate and, for dynamic, group and
    calendar aggregations, one estimate per event time, group or period.

    With the bootstrap, the detail rows have a uniform band (R's ``aggte`` with
    ``cband = TRUE``) and the overall estimate a pointwise interval from its bootstrap
    standard error, as R's did reports them.
    """

    kind: str
    estimate: float
    se: float
    detail: pd.DataFrame
    critical_value: float = _Z
    meta: dict[str, Any] = field(default_factory=dict)
    draws: np.ndarray | None = None  # columns: overall, then the detail rows
    n: int = 0
    _title = "Aggregated treatment effect"
    _LABELS = {"dynamic": "event time", "group": "group", "calendar": "period"}

    def aggregate(self, *args, **kwargs):
        """Refused: an aggregation is not aggregated again; aggregate the ATT(g,t) result."""
        raise ParameterError(
            f"This is already a {self.kind!r} aggregation (an AggregateResult); it cannot be "
            "aggregated again. Fix: call .aggregate(kind) on the ATTgtResult that att_gt "
            "returned, once per kind.")

    @property
    def ci_low(self) -> float:
        return self.estimate - _Z * self.se

    @property
    def ci_high(self) -> float:
        return self.estimate + _Z * self.se

    def _estimates(self) -> pd.DataFrame:
        label = self._LABELS.get(self.kind, "")
        terms = [f"overall ({self.kind})", *(f"{label} {k:g}" for k in self.detail.index)]
        return pd.DataFrame({"term": terms,
                             "estimate": [self.estimate, *self.detail["estimate"]],
                             "std_error": [self.se, *self.detail["se"]], "n": self.n})

    def _band_rows(self) -> np.ndarray:
        return np.arange(len(self.detail) + 1) > 0

    def summary(self) -> pd.DataFrame:
        overall = pd.DataFrame({"estimate": [self.estimate], "se": [self.se],
                                "ci_low": [self.ci_low], "ci_high": [self.ci_high]},
                               index=[f"overall ({self.kind})"])
        return pd.concat([overall, self.detail]) if len(self.detail) else overall

    def _notes(self) -> list[str]:
        band = (f"Rows by {self._LABELS[self.kind]}: uniform 95% band (multiplier bootstrap). "
                if self.draws is not None and len(self.detail) else "")
        return [f"{band}Overall: pointwise 95% interval.", ASSUMPTION]

    def plot(self, ax=None, **kwargs):
        """The per-e (or per-group, per-period) estimates with intervals."""
        check_ax(ax, "AggregateResult.plot")
        if self.kind == "simple":
            raise ParameterError("AggregateResult.plot has nothing to plot for kind='simple' "
                                 "(one overall estimate; see summary()). Fix: aggregate with "
                                 "kind='dynamic', 'group' or 'calendar' to plot estimates.")
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        d = self.detail
        with plot_kwargs("AggregateResult.plot", kwargs, "errorbar"):
            ax.errorbar(d.index.astype(float), d["estimate"],
                        yerr=self.critical_value * d["se"], fmt="o", capsize=3, **kwargs)
        ax.axhline(0, color="black", linewidth=0.8)
        if self.kind == "dynamic":
            ax.axvline(-0.5, color="grey", linestyle="--")
        ax.set_xlabel({"dynamic": "event time (periods since treatment)", "group": "group",
                       "calendar": "period"}.get(self.kind, ""))
        ax.set_ylabel("average treatment effect (outcome units)")
        return ax
