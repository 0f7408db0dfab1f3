"""Treatment effects after matching or weighting.

``estimate_att`` takes a MatchResult (or a DataFrame with weights and subclass columns)
and estimates the average effect on the treated: a weighted difference in means, a
regression adjusted for covariates, or a Poisson / negative-binomial model with a
person-time offset giving a rate ratio. Standard errors are clustered on matched sets by
default (as MatchIt's vignettes recommend), robust, or from a bootstrap over matched sets.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.tools.sm_exceptions import SpecificationWarning
from tqdm.auto import tqdm

from ._shared import ResultMixin, run_meta
from .exceptions import EvaltoolsInputError
from .validation import check_binary, check_columns, check_number, check_option

__all__ = ["estimate_att", "EffectResult"]

MODELS = ["difference", "regression", "poisson", "negbin"]
SE_TYPES = ["cluster", "robust", "bootstrap"]


@dataclass(repr=False)
class EffectResult(ResultMixin):
    """An effect estimate with its uncertainty.

    ``estimate`` is a difference (``model="difference"`` or ``"regression"``) or a rate
    ratio (``"poisson"``, ``"negbin"``); ``ci_low``/``ci_high`` are 95% limits.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n_treated: int
    n_control: int
    outcome: str
    model: str
    scale: str
    meta: dict[str, Any] = field(default_factory=dict)
    _title = "Average treatment effect on the treated"

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({
            "estimate": [self.estimate], "se": [self.se], "ci_low": [self.ci_low],
            "ci_high": [self.ci_high], "p_value": [self.p_value],
            "n_treated": [self.n_treated], "n_control": [self.n_control]},
            index=[f"{self.outcome} ({self.scale})"])

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence interval at ``level`` (normal approximation on the model's scale)."""
        z = stats.norm.ppf(0.5 + level / 2)
        if self.scale == "rate ratio":
            log_se = self.meta["log_se"]
            lo, hi = np.exp(np.log(self.estimate) + np.array([-z, z]) * log_se)
        else:
            lo, hi = self.estimate + np.array([-z, z]) * self.se
        return pd.DataFrame({"lower": [lo], "upper": [hi]}, index=[self.outcome])

    def _notes(self) -> list[str]:
        o = self.meta.get("options", {})
        return [f"Model: {self.model}; standard errors: {o.get('se')}"
                f"{' clustered on matched sets' if o.get('se') == 'cluster' else ''}.",
                "Assumes no unmeasured confounding given the matching covariates (see "
                "et.sensitivity for how strong a confounder would have to be)."]


def _frame(m_or_data, treatment, weights, subclass):
    if hasattr(m_or_data, "matched_data") and hasattr(m_or_data, "treatment"):
        return m_or_data.matched_data, m_or_data.treatment, "weights", "subclass"
    return m_or_data, treatment, weights, subclass


def _fit(d, outcome, treatment, weights, covariates, model, exposure, groups, se):
    x = pd.get_dummies(d[[treatment] + list(covariates or [])], drop_first=True, dtype=float)
    x = sm.add_constant(x.astype(float), has_constant="add")
    y, w = d[outcome].to_numpy(float), d[weights].to_numpy(float)
    cov = {"cov_type": "cluster", "cov_kwds": {"groups": groups}} if se == "cluster" else {
        "cov_type": "HC1" if model in ("difference", "regression") else "HC0"}
    if model in ("difference", "regression"):
        return sm.WLS(y, x, weights=w).fit(**cov)
    offset = np.log(d[exposure].to_numpy(float)) if exposure else None
    family = sm.families.Poisson()
    if model == "negbin":
        pois = sm.GLM(y, x, family=family, offset=offset, var_weights=w).fit()
        mu = pois.fittedvalues
        # Method-of-moments NB2 dispersion from the Poisson fit: E[(y-mu)^2 - y] = a mu^2.
        alpha = max(np.sum(w * ((y - mu) ** 2 - y)) / np.sum(w * mu**2), 1e-8)
        family = sm.families.NegativeBinomial(alpha=alpha)
    with warnings.catch_warnings():
        # Sandwich covariances with var_weights match R's glm(weights=) + sandwich
        # (tests/effects check this against R); statsmodels warns that it is not sure.
        warnings.simplefilter("ignore", SpecificationWarning)
        return sm.GLM(y, x, family=family, offset=offset, var_weights=w).fit(**cov)


def estimate_att(m_or_data, outcome: str, *, model: str = "difference",
                 covariates: list[str] | None = None, exposure: str | None = None,
                 se: str = "cluster", n_boot: int | None = None,
                 random_state: int | None = None, treatment: str = "treated",
                 weights: str = "weights", subclass: str = "subclass",
                 progress: bool = True) -> EffectResult:
    """Average treatment effect on the treated in a matched (or weighted) sample.

    Parameters
    ----------
    m_or_data : MatchResult or DataFrame
        A matching result, or data with ``treatment``, ``weights`` and ``subclass`` columns.
    outcome : str
    model : {"difference", "regression", "poisson", "negbin"}
        Poisson and negative binomial give rate ratios, with ``log(exposure)`` as offset.
    covariates : list of str, optional
        Adjustment covariates (``"regression"``, ``"poisson"``, ``"negbin"``).
    exposure : str, optional
        Person-time column (e.g. years alive and registered in follow-up).
    se : {"cluster", "robust", "bootstrap"}
        Clustered on ``subclass`` (matched sets), heteroskedasticity-robust, or a
        bootstrap resampling matched sets (``n_boot`` draws, default 999).

    Examples
    --------
    >>> import evaltools as et
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"x": rng.normal(size=400)})
    >>> df["treated"] = (rng.random(400) < 0.3).astype(int)
    >>> df["y"] = 1 + df.x + 2 * df.treated + rng.normal(size=400)
    >>> m = et.match(df, "treated", ["x"])
    >>> round(et.estimate_att(m, "y").estimate)
    2
    """
    check_option(model, "model", "estimate_att", MODELS)
    check_option(se, "se", "estimate_att", SE_TYPES)
    d, treatment, weights, subclass = _frame(m_or_data, treatment, weights, subclass)
    needed = [treatment, outcome, weights] + list(covariates or [])
    needed += [exposure] if exposure else []
    needed += [subclass] if se != "robust" else []
    check_columns(d, needed, "matched data")
    _check_values(d, outcome, weights, exposure, treatment)
    d = d[d[weights] > 0]
    if se != "robust" and d[subclass].isna().any():
        raise EvaltoolsInputError(
            f"Column '{subclass}' is empty for {int(d[subclass].isna().sum())} rows (matching "
            "with replacement has no matched sets). Fix: use se='robust', or give a cluster "
            "column as subclass=.")
    groups = pd.factorize(d[subclass])[0] if se != "robust" else None
    fit = _fit(d, outcome, treatment, weights, covariates, model, exposure, groups,
               "robust" if se == "bootstrap" else se)
    coef, coef_se = float(fit.params[treatment]), float(fit.bse[treatment])
    if se == "cluster" and model in ("poisson", "negbin"):
        # statsmodels scales clustered GLM covariances by G/(G-1) (N-1)/(N-K); R's
        # sandwich::vcovCL for glm uses G/(G-1) alone. Follow R.
        coef_se *= np.sqrt((fit.nobs - len(fit.params)) / (fit.nobs - 1))
    if se == "bootstrap":
        coef_se = _bootstrap_se(d, outcome, treatment, weights, covariates, model, exposure,
                                groups, n_boot or 999, random_state, progress)
    return _result(coef, coef_se, d, treatment, outcome, model, dict(
        model=model, se=se, n_boot=n_boot, covariates=covariates, exposure=exposure),
        random_state)


def _check_values(d, outcome, weights, exposure, treatment):
    check_binary(d, treatment, "matched data")
    if not pd.api.types.is_numeric_dtype(d[outcome]):
        raise EvaltoolsInputError(f"Outcome '{outcome}' must be numeric; it is "
                                  f"{d[outcome].dtype}.")
    if (d[weights] < 0).any():
        raise EvaltoolsInputError(f"Column '{weights}' has {int((d[weights] < 0).sum())} "
                                  "negative weight(s); weights must be >= 0.")
    if exposure is not None:
        bad = d[exposure].isna() | (d[exposure] <= 0)
        if bad.any():
            raise EvaltoolsInputError(
                f"Exposure column '{exposure}' has {int(bad.sum())} missing or non-positive "
                f"value(s), e.g. at rows {list(d.index[bad][:5])}. Fix: person-time must be "
                "positive; drop people with no time at risk and count them.")


def _bootstrap_se(d, outcome, treatment, weights, covariates, model, exposure, groups, n_boot,
                  random_state, progress):
    check_number(n_boot, "n_boot", "estimate_att", low=10, integer=True)
    rng = np.random.default_rng(random_state)
    members = pd.Series(np.arange(len(d))).groupby(groups).apply(np.array).tolist()
    draws = []
    for _ in tqdm(range(n_boot), desc="bootstrap", disable=not progress):
        pick = rng.integers(0, len(members), len(members))
        rows = np.concatenate([members[i] for i in pick])
        sample = d.iloc[rows]
        fit = _fit(sample, outcome, treatment, weights, covariates, model, exposure, None,
                   "robust")
        draws.append(float(fit.params[treatment]))
    return float(np.std(draws, ddof=1))


def _result(coef, coef_se, d, treatment, outcome, model, options, random_state):
    z = coef / coef_se if coef_se > 0 else np.nan
    p = float(2 * stats.norm.sf(abs(z)))
    t = d[treatment] == 1
    ratio = model in ("poisson", "negbin")
    lo, hi = coef - 1.96 * coef_se, coef + 1.96 * coef_se
    meta = run_meta(options, random_state=random_state)
    meta["log_se"] = coef_se if ratio else None
    return EffectResult(
        estimate=float(np.exp(coef)) if ratio else coef,
        se=float(np.exp(coef) * coef_se) if ratio else coef_se,
        ci_low=float(np.exp(lo)) if ratio else lo, ci_high=float(np.exp(hi)) if ratio else hi,
        p_value=p, n_treated=int(t.sum()), n_control=int((~t).sum()), outcome=outcome,
        model=model, scale="rate ratio" if ratio else "difference", meta=meta)
