"""Treatment effects after matching or weighting.

``estimate_att`` takes a MatchResult, a WeightResult, or a DataFrame with weights (and
matched-set) columns and estimates the average effect on the treated: a weighted
difference in means, a regression adjusted for covariates, or a Poisson /
negative-binomial model with a person-time offset giving a rate ratio. Standard errors
are clustered on matched sets (as MatchIt's vignettes recommend), robust, M-estimation
sandwiches that account for estimated inverse-probability weights (as WeightIt's), or a
bootstrap that repeats the weighting in each draw.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ._shared import SingleEstimateMixin, run_meta
from ._shared.calls import checked_call
from .effects_fit import bootstrap_se, design, fit_model, mestimation_se
from .effects_inputs import SUBCLASS, WEIGHTS, read_sample
from .exceptions import DataWarning, EvaltoolsInputError, ParameterError
from .matching.checks import check_random_state, warn_ignored
from .matching.covariates import TREATED, dropped_note
from .validation import check_bool, check_number, check_option

__all__ = ["estimate_att", "EffectResult"]

MODELS = ["difference", "regression", "poisson", "negbin"]
_TITLES = {"ATT": "Average treatment effect on the treated (ATT)",
           "ATC": "Average treatment effect on the controls (ATC)",
           "ATE": "Average treatment effect (ATE)"}
SE_TYPES = ["cluster", "robust", "bootstrap", "m-estimation"]
_SE_WORDS = {
    "cluster": "clustered on matched sets (sandwich::vcovCL, as MatchIt's vignettes)",
    "robust": "heteroskedasticity-robust, weights treated as known (HC1 for linear, HC0 "
              "for count models)",
    "m-estimation": "robust, adjusted for estimation of the weights (M-estimation: "
                    "WeightIt's vcov = 'asympt', HC0)",
    "bootstrap": "bootstrap (matched sets or units resampled; IPW and entropy-balancing "
                 "weights re-estimated in each draw)",
}


@dataclass(repr=False)
class EffectResult(SingleEstimateMixin):
    """An effect estimate with its uncertainty.

    ``estimate`` is a difference (``method="difference"`` or ``"regression"``) or a rate
    ratio (``"poisson"``, ``"negbin"``); for ratios ``log_se`` is the standard error of the
    log (intervals and p-values are computed on the log scale) and ``se`` its delta-method
    value on the ratio scale. ``model`` is the fitted statsmodels result underneath (its own
    standard errors are the robust or clustered ones; see ``se_type``).
    """

    estimate: float
    se: float
    n_treated: int
    n_control: int
    outcome: str
    treatment: str
    method: str
    scale: str
    se_type: str
    log_se: float | None = None
    model: Any = None
    notes: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    estimand: str = "ATT"

    @property
    def _title(self) -> str:
        # The weights decide the population: an ATC matching or ATE weights estimate
        # those, whatever the function's name.
        return _TITLES.get(self.estimand, _TITLES["ATT"])

    def _estimates(self) -> pd.DataFrame:
        return pd.DataFrame({"term": [self.treatment], "estimate": [self.estimate],
                             "std_error": [self.se], "n": [self.n_treated + self.n_control],
                             "log_se": [np.nan if self.log_se is None else self.log_se]})

    def summary(self) -> pd.DataFrame:
        t = self.tidy().drop(columns=["term", "n"])
        t["n_treated"], t["n_control"] = self.n_treated, self.n_control
        return t.set_axis([f"{self.outcome} ({self.scale})"])

    def _notes(self) -> list[str]:
        return [f"Model: {self.method}; standard errors: {_SE_WORDS[self.se_type]}.",
                *self.notes,
                "Assumes no unmeasured confounding given the matching or weighting covariates "
                "(see et.sensitivity for how strong a confounder would have to be)."]


MAX_BOOT = 10_000  # draws; each refits the outcome (and weight) model


def _check_options(model, se, missing, progress, n_boot, random_state, names):
    weights, treatment = names["weights"], names["treatment"]
    check_option(model, "model", "estimate_att", MODELS)
    if se is not None:
        check_option(se, "se", "estimate_att", SE_TYPES)
    check_option(missing, "missing", "estimate_att", ["error", "drop"])
    check_bool(progress, "progress", "estimate_att")
    if n_boot is not None and isinstance(n_boot, (int, np.integer)) and n_boot > MAX_BOOT:
        raise ParameterError(
            f"The 'n_boot' parameter of estimate_att must be an int in [10, {MAX_BOOT}]. Got "
            f"{n_boot!r} instead: each draw refits the model, so this would run for days. "
            "Fix: 999 to 9999 draws are ample for a standard error.")
    if weights is None or treatment is None:
        raise ParameterError(f"The '{'weights' if weights is None else 'treatment'}' parameter "
                             "of estimate_att must be a column name (str). Got None instead. "
                             "Fix: for unweighted data add a column of ones, e.g. "
                             "data.assign(weights=1.0).")
    check_number(n_boot, "n_boot", "estimate_att", low=10, integer=True, allow_none=True)
    check_random_state(random_state, "estimate_att")
    for name, value in names.items():
        if value is not None and not isinstance(value, str):
            raise ParameterError(f"The '{name}' parameter of estimate_att must be a column name "
                                 f"(str){'' if name == 'outcome' else ' or None'}. Got "
                                 f"{value!r} instead.")
    if names["outcome"] is None:
        raise ParameterError("The 'outcome' parameter of estimate_att must be a column name "
                             "(str). Got None instead.")


def _check_combinations(model, covariates, exposure):
    """Options the model or standard error does not use: warned about, then dropped."""
    if covariates is not None and not isinstance(covariates, (str, list, tuple)):
        raise ParameterError(
            "The 'covariates' parameter of estimate_att must be a list of column names or a "
            f"formula string. Got a {type(covariates).__name__} instead. Fix: e.g. "
            "covariates=['age', 'x1'] (names, not the columns' values).")
    if model == "difference" and covariates is not None:
        warnings.warn("model='difference' ignores covariates; use model='regression' to "
                      "adjust for them.", DataWarning, stacklevel=3)
        covariates = None
    if model == "regression" and (covariates is None or len(covariates) == 0):
        warnings.warn("model='regression' was given no covariates, so it is the difference "
                      "in means (model='difference'). Fix: pass covariates=[...] to adjust.",
                      DataWarning, stacklevel=3)
        covariates = None
    if exposure is not None and model in ("difference", "regression"):
        warn_ignored("exposure", "estimate_att", f"model='{model}' compares outcome means; "
                     "use model='poisson' or 'negbin' for rates per person-time", stacklevel=4)
        exposure = None
    return covariates, exposure


MIN_CLUSTERS = 10  # below this a cluster-robust standard error is itself unreliable


def _check_clusters(groups, column) -> None:
    """One matched set cannot give a clustered standard error; a handful give a poor one."""
    if groups is None:
        return
    n = int(groups.max()) + 1 if len(groups) else 0
    if n < 2:
        raise EvaltoolsInputError(f"Cluster column '{column}' has {n} distinct value(s): a "
                                  "clustered standard error needs many clusters. Fix: name the "
                                  "matched-set column with cluster=, or use se='robust'.")
    if n < MIN_CLUSTERS:
        warnings.warn(f"Cluster column '{column}' has only {n} distinct values: clustered "
                      f"standard errors from fewer than {MIN_CLUSTERS} clusters are unreliable "
                      "(too narrow). Fix: se='bootstrap', or check the cluster column.",
                      DataWarning, stacklevel=3)


def _warn_zero_group(d, s, outcome, model) -> None:
    """A rate ratio with no events in one group is 0 or unbounded: said, not hidden."""
    if model not in ("poisson", "negbin"):
        return
    rows = d if s.observed is None else d[s.observed]
    t = rows[s.treatment].to_numpy() == 1
    y = rows[outcome].to_numpy(float)
    for group, name in ((t, "treated"), (~t, "control")):
        if group.any() and y[group].sum() == 0 and y[~group].sum() > 0:
            warnings.warn(f"Outcome '{outcome}' is zero for every {name} row: the rate ratio is "
                          f"{'0' if name == 'treated' else 'unbounded'} and its interval cannot "
                          "be trusted. Fix: report the counts, or use model='difference'.",
                          DataWarning, stacklevel=3)


def _resolve_se(se, s, model, cluster) -> str:
    """The default: M-estimation for IPW weights, matched sets for matches, else robust."""
    usable = s.propensity is not None and model != "negbin"
    if se is None:
        return "m-estimation" if usable else "cluster" if s.cluster else "robust"
    if se == "m-estimation" and not usable:
        why = ("model='negbin' (its dispersion is not part of the stacked equations)"
               if s.propensity is not None else "the weights do not come from "
               "et.weighting.ipw (untrimmed) or et.weighting.entropy_balance")
        raise ParameterError(f"se='m-estimation' of estimate_att needs estimated weights "
                             f"with their model, but {why}. Fix: use se='robust' or "
                             "se='bootstrap'.")
    if se == "cluster" and not s.cluster:
        col = "subclass" if s.source == "match" else cluster
        present = col in s.data.columns
        raise EvaltoolsInputError(
            f"se='cluster' needs a matched-set column, but '{col}' is "
            + (f"empty for {int(s.data[col].isna().sum())} rows (matching with replacement "
               "has no matched sets)" if present else "not in the data")
            + ". Fix: use se='robust', or name a cluster column with cluster=.")
    return se


@checked_call
def estimate_att(m_or_data, outcome: str, *, model: str = "difference",
                 covariates: list[str] | str | None = None, exposure: str | None = None,
                 se: str | None = None, n_boot: int | None = None,
                 random_state: int | None = None, treatment: str = TREATED,
                 weights: str = WEIGHTS, cluster: str | None = SUBCLASS, missing: str = "error",
                 progress: bool = True) -> EffectResult:
    """Average treatment effect on the treated in a matched (or weighted) sample.

    Parameters
    ----------
    m_or_data : MatchResult, WeightResult or DataFrame
        A matching or weighting result, or data with ``treatment`` and ``weights``
        columns (and ``cluster`` for matched sets).
    outcome : str
    model : {"difference", "regression", "poisson", "negbin"}
        Poisson and negative binomial give rate ratios, with ``log(exposure)`` as offset.
    covariates : list of str or formula str, optional
        Adjustment covariates (``"regression"``, ``"poisson"``, ``"negbin"``), e.g.
        ``"~ age + C(sex)"``. Constant or collinear ones are dropped with a note.
    exposure : str, optional
        Person-time column (e.g. years alive and registered in follow-up).
    se : {"cluster", "robust", "m-estimation", "bootstrap"}, optional
        Default: ``"m-estimation"`` for a WeightResult from :func:`evaltools.weighting.ipw`
        or :func:`~evaltools.weighting.entropy_balance` (the weight model's estimating
        equations stacked with the outcome model's, as WeightIt's
        ``glm_weightit(vcov = "asympt")``), ``"cluster"`` on matched sets when there are
        any, else ``"robust"`` (weights treated as known). ``"bootstrap"`` resamples
        matched sets (or units) ``n_boot`` times (default 999, at most 10000; a run
        projected beyond an hour after ten draws is stopped), re-estimating weights in
        each draw; draws without treated or without controls are left out and counted.
    treatment, weights, cluster : str
        Column names, for a DataFrame (a result knows its own; others given with a result
        are ignored with a warning). A ``cluster`` named explicitly must exist; the
        default ``"subclass"`` is used when present. One cluster is refused, fewer than
        ten warned about.
    missing : {"error", "drop"}
        Missing or infinite outcomes, weights, exposures or covariates raise an error, or
        are left out with a counted warning.

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
    >>> w = et.weighting.ipw(df, "treated", "~ x")
    >>> et.estimate_att(w, "y").se_type
    'm-estimation'
    """
    _check_options(model, se, missing, progress, n_boot, random_state,
                   {"outcome": outcome, "exposure": exposure, "cluster": cluster,
                    "weights": weights, "treatment": treatment})
    covariates, exposure = _check_combinations(model, covariates, exposure)
    s = read_sample(m_or_data, outcome, treatment=treatment, weights=weights, cluster=cluster,
                    covariates=covariates, exposure=exposure, model=model, missing=missing,
                    se=se)
    se = _resolve_se(se, s, model, cluster)
    if n_boot is not None and se != "bootstrap":
        warn_ignored("n_boot", "estimate_att", f"the standard errors are '{se}', not bootstrap")
    d = s.data
    groups = pd.factorize(d[s.cluster])[0] if s.cluster and se != "robust" else None
    _check_clusters(groups, s.cluster)
    _warn_zero_group(d, s, outcome, model)
    z, dropped = design(d, s.treatment, covariates)
    n_rows = int(len(d) if s.observed is None else s.observed.sum())
    if n_rows <= z.shape[1]:
        raise EvaltoolsInputError(
            f"estimate_att has {n_rows} analysed row(s) for {z.shape[1]} model parameters: no "
            "standard error can be computed. Fix: a larger sample, or fewer covariates.")
    fit = fit_model(z, d, outcome, s, model, exposure, groups,
                    "robust" if se in ("bootstrap", "m-estimation") else se)
    coef, coef_se = float(fit.params[s.treatment]), float(fit.bse[s.treatment])
    if se == "cluster" and model in ("poisson", "negbin"):
        # statsmodels scales clustered GLM covariances by G/(G-1) (N-1)/(N-K); R's
        # sandwich::vcovCL for glm uses G/(G-1) alone. Follow R.
        coef_se *= np.sqrt((fit.nobs - len(fit.params)) / (fit.nobs - 1))
    if se == "m-estimation":
        coef_se = mestimation_se(z, d, outcome, s, fit, model, exposure, groups)
    if se == "bootstrap":
        coef_se = bootstrap_se(z, d, outcome, s, model, exposure, groups, n_boot or 999,
                               random_state, progress)
    options = dict(model=model, se=se, n_boot=n_boot, covariates=covariates,
                   exposure=exposure, missing=missing, dropped_covariates=dropped or None)
    return _result(coef, coef_se, s, outcome, model, se, fit, dropped, options, random_state)


def _result(coef, coef_se, s, outcome, model, se, fit, dropped, options, random_state):
    t = s.data[s.treatment].to_numpy() == 1
    if s.observed is not None:
        t, c = t & s.observed, ~t & s.observed
    else:
        c = ~t
    ratio = model in ("poisson", "negbin")
    flow = pd.DataFrame(s.flow + [("treated analysed", int(t.sum())),
                                  ("controls analysed", int(c.sum()))], columns=["step", "n"])
    return EffectResult(
        estimate=float(np.exp(coef)) if ratio else coef,
        se=float(np.exp(coef) * coef_se) if ratio else coef_se,
        log_se=coef_se if ratio else None, n_treated=int(t.sum()), n_control=int(c.sum()),
        outcome=outcome, treatment=s.treatment, method=model,
        scale="rate ratio" if ratio else "difference", se_type=se, model=fit,
        estimand=s.estimand,
        notes=dropped_note(dropped, "adjustment covariate"),
        meta=run_meta(options, random_state=random_state, flow=flow))
