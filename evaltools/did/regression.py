"""Regression difference-in-differences: the 2x2 estimate (statsmodels) and two-way fixed
effects (linearmodels' PanelOLS), with standard errors clustered on units."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm
from linearmodels.panel import PanelOLS
from linearmodels.panel.utility import AbsorbingEffectError

from .._shared import SingleEstimateMixin, covariate_matrix, run_meta
from .._shared.calls import checked_call
from ..exceptions import EvaltoolsWarning, SchemaError
from ..validation import check_option, drop_redundant, examples
from .checks import (
    check_binary_varies,
    check_cluster,
    check_exposure,
    check_panel,
    check_twfe_identified,
    check_unit_time,
    note_covariates,
)
from .options import (
    check_covariates_arg,
    check_outcome_varies,
    check_role_columns,
    check_roles,
)

__all__ = ["did_2x2", "twfe", "DiDResult", "fit_panel", "read_covariates"]

ASSUMPTION = "Assumes parallel trends between treated and comparison units."


@dataclass(repr=False)
class DiDResult(SingleEstimateMixin):
    """One difference-in-differences estimate with its clustered standard error.

    For ``scale="ratio of rate ratios"`` ``estimate`` is exp(coefficient), ``log_se`` the
    standard error of the coefficient (intervals and p-values are computed on the log
    scale) and ``se`` its delta-method standard error on the ratio scale. ``model`` is the
    fitted statsmodels or linearmodels result underneath.
    """

    estimate: float
    se: float
    n_obs: int
    scale: str = "difference"
    term: str = "ATT"
    log_se: float | None = None
    df: float | None = None
    model: Any = None
    notes: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    _title = "Difference-in-differences"

    def _estimates(self) -> pd.DataFrame:
        return pd.DataFrame({"term": [self.term], "estimate": [self.estimate],
                             "std_error": [self.se], "n": [self.n_obs],
                             "log_se": [np.nan if self.log_se is None else self.log_se],
                             "df": [np.inf if self.df is None else self.df]})

    def summary(self) -> pd.DataFrame:
        return self.tidy().drop(columns="term").set_axis([self.scale])

    def _notes(self) -> list[str]:
        return [*self.notes, ASSUMPTION]


def read_covariates(data: pd.DataFrame, covariates, outcome: str, func: str) -> pd.DataFrame:
    """Covariate columns from a list or a formula (``"~ age + C(region)"``)."""
    covariates = check_covariates_arg(covariates, func)
    x, lhs = covariate_matrix(data, covariates, func=func)
    if outcome in x.columns:
        raise SchemaError(f"The covariates of {func} include the outcome {outcome!r}: a "
                          "regression of the outcome on itself has no treatment effect to "
                          "estimate. Fix: leave the outcome out of covariates.")
    if lhs is not None and lhs != outcome:
        raise SchemaError(f"The covariates formula of {func} has {lhs!r} on the left of '~', "
                          f"but the outcome is {outcome!r}. Fix: write the covariates as "
                          "'~ x1 + x2' and pass the outcome as outcome=.")
    return x


def _design_2x2(d, treatment, post, covariates, outcome, func):
    tr = check_binary_varies(d, treatment, "treatment", func).astype(float)
    po = check_binary_varies(d, post, "post", func).astype(float)
    cells = pd.crosstab(tr, po).reindex(index=[0.0, 1.0], columns=[0.0, 1.0], fill_value=0)
    empty = [(g, p) for g in (0.0, 1.0) for p in (0.0, 1.0) if cells.loc[g, p] == 0]
    if empty:
        names = ", ".join(f"{'treated' if g else 'comparison'} rows in the "
                          f"{'post' if p else 'pre'}-period" for g, p in empty)
        raise SchemaError(f"The effect is not identified in {func}: there are no {names}. "
                          f"Fix: each of the four groups ('{treatment}' 0/1 by '{post}' 0/1) "
                          "needs rows.")
    x = pd.DataFrame({treatment: tr, post: po, f"{treatment}:{post}": tr * po}, index=d.index)
    if covariates is not None:
        x = pd.concat([x, read_covariates(d, covariates, outcome, func)], axis=1)
    # The treatment terms come first, so a covariate that repeats them is the one left out
    # (the four groups are non-empty, so the treatment terms themselves are never dropped).
    x, dropped = drop_redundant(x, warn=False)
    return sm.add_constant(x, has_constant="add"), note_covariates(dropped, func)


def _check_counts(d, outcome, treatment, post, func):
    y = d[outcome]
    if (y < 0).any():
        raise SchemaError(f"family='poisson' in {func} needs counts, but '{outcome}' has "
                          f"{int((y < 0).sum())} negative value(s), e.g. "
                          f"{examples(y[y < 0])}. Fix: use family='gaussian'.")
    totals = y.groupby([d[treatment], d[post]]).sum()
    if (totals == 0).any():
        cell = totals.index[(totals == 0).to_numpy()][0]
        raise SchemaError(f"family='poisson' in {func}: the group {treatment}={cell[0]}, "
                          f"{post}={cell[1]} has no events, so the ratio of rate ratios is 0 "
                          "or infinite. Fix: pool more periods or use family='gaussian'.")


def _check_duplicates(data, unit, func):
    """Exact repeats of a row of a panel (without ``unit``, two rows of a cross-section may
    be two people who share every value, so they are not checked)."""
    if unit is None:
        return
    dup = data.duplicated(keep="first")
    if dup.any():
        raise SchemaError(f"The data of {func} has {int(dup.sum())} duplicate row(s) that "
                          f"repeat another row in every column, at {unit} "
                          f"{examples(pd.unique(data.loc[dup, unit]))}. Fix: drop the "
                          "duplicates (data.drop_duplicates()).")


def _check_2x2(data, outcome, treatment, post, unit, cluster, family, exposure):
    func = "did_2x2"
    check_roles(func, {"outcome": outcome, "treatment": treatment, "post": post},
                {"unit": unit, "cluster": cluster, "exposure": exposure})
    check_option(family, "family", func, ["gaussian", "poisson"])
    check_role_columns(data, func, {"outcome": outcome, "treatment": treatment, "post": post,
                                    "unit": unit, "cluster": cluster, "exposure": exposure})
    check_panel(data, func, numeric=[outcome, exposure], other=[treatment, post, unit, cluster],
                unit=unit)
    if exposure is not None and family == "gaussian":
        warnings.warn("did_2x2 ignores 'exposure' with family='gaussian'; it is the offset of "
                      "family='poisson'.", EvaltoolsWarning, stacklevel=3)
    check_outcome_varies(data, outcome, func, rates=family == "poisson" and exposure is not None,
                         magnitude=family != "poisson")
    check_cluster(data, cluster, unit, func)
    _check_duplicates(data, unit, func)
    if unit is not None:
        varying = data.groupby(unit, sort=False)[treatment].nunique() > 1
        if varying.any():
            raise SchemaError(
                f"'{treatment}' varies within {int(varying.sum())} unit(s) in {func}, e.g. "
                f"{unit} {examples(varying.index[varying])}. It must mark the treated group "
                f"(1 in every period of a treated unit); '{post}' marks the periods. Fix: pass "
                "the group indicator, or use twfe for a treated-period indicator.")


def _fit_poisson(y, design, offset, cov, outcome, exposure, func):
    """statsmodels' Poisson GLM; values too large to fit are refused with the columns."""
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            fit = sm.GLM(y, design, family=sm.families.Poisson(), offset=offset).fit(**cov)
    except (ValueError, np.linalg.LinAlgError) as err:
        raise SchemaError(f"The Poisson model of {func} could not be fitted ({err}). Fix: check "
                          f"the outcome '{outcome}' (counts) and the exposure "
                          f"'{exposure}' (person-time) for implausibly large values "
                          f"(largest: {np.max(y):g} events).") from None
    return fit


