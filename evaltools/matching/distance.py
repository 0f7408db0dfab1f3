"""Distance measures: propensity scores, prognostic scores, Mahalanobis coordinates.

The model functions take a numeric design matrix (see :mod:`evaltools.matching.covariates`,
which drops constant and collinear columns first); :func:`propensity_score` is the
one-call version from data and covariates.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.linalg import LinAlgWarning
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.linear_model import LogisticRegression

from ..exceptions import ConvergenceWarning, EvaltoolsInputError
from ..validation import check_treatment, examples
from .covariates import model_design

__all__ = ["fit_logistic", "propensity_score", "prognostic_score", "mahalanobis_coordinates",
           "separated_columns"]


def separated_columns(x: pd.DataFrame, t: np.ndarray) -> list[str]:
    """Columns that on their own separate treated from controls (ranges that do not overlap,
    or an indicator whose 1s all fall in one group)."""
    values = x.to_numpy(dtype=float)
    lo_t, hi_t = values[t].min(axis=0), values[t].max(axis=0)
    lo_c, hi_c = values[~t].min(axis=0), values[~t].max(axis=0)
    apart = (hi_c < lo_t) | (hi_t < lo_c)
    indicator = np.isin(values, (0.0, 1.0)).all(axis=0)
    ones_t, ones_c = values[t].sum(axis=0), values[~t].sum(axis=0)
    lopsided = indicator & (((ones_t == 0) != (ones_c == 0))
                            | ((ones_t == t.sum()) != (ones_c == (~t).sum())))
    return [str(c) for c in x.columns[apart | lopsided]]


def fit_logistic(x: pd.DataFrame, t: np.ndarray, *, func: str = "match"
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unpenalised logistic regression of ``t`` on ``x`` (as R's ``glm(binomial)``).

    Fitted by Newton's method with a Cholesky solve (scikit-learn's ``newton-cholesky``),
    which takes a second for a million rows. Returns the probabilities, the linear predictor
    and the coefficients (intercept first). (Quasi-)complete separation gives a
    :class:`~evaltools.exceptions.ConvergenceWarning` naming the covariates involved.

    >>> x = pd.DataFrame({"age": [60.0, 70, 65, 80, 75, 72]})
    >>> p, linear, coef = fit_logistic(x, np.array([0, 0, 1, 1, 0, 1]) == 1)
    >>> coef.shape, bool(np.all((p > 0) & (p < 1)))
    ((2,), True)
    """
    t = np.asarray(t, bool)
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10, max_iter=200)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x.to_numpy(dtype=float), t.astype(int))
    linear = model.decision_function(x.to_numpy(dtype=float))
    coef = np.r_[model.intercept_, model.coef_.ravel()]
    troubled = any(issubclass(w.category, (SklearnConvergenceWarning, LinAlgWarning))
                   for w in caught)
    if troubled or np.abs(linear).max() > 20:  # |logit| > 20: p within 2e-9 of 0 or 1
        named = separated_columns(x, t)
        which = (f"covariate(s) {examples(named)} take values found only among treated or "
                 f"only among controls" if named else "a combination of covariates predicts "
                 "treatment almost perfectly")
        warnings.warn(
            f"The propensity model of {func} shows (quasi-)complete separation: {which}, so "
            f"{int((np.abs(linear) > 20).sum())} unit(s) have scores within 1e-9 of 0 or 1 and "
            "cannot be matched or weighted well. Consider coarser covariates, exact matching "
            "on them, or dropping units without overlap.", ConvergenceWarning, stacklevel=3)
    return expit(linear), linear, coef


def propensity_score(data: pd.DataFrame, treatment: str, covariates, *, func: str = "match"
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Propensity scores and their logits from data and covariates (list or formula).

    >>> df = pd.DataFrame({"x": [0.1, 0.5, 0.2, 0.9, 0.4, 0.7], "t": [0, 0, 1, 1, 0, 1]})
    >>> p, logit = propensity_score(df, "t", ["x"])
    >>> p.shape
    (6,)
    """
    t = check_treatment(data, treatment, "data").to_numpy() == 1
    x, _ = model_design(data, covariates, func=func, what="propensity covariate")
    p, linear, _ = fit_logistic(x, t, func=func)
    return p, linear


def prognostic_score(x: pd.DataFrame, controls: np.ndarray, y: np.ndarray,
                     family: str = "poisson") -> np.ndarray:
    """Predicted outcome without treatment (Hansen 2008): a model fitted on controls only,
    Poisson for counts or Gaussian, predicting for everyone (linear predictor scale)."""
    xc = sm.add_constant(x, has_constant="add")
    fam = sm.families.Poisson() if family == "poisson" else sm.families.Gaussian()
    try:
        fit = sm.GLM(y[controls], xc[controls], family=fam).fit()
    except (ValueError, np.linalg.LinAlgError) as err:
        raise EvaltoolsInputError(f"The prognostic model (outcome on covariates among "
                                  f"controls) could not be fitted: {err}. Fix: check that the "
                                  "outcome is a non-negative count for the Poisson model.") \
            from None
    return np.asarray(xc @ fit.params)


def mahalanobis_coordinates(x: pd.DataFrame, t: np.ndarray) -> np.ndarray:
    """Covariates rotated so Euclidean distance is the Mahalanobis distance, using the
    pooled within-group covariance matrix.

    Columns constant within both groups (no pooled variance) cannot enter; callers drop
    constant and collinear columns first.

    >>> x = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 1, 4, 3]})
    >>> mahalanobis_coordinates(x, np.array([1, 1, 0, 0]) == 1).shape
    (4, 2)
    """
    values = x.to_numpy(dtype=float)
    t = np.asarray(t, bool)
    centred = values - np.where(t[:, None], values[t].mean(axis=0), values[~t].mean(axis=0))
    pooled = centred.T @ centred / max(len(values) - 2, 1)
    try:
        chol = np.linalg.cholesky(np.atleast_2d(pooled))
    except np.linalg.LinAlgError:
        flat = [str(c) for c, v in zip(x.columns, np.diag(pooled), strict=True) if v <= 1e-12]
        raise EvaltoolsInputError(
            f"The Mahalanobis distance needs covariates that vary within the treated and "
            f"control groups; {examples(flat) if flat else 'some'} do not (their pooled "
            "within-group covariance is singular). Fix: match exactly on them (exact=) "
            "instead.") from None
    return np.linalg.solve(chol, values.T).T
