"""Exact and coarsened exact matching: subclasses of identical (coarsened) covariates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import ParameterError
from ..validation import check_number, check_option

__all__ = ["exact_subclasses", "coarsen", "check_cutpoints"]


def exact_subclasses(keys: pd.DataFrame, treated: np.ndarray) -> np.ndarray:
    """Subclass number for units whose key combination has both treated and controls;
    -1 for the rest."""
    code = keys.groupby(list(keys.columns), sort=True, dropna=False).ngroup().to_numpy()
    has_t = np.bincount(code, weights=treated, minlength=code.max() + 1) > 0
    has_c = np.bincount(code, weights=~treated, minlength=code.max() + 1) > 0
    usable = has_t & has_c
    renumber = np.cumsum(usable) - 1
    return np.where(usable[code], renumber[code], -1)


RULES = ["sturges", "scott", "fd"]
MAX_BINS = 10_000  # more bins than this is exact matching in all but name


def coarsen(data: pd.DataFrame, covariates: list[str], cutpoints: dict | None) -> pd.DataFrame:
    """Bin numeric covariates (CEM). ``cutpoints[col]`` is a number of equal-width bins, a
    list of cut points, or a rule ("sturges", "scott", "fd", as MatchIt's); by default
    Sturges' rule (as R's cem). Binary and categorical covariates are kept as they are.

    >>> df = pd.DataFrame({"age": [60.0, 65, 70, 75, 80]})
    >>> coarsen(df, ["age"], {"age": 2})["age"].tolist()
    [0, 0, 0, 1, 1]
    """
    cutpoints = check_cutpoints(data, covariates, cutpoints)
    out = {}
    for col in covariates:
        x = data[col]
        numeric = pd.api.types.is_numeric_dtype(x) and x.nunique() > 2
        if not numeric and col not in cutpoints:
            out[col] = x
            continue
        bins = cutpoints.get(col, "sturges")
        if isinstance(bins, str) or np.ndim(bins) == 0:
            edges = np.histogram_bin_edges(x.to_numpy(float), bins=bins)
        else:
            edges = np.unique(np.asarray(bins, float))
        out[col] = pd.cut(x, np.unique(edges), include_lowest=True, labels=False)
    return pd.DataFrame(out, index=data.index)


def check_cutpoints(data: pd.DataFrame, covariates: list[str], cutpoints: dict | None) -> dict:
    """Each key a numeric covariate; each value a bin count in [1, 10000], a rule name, or
    two or more finite cut points."""
    cutpoints = cutpoints or {}
    unknown = [k for k in cutpoints if k not in covariates]
    if unknown:
        raise ParameterError(f"The 'cutpoints' parameter of match names {unknown}, which are not "
                             f"matching covariates ({list(covariates)}). Fix: use the "
                             "covariates' names as keys.")
    for col, bins in cutpoints.items():
        if not pd.api.types.is_numeric_dtype(data[col]):
            raise ParameterError(f"cutpoints['{col}'] of match: column '{col}' is not numeric "
                                 f"({data[col].dtype}), so it cannot be binned. Fix: leave it "
                                 "out of cutpoints (text columns are matched exactly).")
        if isinstance(bins, str):
            check_option(bins, f"cutpoints['{col}']", "match", RULES)
        elif np.ndim(bins) == 0:
            check_number(bins, f"cutpoints['{col}']", "match", low=1, high=MAX_BINS,
                         integer=True)
        else:
            _check_cut_list(col, bins)
    return cutpoints


def _check_cut_list(col, bins) -> None:
    try:
        edges = np.asarray(bins, float)
    except (TypeError, ValueError):
        edges = np.array([np.nan])
    if edges.ndim != 1 or len(np.unique(edges)) < 2 or not np.isfinite(edges).all():
        raise ParameterError(f"The 'cutpoints' parameter of match must give '{col}' a number "
                             f"of bins, a rule ({', '.join(RULES)}) or at least two distinct "
                             f"finite cut points. Got {bins!r} instead.")