@checked_call
def did_2x2(data: pd.DataFrame, *, outcome: str, treatment: str, post: str,
            unit: str | None = None, cluster: str | None = None, covariates=None,
            family: str = "gaussian", exposure: str | None = None) -> DiDResult:
    """The classic 2x2 estimate: regression of the outcome on treatment, post and their
    interaction (the coefficient of ``treatment:post``).

    ``treatment`` marks the treated group (constant within a unit) and ``post`` the periods
    after the start. ``covariates`` is a list of columns or a formula (``"~ age +
    C(region)"``); constant or collinear ones are left out with a note. Standard errors are
    clustered on ``cluster`` (or ``unit``; HC1 if neither), with statsmodels' small-sample
    factor G/(G-1)(n-1)/(n-k), as R's ``sandwich::vcovCL(fit, cluster = ~unit)`` (type
    "HC1"). ``family="poisson"`` fits a Poisson model with ``log(exposure)`` as offset and
    reports the ratio of rate ratios (R: ``glm(family = poisson, offset = log(exposure))``).

    R names: ``outcome``, ``treatment``, ``post`` and ``covariates`` are the terms of the
    ``lm``/``glm`` formula ``outcome ~ treatment * post + covariates``; ``cluster`` (or
    ``unit``) is ``vcovCL(cluster = ~cluster)``; ``exposure`` is ``offset = log(exposure)``.

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1, 2, 1, 4, 1, 2, 1, 4], "t": [0, 0, 1, 1] * 2,
    ...                    "p": [0, 1, 0, 1] * 2})
    >>> round(did_2x2(df, outcome="y", treatment="t", post="p").estimate, 6)
    2.0
    """
    func = "did_2x2"
    _check_2x2(data, outcome, treatment, post, unit, cluster, family, exposure)
    design, notes = _design_2x2(data, treatment, post, covariates, outcome, func)
    group = cluster or unit
    cov = ({"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(data[group])[0]}}
           if group else {"cov_type": "HC1"})
    term = f"{treatment}:{post}"
    meta = run_meta(dict(outcome=outcome, treatment=treatment, post=post, family=family,
                         cluster=group, covariates=covariates, exposure=exposure))
    y = data[outcome].to_numpy(float)
    if family == "poisson":
        _check_counts(data, outcome, treatment, post, func)
        check_exposure(data, exposure, unit, func)
        offset = np.log(data[exposure].to_numpy(float)) if exposure else None
        fit = _fit_poisson(y, design, offset, cov, outcome, exposure, func)
        b, se = float(fit.params[term]), float(fit.bse[term])
        return DiDResult(float(np.exp(b)), float(np.exp(b) * se), len(data),
                         "ratio of rate ratios", term=term, log_se=se, model=fit, notes=notes,
                         meta=meta)
    fit = sm.OLS(y, design).fit(**cov)
    return DiDResult(float(fit.params[term]), float(fit.bse[term]), len(data), term=term,
                     model=fit, notes=notes, meta=meta)


def fit_panel(y: pd.Series, x: pd.DataFrame, clusters: pd.Series | None, func: str,
              hint: str = "check that there are comparison units and that treatment timing "
                          "varies"):
    """PanelOLS with unit and period effects, clustered on units (or ``clusters``).

    The covariance is the cluster sandwich times G/(G-1)(n-1)/(n-k), k the number of
    regressors (the fixed effects are not counted), with t(df_resid) inference: fixest's
    ``ssc(adj = TRUE, fixef.K = "none", cluster.adj = TRUE)``; equal to R's
    ``sandwich::vcovCL(type = "HC0", cadjust = TRUE)`` times (n-1)/(n-k).
    """
    options = dict(cov_type="clustered", debiased=True, auto_df=False, count_effects=False,
                   group_debias=True)
    if clusters is None:
        options["cluster_entity"] = True
    else:
        options["clusters"] = pd.DataFrame({"cluster": pd.factorize(clusters)[0]},
                                           index=y.index)
    try:
        return PanelOLS(y, x, entity_effects=True, time_effects=True).fit(**options)
    except (AbsorbingEffectError, ValueError, np.linalg.LinAlgError):
        raise SchemaError(f"The regression of {func} is not identified: the unit and period "
                          "effects absorb a regressor or the regressors are collinear. "
                          f"Fix: {hint}.") from None


@checked_call
def twfe(data: pd.DataFrame, *, outcome: str, unit: str, time: str, treatment: str,
         cluster: str | None = None) -> DiDResult:
    """Two-way fixed effects: outcome on the treatment indicator with unit and period
    effects (linearmodels' PanelOLS), standard errors clustered on units (or ``cluster``).

    ``treatment`` is 1 in the periods a unit is treated. R equivalent:
    ``fixest::feols(outcome ~ treatment | unit + time, cluster = ~cluster)`` (see
    :func:`fit_panel` for the small-sample factor), or ``plm(outcome ~ treatment, index =
    c(unit, time), effect = "twoways")``: ``unit`` and ``time`` are plm's ``index`` and
    fixest's fixed effects, ``cluster`` fixest's ``cluster``. ``.model`` is the PanelOLS
    result.

    Examples
    --------
    >>> import evaltools as et
    >>> panel, _ = et.datasets.area_rollout(n_areas=40, random_state=1)
    >>> res = et.did.twfe(panel, outcome="rate_per_1000", unit="area", time="year",
    ...                   treatment="treated")
    >>> res.estimate < 0
    True
    """
    func = "twfe"
    check_roles(func, {"outcome": outcome, "unit": unit, "time": time, "treatment": treatment},
                {"cluster": cluster})
    check_role_columns(data, func, {"outcome": outcome, "unit": unit, "time": time,
                                    "treatment": treatment, "cluster": cluster})
    check_panel(data, func, numeric=[outcome], other=[unit, time, treatment, cluster], unit=unit)
    check_unit_time(data, unit, time, func)
    check_outcome_varies(data, outcome, func)
    check_binary_varies(data, treatment, "treatment", func)
    check_twfe_identified(data, unit, time, treatment, func)
    check_cluster(data, cluster, unit, func)
    d = data.set_index([unit, time])
    fit = fit_panel(d[outcome].astype(float), d[[treatment]].astype(float),
                    pd.Series(data[cluster].to_numpy(), index=d.index) if cluster else None,
                    func)
    return DiDResult(float(fit.params[treatment]), float(fit.std_errors[treatment]),
                     int(fit.nobs), term=treatment, df=float(fit.df_resid), model=fit,
                     meta=run_meta(dict(estimator="two-way fixed effects", outcome=outcome,
                                        unit=unit, time=time, treatment=treatment,
                                        cluster=cluster or unit)))
