"""Exact and coarsened exact matching: subclasses of identical (coarsened) covariates."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["exact_subclasses", "coarsen"]


def exact_subclasses(keys: pd.DataFrame, treated: np.ndarray) -> np.ndarray:
    """Subclass number for units whose key combination has both treated and controls;
    -1 for the rest."""
    code = keys.groupby(list(keys.columns), sort=True, dropna=False).ngroup().to_numpy()
    has_t = np.bincount(code, weights=treated, minlength=code.max() + 1) > 0
    has_c = np.bincount(code, weights=~treated, minlength=code.max() + 1) > 0
    usable = has_t & has_c
    renumber = np.cumsum(usable) - 1
    return np.where(usable[code], renumber[code], -1)


def coarsen(data: pd.DataFrame, covariates: list[str], cutpoints: dict | None) -> pd.DataFrame:
    """Bin numeric covariates (CEM). ``cutpoints[col]`` is a number of equal-width bins or
    a list of cut points; by default Sturges' rule (as R's cem). Binary and categorical
    covariates are kept as they are."""
    cutpoints = cutpoints or {}
    out = {}
    for col in covariates:
        x = data[col]
        numeric = pd.api.types.is_numeric_dtype(x) and x.nunique() > 2
        if not numeric and col not in cutpoints:
            out[col] = x
            continue
        bins = cutpoints.get(col, int(np.ceil(np.log2(len(x)) + 1)))
        if np.ndim(bins) == 0:
            lo, hi = float(x.min()), float(x.max())
            bins = np.linspace(lo, hi, int(bins) + 1)
        out[col] = pd.cut(x, np.unique(bins), include_lowest=True, labels=False)
    return pd.DataFrame(out, index=data.index)
