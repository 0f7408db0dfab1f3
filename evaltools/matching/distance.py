"""Distance measures: propensity scores, prognostic scores, Mahalanobis coordinates."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy.linalg import LinAlgWarning
from scipy.special import expit
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.linear_model import LogisticRegression

from ..exceptions import ConvergenceWarning, SchemaError

__all__ = ["design_matrix", "propensity_score", "prognostic_score", "mahalanobis_coordinates"]


def design_matrix(data: pd.DataFrame, covariates: list[str]) -> pd.DataFrame:
    """Numeric design matrix: categorical covariates expanded to indicator columns
    (first level dropped), constant and duplicated columns reported."""
    x = pd.get_dummies(data[covariates], drop_first=True, dtype=float).astype(float)
    values = x.to_numpy()
    constant = list(x.columns[np.ptp(values, axis=0) == 0]) if len(values) else []
    if constant:
        raise SchemaError(f"Covariate(s) {constant} are constant in the data, so they cannot "
                          "inform matching. Fix: remove them from covariates.")
    # Only columns with the same sum and sum of squares can be equal: compare those.
    signature = pd.DataFrame({"s": values.sum(axis=0), "q": (values**2).sum(axis=0)})
    duplicated = [x.columns[j] for group in signature.groupby(["s", "q"]).indices.values()
                  for j in group[1:] if any(np.array_equal(values[:, i], values[:, j])
                                            for i in group[:list(group).index(j)])]
    if duplicated:
        raise SchemaError(f"Covariate(s) {duplicated} duplicate other covariates exactly. "
                          "Fix: keep one of each.")
    return x


def propensity_score(data: pd.DataFrame, treatment: str, covariates: list[str]
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Unpenalised logistic regression of treatment on covariates (as R's glm(binomial)).

    Fitted by Newton's method with a Cholesky solve (scikit-learn's ``newton-cholesky``),
    which takes a second for a million rows. Returns the probabilities and the linear
    predictor (logit).
    """
    x = design_matrix(data, covariates).to_numpy()
    y = data[treatment].to_numpy()
    model = LogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-10, max_iter=200)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y)
    linear = model.decision_function(x)
    p = expit(linear)
    troubled = any(issubclass(w.category, (SklearnConvergenceWarning, LinAlgWarning))
                   for w in caught)
    if troubled or np.abs(linear).max() > 20:  # |logit| > 20: p within 2e-9 of 0 or 1
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
