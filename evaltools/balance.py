"""Covariate balance: standardised mean differences, variance ratios, eCDF statistics.

Conventions (MatchIt's ``summary()`` and cobalt's ``bal.tab``): the standardised mean
difference divides by a standard deviation computed once on the unweighted full sample,
so before and after are on the same scale: the treated SD for the ATT, the control SD for
the ATC, sqrt((var_t + var_c) / 2) for the ATE. Like MatchIt (and unlike cobalt's
default), binary covariates are standardised too, by sqrt(p(1 - p)). Weighted variances
use the unbiased weighted estimator. Categorical covariates are expanded to one row per level.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ._shared import ResultMixin, run_meta
from ._shared.calls import checked_call
from .exceptions import DataWarning, ParameterError
from .matching.checks import check_names
from .matching.covariates import TREATED, design, resolve_treatment, used_columns
from .matching.results import no_estimates
from .validation import (
    check_columns,
    check_finite,
    check_frame,
    check_number,
    check_option,
    check_plain_columns,
    check_treatment,
    check_unique_index,
    check_weights,
    examples,
)

__all__ = ["balance_table", "BalanceTable"]


def _wmean(x, w):
    return np.sum(w * x) / np.sum(w)


def _wvar(x, w):
    sw = w.sum()
    denom = sw - (w**2).sum() / sw
    return np.sum(w * (x - _wmean(x, w)) ** 2) / denom if denom > 0 else np.nan


def _ecdf_stats(xt, wt, xc, wc):
    values = np.unique(np.concatenate([xt, xc]))
    order_t, order_c = np.argsort(xt), np.argsort(xc)
    cum_t = np.cumsum(wt[order_t]) / wt.sum()
    cum_c = np.cumsum(wc[order_c]) / wc.sum()
    ft = np.concatenate([[0], cum_t])[np.searchsorted(xt[order_t], values, side="right")]
    fc = np.concatenate([[0], cum_c])[np.searchsorted(xc[order_c], values, side="right")]
    diff = np.abs(ft - fc)
    return diff.mean(), diff.max()


def _expand(data: pd.DataFrame, covariates) -> tuple[pd.DataFrame, dict[str, str]]:
    """One numeric column per row of the table: a formula's terms, or the listed columns
    with text/categorical ones expanded to one indicator per level (as cobalt shows them)."""
    if isinstance(covariates, str):
        x = design(data, covariates, func="balance_table")
        if x.shape[1] == 0:
            raise ParameterError(f"The 'covariates' formula {covariates!r} of balance_table has "
                                 "no terms to compare. Fix: name covariates, e.g. "
                                 "'treated ~ age + C(region)'.")
        kinds = {c: "binary" if set(np.unique(x[c])) <= {0.0, 1.0} else "continuous"
                 for c in x.columns}
        return x, kinds
    cols, kinds = {}, {}
    for c in covariates:
        x = data[c]
        if pd.api.types.is_bool_dtype(x) or (pd.api.types.is_numeric_dtype(x)
                                             and set(x.dropna().unique()) <= {0, 1}):
            cols[c], kinds[c] = x.astype(float), "binary"
        elif pd.api.types.is_numeric_dtype(x):
            cols[c], kinds[c] = x.astype(float), "continuous"
        else:
            for level in sorted(x.dropna().unique(), key=str):
                name = f"{c}_{level}"
                cols[name], kinds[name] = (x == level).astype(float), "binary"
    return pd.DataFrame(cols, index=data.index), kinds


def _weights(data: pd.DataFrame, weights) -> np.ndarray | None:
    """Weights from a column name, Series (aligned on the index) or array, checked."""
    if weights is None:
        return None
    if not isinstance(weights, (str, pd.Series, np.ndarray, list, tuple)):
        raise ParameterError("The 'weights' parameter of balance_table must be a column name, "
                             f"a Series or an array of numbers. Got {type(weights).__name__}.")
    if isinstance(weights, str):
        check_columns(data, [weights], "data")
        check_finite(data, [weights], "data", fix="give every row a finite weight (0 to "
                     "leave it out)")
        weights = data[weights]
    elif isinstance(weights, pd.Series) and not weights.index.equals(data.index):
        weights = weights.reindex(data.index)
    try:
        weights = np.asarray(weights, dtype="float64")
    except (TypeError, ValueError):
        raise ParameterError("The 'weights' parameter of balance_table must be numbers (an "
                             "array, Series or column name). Got values such as "
                             f"{examples(pd.unique(np.asarray(weights, object).ravel()))}."
                             ) from None
    weights = check_weights(weights, len(data), "weights", "balance_table")
    if weights.max() > 1e150:  # weighted sums of squares would overflow to inf
        raise ParameterError(
            "The 'weights' parameter of balance_table has weights as large as "
            f"{weights.max():g}; weighted variances would overflow. Fix: rescale them (e.g. "
            "divide by their mean): only their ratios matter.")
    return weights


def _check_groups(t: np.ndarray, w: np.ndarray | None, estimand: str, treatment: str) -> None:
    """Weights that leave out a whole group, or a group too small for its SD, are said."""
    if w is not None:
        for group, name in ((t, "treated"), (~t, "control")):
            if not w[group].any():
                raise ParameterError(
                    f"The 'weights' parameter of balance_table is zero for every {name} unit "
                    f"({int(group.sum())} rows), so there is no 'after' sample to compare. "
                    "Fix: check the weights (e.g. a matching that matched nobody).")
    small = [n for g, n in ((t, "treated"), (~t, "control"))
             if g.sum() < 2 and (estimand == "ATE" or n == {"ATT": "treated",
                                                           "ATC": "control"}[estimand])]
    if small:
        warnings.warn(f"Only one {small[0]} unit in '{treatment}': its standard deviation is "
                      f"undefined, so standardised differences for estimand={estimand!r} are "
                      "NaN.", DataWarning, stacklevel=3)


def _stats(x, t, w, sd, kind):
    xt, xc, wt, wc = x[t], x[~t], w[t], w[~t]
    if wt.sum() == 0 or wc.sum() == 0:
        return [np.nan] * 6
    mt, mc = _wmean(xt, wt), _wmean(xc, wc)
    vr = _wvar(xt, wt) / _wvar(xc, wc) if kind == "continuous" else np.nan
    if kind == "binary":  # both eCDF statistics are the difference in proportions
        ecdf_mean = ecdf_max = abs(mt - mc)
    else:
        ecdf_mean, ecdf_max = _ecdf_stats(xt, wt, xc, wc)
    smd = (mt - mc) / sd if sd > 0 else np.nan
    return [mt, mc, smd, vr, ecdf_mean, ecdf_max]


@checked_call
def balance_table(data: pd.DataFrame, treatment: str = TREATED, covariates=None,
                  weights: pd.Series | np.ndarray | str | None = None, estimand: str = "ATT",
                  *, thresholds: dict | None = None) -> BalanceTable:
    """Balance of covariates between treated and controls, before and (with weights) after.

    Parameters
    ----------
    treatment : str
        0/1 column (a formula's left-hand side names it too).
    covariates : list of str or formula str
        Columns (text columns get one row per level) or a formula such as
        ``"treated ~ age + I(age**2) + C(region)"``: one row per term.
    weights : Series, array or column name, optional
        Matching or weighting weights; without them only "before" is shown.
    estimand : {"ATT", "ATC", "ATE"}
        Chooses the SD that standardises mean differences (cobalt's ``s.d.denom``).
    thresholds : dict, optional
        ``{"smd": 0.1, "var_ratio": 2}`` by default: rows beyond them are flagged.

    Examples
    --------
    >>> import evaltools as et
    >>> df = pd.DataFrame({"treated": [1, 1, 0, 0, 0], "age": [80, 70, 60, 75, 65]})
    >>> bt = et.balance_table(df, "treated", ["age"])
    >>> round(float(bt.table.loc["age", "smd_before"]), 3)
    1.179
    >>> list(et.balance_table(df, covariates="treated ~ age + I(age**2)").table.index)
    ['age', 'I(age ** 2)']
    """
    check_option(estimand, "estimand", "balance_table", ["ATT", "ATC", "ATE"])
    treatment = resolve_treatment(treatment, covariates, "balance_table")
    if not isinstance(covariates, str):
        covariates = check_names(covariates, "covariates", "balance_table")
        if not covariates:
            raise ParameterError("The 'covariates' parameter of balance_table must be a "
                                 "non-empty list of columns or a formula. Got None instead.")
        design(data, covariates, func="balance_table")  # columns present, values finite
    check_frame(data, "data")
    check_unique_index(data, "data")
    if treatment in (used_columns(data, covariates) if isinstance(covariates, str)
                     else covariates):
        raise ParameterError(f"The 'covariates' parameter of balance_table includes the "
                             f"treatment column '{treatment}'. Fix: leave it out.")
    check_plain_columns(data, [treatment], "data")
    t = check_treatment(data, treatment, "data").to_numpy() == 1
    w_after = _weights(data, weights)
    _check_groups(t, w_after, estimand, treatment)
    x, kinds = _expand(data, covariates)
    thresholds = _check_thresholds(thresholds)
    rows = {}
    for col in x.columns:
        v = x[col].to_numpy()
        # Binary covariates use p(1 - p), continuous the n - 1 variance, as MatchIt.
        ddof = 0 if kinds[col] == "binary" else 1
        var_t, var_c = (np.var(g, ddof=ddof) if len(g) > ddof else np.nan
                        for g in (v[t], v[~t]))  # one unit: no SD (warned above)
        sd = {"ATT": np.sqrt(var_t), "ATC": np.sqrt(var_c),
              "ATE": np.sqrt((var_t + var_c) / 2)}[estimand]
        before = _stats(v, t, np.ones(len(v)), sd, kinds[col])
        after = _stats(v, t, w_after, sd, kinds[col]) if w_after is not None else [np.nan] * 6
        rows[col] = [kinds[col], *before, *after]
    names = ["mean_treated", "mean_control", "smd", "var_ratio", "ecdf_mean", "ecdf_max"]
    columns = ["type"] + [f"{n}_before" for n in names] + [f"{n}_after" for n in names]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    return BalanceTable(table=table, estimand=estimand, thresholds=thresholds,
                        weighted=w_after is not None,
                        meta=run_meta(dict(estimand=estimand, thresholds=thresholds)))


@dataclass(repr=False)
class BalanceTable(ResultMixin):
    """Balance statistics before and after; ``summary()`` adds the threshold flags."""

    table: pd.DataFrame
    estimand: str
    thresholds: dict
    weighted: bool
    meta: dict[str, Any] = field(default_factory=dict)
    _title = "Balance"

    def summary(self) -> pd.DataFrame:
        t = self.table.copy()
        stage = "after" if self.weighted else "before"
        smd, vr = t[f"smd_{stage}"].abs(), t[f"var_ratio_{stage}"]
        limit = self.thresholds["smd"]
        t[f"balanced_smd<{limit}"] = np.where(smd <= limit, "yes", "no")
        lo, hi = 1 / self.thresholds["var_ratio"], self.thresholds["var_ratio"]
        t["var_ratio_ok"] = np.where(vr.isna(), None, np.where(vr.between(lo, hi), "yes", "no"))
        keep = ["type"] + [c for c in t.columns if c.endswith(("_before", "_after"))
                           and not (c.endswith("_after") and not self.weighted)]
        return t[keep + [f"balanced_smd<{limit}", "var_ratio_ok"]]

    def _estimates(self) -> pd.DataFrame:
        raise no_estimates("BalanceTable")

    def _notes(self) -> list[str]:
        denom = {"ATT": "the treated group's SD", "ATC": "the control group's SD",
                 "ATE": "sqrt((var_treated + var_control) / 2)"}[self.estimand]
        stage = "after" if self.weighted else "before"
        worst = self.table[f"smd_{stage}"].abs().idxmax()
        return [f"Standardised mean differences divide by {denom} in the unweighted sample "
                "(binary covariates too, as MatchIt); variance ratios are for continuous "
                "covariates; eCDF statistics are weighted.",
                f"Largest |SMD| {stage}: {worst} "
                f"({self.table.loc[worst, f'smd_{stage}']:.3f})."]

    def plot(self, ax=None, **kwargs):
        """Love plot: absolute standardised differences before and after, with the
        threshold line. Returns the Axes."""
        from .matching.plots import check_ax, matplotlib_kwargs

        check_ax(ax, "BalanceTable.plot")
        t = self.table
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.35 * len(t) + 1.5))
        y = np.arange(len(t))
        with matplotlib_kwargs(kwargs, "scatter"):
            ax.scatter(t["smd_before"].abs(), y, label="before", marker="o", facecolors="none",
                       edgecolors="tab:red", **kwargs)
        if self.weighted:
            ax.scatter(t["smd_after"].abs(), y, label="after", marker="o", color="tab:blue",
                       **kwargs)
        ax.axvline(self.thresholds["smd"], color="grey", linestyle="--", linewidth=1)
        ax.set_yticks(y, t.index)
        ax.invert_yaxis()
        ax.set_xlabel("absolute standardised mean difference")
        ax.legend()
        return ax


def _check_thresholds(thresholds: dict | None) -> dict:
    """Balance flags: |SMD| above ``smd`` (> 0) and variance ratios outside
    [1/var_ratio, var_ratio] (var_ratio > 1)."""
    if thresholds is not None and not isinstance(thresholds, dict):
        raise ParameterError("The 'thresholds' parameter of balance_table must be a dict such "
                             f"as {{'smd': 0.1, 'var_ratio': 2}}. Got {thresholds!r} instead.")
    unknown = sorted(set(thresholds or {}) - {"smd", "var_ratio"})
    if unknown:
        raise ParameterError(f"The 'thresholds' parameter of balance_table has unknown key(s) "
                             f"{unknown}; use 'smd' and 'var_ratio'.")
    out = {"smd": 0.1, "var_ratio": 2.0, **(thresholds or {})}
    check_number(out["smd"], "thresholds['smd']", "balance_table", low=0, closed="neither")
    check_number(out["var_ratio"], "thresholds['var_ratio']", "balance_table", low=1,
                 closed="neither")
    for key in ("smd", "var_ratio"):
        if not np.isfinite(out[key]):  # an infinite threshold would flag nothing, ever
            raise ParameterError(f"The 'thresholds['{key}']' parameter of balance_table must be "
                                 f"finite. Got {out[key]!r} instead.")
    return out
