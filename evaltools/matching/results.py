"""MatchResult: the matched sample, its weights and subclasses, pairs, counts and plots."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._shared import ResultMixin
from ..exceptions import ParameterError
from ..validation import check_option

__all__ = ["MatchResult", "pair_weights", "subclass_weights", "effective_sample_size",
           "no_estimates"]


def effective_sample_size(w: np.ndarray) -> float:
    """Kish's effective sample size, (sum w)^2 / sum w^2."""
    w = w[w > 0]
    return float(w.sum() ** 2 / (w**2).sum()) if len(w) else 0.0


def pair_weights(n: int, t: np.ndarray, c: np.ndarray) -> np.ndarray:
    """MatchIt's weights for k:1 matching: treated 1; each control gets 1/k_i from every
    treated unit i it serves, then controls are scaled to sum to the number used."""
    w = np.zeros(n)
    per_treated = np.bincount(t, minlength=n)
    w[np.unique(t)] = 1.0
    control_w = np.bincount(c, weights=1.0 / per_treated[t], minlength=n)
    used = control_w > 0
    if used.any():
        w[used] = control_w[used] * used.sum() / control_w[used].sum()
    return w


def subclass_weights(subclass: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """ATT weights for subclasses: treated 1, controls n_treated/n_control of their
    subclass, scaled to sum to the number of matched controls (as MatchIt)."""
    w = np.zeros(len(subclass))
    inside = subclass >= 0
    if not inside.any():
        return w
    s = subclass[inside]
    n_t = np.bincount(s, weights=treated[inside])
    n_c = np.bincount(s, weights=~treated[inside])
    w[inside & treated] = 1.0
    ctrl = inside & ~treated
    w[ctrl] = n_t[subclass[ctrl]] / n_c[subclass[ctrl]]
    w[ctrl] *= ctrl.sum() / w[ctrl].sum()
    return w


@dataclass(repr=False)
class MatchResult(ResultMixin):
    """The result of :func:`evaltools.match`.

    Attributes
    ----------
    matched_data : DataFrame
        Matched rows of the input with ``weights`` and ``subclass`` (MatchIt's
        ``match.data``); ``subclass`` is empty when controls are reused.
    pairs : DataFrame
        One row per (treated, control) link: ``subclass``, ``treated_id``, ``control_id``
        (index labels of the input) and ``distance``.
    distance_ : Series or None
        Each unit's propensity or prognostic score (None for Mahalanobis/exact/CEM).
    flow : DataFrame
        Treated and controls supplied, matched, unmatched and why.
    flow_by_period : DataFrame or None
        For risk-set matching: participants, controls offered and matches per period.
    """

    data: pd.DataFrame
    treatment: str
    covariates: list[str]
    weights: pd.Series
    subclass: pd.Series
    pairs: pd.DataFrame
    distance_: pd.Series | None
    flow: pd.DataFrame
    estimand: str = "ATT"
    meta: dict[str, Any] = field(default_factory=dict)
    flow_by_period: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    _title = "Matching"

    @property
    def matched_data(self) -> pd.DataFrame:
        keep = self.weights > 0
        out = self.data.loc[keep].copy()
        if self.distance_ is not None:
            out["distance"] = self.distance_[keep]
        out["weights"] = self.weights[keep]
        out["subclass"] = self.subclass[keep]
        return out

    def summary(self) -> pd.DataFrame:
        """Sample sizes as MatchIt prints them, with effective sample sizes."""
        t = self.data[self.treatment].to_numpy() == 1
        w = self.weights.to_numpy()
        rows = {
            "All": [int((~t).sum()), int(t.sum())],
            "Matched (ESS)": [round(effective_sample_size(w[~t]), 2),
                              round(effective_sample_size(w[t]), 2)],
            "Matched": [int((w[~t] > 0).sum()), int((w[t] > 0).sum())],
            "Unmatched": [int((w[~t] == 0).sum()), int((w[t] == 0).sum())],
        }
        return pd.DataFrame(rows, index=["Control", "Treated"]).T

    def _notes(self) -> list[str]:
        o = self.meta.get("options", {})
        return [f"Method: {o.get('method')}; distance: {o.get('distance')}; estimand "
                f"{self.estimand}; ratio {o.get('ratio')}; replace {o.get('replace')}; caliper "
                f"{o.get('caliper')} SD ({o.get('caliper_abs')} on the distance scale); "
                f"order {o.get('order')}; seed {self.meta.get('random_state')}.",
                *self.notes,
                "Estimates from this sample assume no unmeasured confounding given the "
                "matching covariates."]

    def _repr_html_(self) -> str:
        flow = self.flow.to_html(index=False, border=0)
        return super()._repr_html_() + f"<p><strong>Flow</strong></p>{flow}"

    def balance(self, covariates: list[str] | str | None = None, *,
                thresholds: dict | None = None, **kwargs):
        """Balance before and after matching (:func:`evaltools.balance_table`); by default
        of the matching covariates (a formula's terms if one was given)."""
        from ..balance import balance_table
        from .plots import check_result_balance_args

        check_result_balance_args(kwargs, "MatchResult")
        return balance_table(self.data, self.treatment, covariates or self.covariates,
                             weights=self.weights, estimand=self.estimand,
                             thresholds=thresholds)

    def plot(self, kind: str = "love", ax=None, **kwargs):
        """``kind="love"``: standardised differences before/after; ``"overlap"``: the
        distribution of the distance measure by group before and after matching."""
        from .plots import check_ax, overlap_plot

        check_option(kind, "kind", "MatchResult.plot", ["love", "overlap"])
        check_ax(ax, "MatchResult.plot")
        if kind == "love":
            return self.balance().plot(ax=ax, **kwargs)
        return overlap_plot(self, ax=ax, **kwargs)

    def _estimates(self) -> pd.DataFrame:
        raise no_estimates("MatchResult")


def no_estimates(owner: str) -> ParameterError:
    """tidy() and conf_int() of a result that holds no effect estimate."""
    return ParameterError(f"A {owner} holds no estimate with a standard error, so tidy() and "
                          "conf_int() do not apply. Fix: use .summary() for its table, or "
                          "et.estimate_att(result, outcome).tidy() for the effect.")
