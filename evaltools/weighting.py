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
from .exceptions import ConvergenceWarning
from .matching.distance import design_matrix, propensity_score
from .matching.results import effective_sample_size
from .validation import check_binary, check_columns, check_number, check_option

__all__ = ["ipw", "entropy_balance", "WeightResult"]


@dataclass(repr=False)
class WeightResult(ResultMixin):
    """Weights for every row of the data, with balance and effective sample sizes.

    ``weighted_data`` is the data with a ``weights`` column, ready for
    :func:`evaltools.estimate_att` (use ``se="robust"``: there are no matched sets).
    """

    data: pd.DataFrame
    treatment: str
    covariates: list[str]
    weights: pd.Series
    estimand: str
    method: str
    meta: dict[str, Any] = field(default_factory=dict)
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
                f"{self.meta.get('options')}.",
                "Estimates assume no unmeasured confounding given the covariates."]

    def balance(self, **kwargs):
        from .balance import balance_table

        return balance_table(self.data, self.treatment, self.covariates, weights=self.weights,
                             estimand=self.estimand, **kwargs)


def ipw(data: pd.DataFrame, treatment: str, covariates: list[str], *, estimand: str = "ATT",
        stabilize: bool = False, trim: float | None = None) -> WeightResult:
    """Inverse-probability weights from an unpenalised logistic propensity model.

    ATT: treated 1, controls ``p / (1 - p)``; ATE: ``1 / p`` and ``1 / (1 - p)``.
    ``stabilize`` multiplies by the marginal probability of each group (ATE);
    ``trim`` caps weights at that quantile of each group's weights (e.g. 0.99).

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
    check_columns(data, [treatment, *covariates], "data")
    t = check_binary(data, treatment, "data").to_numpy() == 1
    p, _ = propensity_score(data, treatment, covariates)
    if estimand == "ATT":
        w = np.where(t, 1.0, p / (1 - p))
    else:
        w = np.where(t, 1 / p, 1 / (1 - p))
        if stabilize:
            w *= np.where(t, t.mean(), 1 - t.mean())
    if trim is not None:
        for group in (t, ~t):
            w[group] = np.minimum(w[group], np.quantile(w[group], trim))
    return WeightResult(data=data, treatment=treatment, covariates=covariates,
                        weights=pd.Series(w, index=data.index), estimand=estimand,
                        method="inverse probability weighting",
                        meta=run_meta(dict(estimand=estimand, stabilize=stabilize, trim=trim)))


def entropy_balance(data: pd.DataFrame, treatment: str, covariates: list[str], *,
                    moments: int = 1, tol: float = 1e-8) -> WeightResult:
    """Entropy balancing for the ATT (Hainmueller 2012, Political Analysis 20:25-46).

    Control weights as close as possible to uniform (minimum Kullback-Leibler divergence)
    such that the weighted control means of the covariates (and, with ``moments=2``, of
    their squares) equal the treated means exactly. Solved through the convex dual with
    Newton's method (scipy). Treated units keep weight 1; controls sum to their number.

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
    check_option(moments, "moments", "entropy_balance", [1, 2])
    check_columns(data, [treatment, *covariates], "data")
    t = check_binary(data, treatment, "data").to_numpy() == 1
    x = design_matrix(data, covariates).to_numpy()
    if moments == 2:
        x = np.column_stack([x, x**2])
    # Centre on the treated means and scale, so the dual is well conditioned.
    z = (x - x[t].mean(axis=0)) / x.std(axis=0)
    zc = z[~t]

    def dual(lam):
        a = zc @ lam
        shift = a.max()
        e = np.exp(a - shift)
        value = np.log(e.sum()) + shift
        q = e / e.sum()
        grad = zc.T @ q
        hess = (zc * q[:, None]).T @ zc - np.outer(grad, grad)
        return value, grad, hess

    res = optimize.minimize(lambda lam: dual(lam)[0], np.zeros(z.shape[1]),
                            jac=lambda lam: dual(lam)[1], hess=lambda lam: dual(lam)[2],
                            method="trust-exact", options={"gtol": tol})
    q = np.exp(zc @ res.x - (zc @ res.x).max())
    w = np.ones(len(data))
    w[~t] = q / q.sum() * (~t).sum()
    if np.abs(dual(res.x)[1]).max() > 1e-6:
        warnings.warn("Entropy balancing did not reach exact balance: the treated means may "
                      "lie outside what the controls can reproduce (poor overlap).",
                      ConvergenceWarning, stacklevel=2)
    return WeightResult(data=data, treatment=treatment, covariates=covariates,
                        weights=pd.Series(w, index=data.index), estimand="ATT",
                        method="entropy balancing",
                        meta=run_meta(dict(moments=moments, iterations=int(res.nit))))
