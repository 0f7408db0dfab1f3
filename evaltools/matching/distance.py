"""Distance measures: propensity scores, prognostic scores, Mahalanobis coordinates."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

from ..exceptions import ConvergenceWarning, SchemaError

__all__ = ["design_matrix", "propensity_score", "prognostic_score", "mahalanobis_coordinates"]


def design_matrix(data: pd.DataFrame, covariates: list[str]) -> pd.DataFrame:
    """Numeric design matrix: categorical covariates expanded to indicator columns
    (first level dropped), constant and duplicated columns reported."""
    x = pd.get_dummies(data[covariates], drop_first=True, dtype=float)
    x = x.astype(float)
    constant = [c for c in x.columns if x[c].nunique() <= 1]
    if constant:
        raise SchemaError(f"Covariate(s) {constant} are constant in the data, so they cannot "
                          "inform matching. Fix: remove them from covariates.")
    _, first = np.unique(x.to_numpy().T, axis=0, return_index=True)
    duplicated = np.setdiff1d(np.arange(x.shape[1]), first)
    if len(duplicated):
        raise SchemaError(f"Covariate(s) {list(x.columns[duplicated])} duplicate other "
                          "covariates exactly. Fix: keep one of each.")
    return x


def propensity_score(data: pd.DataFrame, treatment: str, covariates: list[str]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Unpenalised logistic regression of treatment on covariates (as R's glm(binomial)).

    Returns the probabilities and the linear predictor (logit).
    """
    x = sm.add_constant(design_matrix(data, covariates), has_constant="add")
    y = data[treatment].to_numpy(float)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit = sm.Logit(y, x).fit(disp=0, maxiter=200, method="newton")
    separated = any(issubclass(w.category, PerfectSeparationWarning) for w in caught)
    linear = np.asarray(x @ fit.params)
    p = 1 / (1 + np.exp(-linear))
    if separated or not fit.mle_retvals.get("converged", True) or (p.min() < 1e-8
                                                                   or p.max() > 1 - 1e-8):
        warnings.warn("The propensity model shows (quasi-)complete separation: some covariate "
                      "values occur only among treated or only among controls, so scores near "
                      "0 or 1 cannot be matched well. Consider coarser covariates, exact "
                      "matching on them, or dropping units without overlap.",
                      ConvergenceWarning, stacklevel=3)
    return p, linear


def prognostic_score(data: pd.DataFrame, treatment: str, covariates: list[str], outcome: str,
                     family: str = "poisson") -> np.ndarray:
    """Predicted outcome without treatment (Hansen 2008): a model fitted on controls only,
    Poisson for counts or Gaussian, predicting for everyone (linear predictor scale)."""
    x = sm.add_constant(design_matrix(data, covariates), has_constant="add")
    controls = data[treatment].to_numpy() == 0
    fam = sm.families.Poisson() if family == "poisson" else sm.families.Gaussian()
    fit = sm.GLM(data.loc[controls, outcome].to_numpy(float), x[controls], family=fam).fit()
    return np.asarray(x @ fit.params)


def mahalanobis_coordinates(data: pd.DataFrame, treatment: str, covariates: list[str]
                            ) -> np.ndarray:
    """Covariates rotated so Euclidean distance is the Mahalanobis distance, using the
    pooled within-group covariance matrix."""
    x = design_matrix(data, covariates).to_numpy()
    t = data[treatment].to_numpy() == 1
    centred = x - np.where(t[:, None], x[t].mean(axis=0), x[~t].mean(axis=0))
    pooled = centred.T @ centred / max(len(x) - 2, 1)
    chol = np.linalg.cholesky(np.atleast_2d(pooled))
    return np.linalg.solve(chol, x.T).T
