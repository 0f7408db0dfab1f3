"""Weighting as an alternative to matching: inverse-probability weights and entropy
balancing (Hainmueller 2012)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from ._shared import ResultMixin, run_meta
from ._shared.calls import checked_call
from .exceptions import ConvergenceWarning, ParameterError
from .matching.checks import warn_ignored, warn_replaced_columns
from .matching.covariates import TREATED, dropped_note, model_design, resolve_treatment
from .matching.distance import fit_logistic
from .matching.results import effective_sample_size, no_estimates
from .validation import (
    check_bool,
    check_number,
    check_option,
    check_plain_columns,
    check_treatment,
    check_unique_index,
    drop_redundant,
)

__all__ = ["ipw", "entropy_balance", "WeightResult"]


@dataclass(repr=False)
class WeightResult(ResultMixin):
    """Weights for every row of the data, with balance and effective sample sizes.

    Pass the result itself to :func:`evaltools.estimate_att`: for inverse-probability weights
    its standard errors then account for the estimated propensity score (M-estimation).
    ``weighted_data`` is the data with a ``weights`` column.
    """

    data: pd.DataFrame
    treatment: str
    covariates: list[str] | str
    weights: pd.Series
    estimand: str
    method: str
    meta: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: The model behind the weights (kind "logistic" or "entropy", design with intercept,
    #: coefficients, options), for M-estimation standard errors; None after trimming.
    propensity: dict[str, Any] | None = None
    _title = "Weighting"

    @property
    def weighted_data(self) -> pd.DataFrame:
        return self.data.assign(weights=self.weights)

    def summary(self) -> pd.DataFrame:
        t = self.data[self.treatment].to_numpy() == 1
        w = self.weights.to_numpy()
        return pd.DataFrame({"n": [int((~t).sum()), int(t.sum())],
                             "effective n": [effective_sample_size(w[~t]),
                                             effective_sample_size(w[t])],
                             "max weight": [w[~t].max(), w[t].max()]},
                            index=["Control", "Treated"])

    def _notes(self) -> list[str]:
        return [f"Method: {self.method}; estimand {self.estimand}; options "
                f"{self.meta.get('options')}.", *self.notes,
                "Estimates assume no unmeasured confounding given the covariates."]

    def balance(self, covariates: list[str] | str | None = None, *,
                thresholds: dict | None = None, **kwargs):
        """Balance before and after weighting (:func:`evaltools.balance_table`); by default
        of the weighting covariates."""
        from .balance import balance_table
        from .matching.plots import check_result_balance_args

        check_result_balance_args(kwargs, "WeightResult")
        return balance_table(self.data, self.treatment, covariates or self.covariates,
                             weights=self.weights, estimand=self.estimand,
                             thresholds=thresholds)

    def _estimates(self) -> pd.DataFrame:
        raise no_estimates("WeightResult")


def _inputs(data, treatment, covariates, func):
    """Treatment (0/1, both groups) and a design matrix without redundant columns."""
    treatment = resolve_treatment(treatment, covariates, func)
    if covariates is None or (isinstance(covariates, str) and not covariates.strip()):
        raise ParameterError(f"The 'covariates' parameter of {func} must be a list of columns "
                             f"or a formula. Got {covariates!r} instead.")
    check_unique_index(data, "data")
    check_plain_columns(data, [treatment], "data")
    t = check_treatment(data, treatment, "data").to_numpy() == 1
    x, dropped = model_design(data, covariates, func=func)
    warn_replaced_columns(data, ["weights"], func, stacklevel=4)
    return treatment, t, x, dropped


@checked_call
def ipw(data: pd.DataFrame, treatment: str = TREATED, covariates: list[str] | str | None = None,
        *, estimand: str = "ATT", stabilize: bool = False,
        trim: float | None = None) -> WeightResult:
    """Inverse-probability weights from an unpenalised logistic propensity model.

    ATT: treated 1, controls ``p / (1 - p)``; ATE: ``1 / p`` and ``1 / (1 - p)``
    (WeightIt's ``method="glm"``). ``stabilize`` multiplies by the marginal probability of
    each group (ATE); ``trim`` caps weights at that quantile of each group's weights (e.g.
    0.99). ``covariates`` is a list of columns or a formula (``"treated ~ age + C(sex)"``).
    Untrimmed weights carry their propensity model, so :func:`evaltools.estimate_att`
    can account for its estimation (M-estimation, as WeightIt's ``glm_weightit``).

    Examples
    --------
    >>> import evaltools as et
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=500)})
    >>> df["treated"] = (rng.random(500) < 1 / (1 + np.exp(-df.x))).astype(int)
    >>> w = et.weighting.ipw(df, "treated", ["x"])
    >>> t = w.balance().table.loc["x"]
    >>> bool(abs(t.smd_after) < abs(t.smd_before))
    True
    """
    check_option(estimand, "estimand", "ipw", ["ATT", "ATE"])
    check_number(trim, "trim", "ipw", low=0.5, high=1, closed="right", allow_none=True)
    check_bool(stabilize, "stabilize", "ipw")
    if stabilize and estimand == "ATT":
        warn_ignored("stabilize", "ipw", "ATT weights (treated 1, controls p / (1 - p)) are "
                     "not stabilised; it applies to estimand='ATE'")
    treatment, t, x, dropped = _inputs(data, treatment, covariates, "ipw")
    p, _, coef = fit_logistic(x, t, func="ipw")
    if estimand == "ATT":
        w = np.where(t, 1.0, p / (1 - p))
    else:
        w = np.where(t, 1 / p, 1 / (1 - p))
        if stabilize:
            w *= np.where(t, t.mean(), 1 - t.mean())
    if trim is not None:
        for group in (t, ~t):
            w[group] = np.minimum(w[group], np.quantile(w[group], trim))
    propensity = None if trim is not None else dict(
        kind="logistic", x=np.column_stack([np.ones(len(x)), x.to_numpy(dtype=float)]),
        terms=["(Intercept)", *map(str, x.columns)], coef=coef, estimand=estimand,
        stabilize=bool(stabilize and estimand == "ATE"))
    return WeightResult(data=data, treatment=treatment, covariates=covariates,
                        weights=pd.Series(w, index=data.index), estimand=estimand,
                        method="inverse probability weighting",
                        notes=dropped_note(dropped, "covariate"), propensity=propensity,
                        meta=run_meta(dict(estimand=estimand, stabilize=stabilize, trim=trim,
                                           dropped_covariates=dropped or None)))


@checked_call
def entropy_balance(data: pd.DataFrame, treatment: str = TREATED,
                    covariates: list[str] | str | None = None, *, moments: int = 1,
                    tol: float = 1e-8) -> WeightResult:
    """Entropy balancing for the ATT (Hainmueller 2012, Political Analysis 20:25-46).

    Control weights as close as possible to uniform (minimum Kullback-Leibler divergence)
    such that the weighted control means of the covariates (and, with ``moments=2``, of
    their squares) equal the treated means exactly. ``covariates`` is a list of columns or
    a formula; constant or collinear terms are dropped with a note. Solved through the
    convex dual with Newton's method (scipy). Treated units keep weight 1; controls sum to
    their number. The result carries the solution, so :func:`evaltools.estimate_att` can
    account for the estimated weights (M-estimation, as WeightIt's ``method = "ebal"``).

    Examples
    --------
    >>> import evaltools as et
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"x": rng.normal(size=400)})
    >>> df["treated"] = (rng.random(400) < 1 / (1 + np.exp(-df.x))).astype(int)
    >>> eb = et.weighting.entropy_balance(df, "treated", ["x"])
    >>> bool(abs(eb.balance().table.loc["x", "smd_after"]) < 1e-6)
    True
    """
    if isinstance(moments, (bool, np.bool_)):  # True == 1 would pass the option check
        raise ParameterError(f"The 'moments' parameter of entropy_balance must be one of 1, 2. "
                             f"Got {moments!r} instead.")
    check_option(moments, "moments", "entropy_balance", [1, 2])
    check_number(tol, "tol", "entropy_balance", low=0, high=1e-3, closed="right")
    treatment, t, x, dropped = _inputs(data, treatment, covariates, "entropy_balance")
    if moments == 2:
        squares = (x**2).set_axis([f"({c})^2" for c in x.columns], axis=1)
        # A 0/1 covariate's square is itself: balancing it twice adds nothing.
        x = drop_redundant(pd.concat([x, squares], axis=1), warn=False)[0]
    w, coef, iterations, gap = entropy_weights(x.to_numpy(dtype=float), t, tol)
    if gap > max(1e-6, tol):
        _warn_imbalance(x, t, w)
    propensity = dict(kind="entropy", x=np.column_stack([np.ones(len(x)), x.to_numpy(float)]),
                      terms=["(Intercept)", *map(str, x.columns)], coef=coef, estimand="ATT",
                      stabilize=False, tol=tol)
    return WeightResult(data=data, treatment=treatment, covariates=covariates,
                        weights=pd.Series(w, index=data.index), estimand="ATT",
                        method="entropy balancing", notes=dropped_note(dropped, "covariate"),
                        propensity=propensity,
                        meta=run_meta(dict(moments=moments, iterations=iterations,
                                           dropped_covariates=dropped or None)))


def _warn_imbalance(x: pd.DataFrame, t: np.ndarray, w: np.ndarray) -> None:
    """Name the covariates left unbalanced, and those whose treated mean lies outside the
    controls' range (which no weighting of the controls can reach)."""
    v = x.to_numpy(float)
    gap = np.abs(v[t].mean(axis=0) - np.average(v[~t], axis=0, weights=w[~t])) / v.std(axis=0)
    names = [f"{c} ({g:.3g} SD)" for c, g in zip(x.columns, gap, strict=True) if g > 1e-4]
    outside = [str(c) for c, m, lo, hi in zip(x.columns, v[t].mean(axis=0), v[~t].min(axis=0),
                                             v[~t].max(axis=0), strict=True)
               if not lo <= m <= hi]
    where = (f"; the treated mean of {outside} lies outside the controls' range"
             if outside else "")
    warnings.warn(f"Entropy balancing did not reach exact balance on {names or 'all covariates'}"
                  f"{where} (poor overlap). Fix: drop or trim treated units the controls cannot "
                  "represent, or balance fewer moments.", ConvergenceWarning, stacklevel=3)


def entropy_weights(x: np.ndarray, t: np.ndarray, tol: float = 1e-8
                    ) -> tuple[np.ndarray, np.ndarray, int, float]:
    """Entropy-balancing ATT weights for design ``x`` (no intercept) and 0/1 ``t``.

    Returns the weights (treated 1, controls ``exp(gamma_0 + x'gamma)`` summing to the
    number of controls), the coefficients ``gamma`` (intercept first, on the scale of
    ``x``), the solver's iterations and the largest remaining imbalance (standardised).

    >>> x = np.array([[1.0], [2.0], [3.0], [2.5]])
    >>> w, coef, _, gap = entropy_weights(x, np.array([False, True, False, True]))
    >>> round(float(np.average(x[[0, 2], 0], weights=w[[0, 2]])), 6), gap < 1e-6
    (2.25, True)
    """
    t = np.asarray(t, bool)
    # Centre on the treated means and scale, so the dual is well conditioned.
    sd = x.std(axis=0)
    zc = ((x - x[t].mean(axis=0)) / sd)[~t]

    def dual(lam):
        a = zc @ lam
        shift = a.max()
        e = np.exp(a - shift)
        q = e / e.sum()
        grad = zc.T @ q
        hess = (zc * q[:, None]).T @ zc - np.outer(grad, grad)
        return np.log(e.sum()) + shift, grad, hess

    res = optimize.minimize(lambda lam: dual(lam)[0], np.zeros(zc.shape[1]),
                            jac=lambda lam: dual(lam)[1], hess=lambda lam: dual(lam)[2],
                            method="trust-exact", options={"gtol": tol})
    slope = res.x / sd
    linear = x[~t] @ slope
    intercept = np.log((~t).sum()) - (np.log(np.exp(linear - linear.max()).sum())
                                       + linear.max())
    w = np.ones(len(x))
    w[~t] = np.exp(intercept + linear)
    return w, np.r_[intercept, slope], int(res.nit), float(np.abs(dual(res.x)[1]).max())
