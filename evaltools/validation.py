"""Input and parameter checks shared by every module.

Parameter messages follow one shape (as scikit-learn's):
``The 'caliper' parameter of match must be a float in (0, inf). Got -1 instead.``
Table messages name the column, count the offending rows, show a few example ids and
say what to do.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import DataWarning, ParameterError, SchemaError

__all__ = [
    "check_bool",
    "check_finite",
    "check_treatment",
    "check_weights",
    "check_frame",
    "check_unique_index",
    "drop_redundant",
    "check_option",
    "check_number",
    "check_columns",
    "check_unique",
    "check_no_missing",
    "check_binary",
    "examples",
]


def examples(values: Iterable[Any], k: int = 5) -> str:
    """A short, readable list of up to ``k`` example values."""
    values = list(values)
    shown = ", ".join(repr(v.item() if hasattr(v, "item") else v) for v in values[:k])
    more = f" and {len(values) - k} more" if len(values) > k else ""
    return f"[{shown}{more}]"


def check_option(value: Any, name: str, func: str, allowed: Sequence[Any]) -> Any:
    """Check that ``value`` is one of ``allowed``.

    >>> check_option("nearest", "method", "match", ["nearest", "optimal"])
    'nearest'
    """
    if value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ParameterError(
            f"The '{name}' parameter of {func} must be one of {options}. Got {value!r} instead."
        )
    return value


def check_number(
    value: Any,
    name: str,
    func: str,
    *,
    low: float | None = None,
    high: float | None = None,
    closed: str = "both",
    integer: bool = False,
    allow_none: bool = False,
) -> Any:
    """Check a number against an interval; ``closed`` is 'both', 'left', 'right' or 'neither'.

    >>> check_number(0.2, "caliper", "match", low=0, closed="neither")
    0.2
    """
    if value is None and allow_none:
        return value
    kind = "an int" if integer else "a float"
    lo = "-inf" if low is None else low
    hi = "inf" if high is None else high
    left = "[" if closed in ("both", "left") and low is not None else "("
    right = "]" if closed in ("both", "right") and high is not None else ")"
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if ok and integer:
        ok = float(value).is_integer()
    if ok:
        v = float(value)
        ok = not np.isnan(v)
        if ok and low is not None:
            ok = v >= low if left == "[" else v > low
        if ok and high is not None:
            ok = v <= high if right == "]" else v < high
    if not ok:
        none = " or None" if allow_none else ""
        raise ParameterError(
            f"The '{name}' parameter of {func} must be {kind} in {left}{lo}, {hi}{right}{none}. "
            f"Got {value!r} instead."
        )
    return value


def check_columns(df: pd.DataFrame, columns: Iterable[str], table: str, *, fix: str = "") -> None:
    """Raise a :class:`SchemaError` naming every required column missing from ``df``."""
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"The {table} table must be a pandas DataFrame. Got {type(df).__name__}.")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        have = examples(list(df.columns), k=12)
        hint = fix or "rename your columns or pass the matching *_col argument"
        raise SchemaError(
            f"The {table} table has no column {examples(missing)}; it has {have}. Fix: {hint}."
        )


def check_unique(df: pd.DataFrame, column: str, table: str) -> None:
    """Raise if ``column`` has duplicate values, naming how many and which."""
    dup = df[column].duplicated(keep=False)
    if dup.any():
        ids = pd.unique(df.loc[dup, column])
        raise SchemaError(
            f"Column '{column}' of the {table} table must be unique, but {len(ids)} value(s) "
            f"appear more than once ({int(dup.sum())} rows), e.g. {examples(ids)}. "
            f"Fix: keep one row per {column}."
        )


def check_no_missing(
    df: pd.DataFrame, columns: Iterable[str], table: str, *, id_col: str | None = None, fix: str = ""
) -> None:
    """Raise if any of ``columns`` has missing values, naming the rows (by ``id_col`` if given)."""
    for col in columns:
        bad = df[col].isna().to_numpy()
        if bad.any():
            where = df.loc[bad, id_col] if id_col else df.index[bad]
            label = f"{id_col} " if id_col else "row index "
            hint = fix or "fill or drop these rows before calling, and count them in your flow"
            raise SchemaError(
                f"Column '{col}' of the {table} table has {int(bad.sum())} missing value(s), "
                f"at {label}{examples(where)}. Fix: {hint}."
            )


def check_binary(df: pd.DataFrame, column: str, table: str) -> pd.Series:
    """Check a 0/1 (or boolean) column and return it as int8."""
    s = df[column]
    values = pd.unique(s.dropna())
    if s.isna().any() or not set(np.asarray(values).tolist()) <= {0, 1}:
        odd = [v for v in values if v not in (0, 1)]
        n_missing = int(s.isna().sum())
        raise SchemaError(
            f"Column '{column}' of the {table} table must be 0/1; found values {examples(odd)} "
            f"and {n_missing} missing. Fix: recode it as 1 = treated, 0 = control."
        )
    return s.astype("int8")


# --- values that must be finite, treatment columns, weights, option types -------------------

def check_bool(value: Any, name: str, func: str) -> bool:
    """Check a True/False option; strings such as ``"no"`` or ``"False"`` are refused.

    >>> check_bool(True, "replace", "match")
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterError(
            f"The '{name}' parameter of {func} must be True or False. Got {value!r} "
            f"({type(value).__name__}) instead.")
    return bool(value)


def check_finite(df: pd.DataFrame, columns: Iterable[str], table: str, *,
                 id_col: str | None = None, fix: str = "") -> None:
    """Raise unless every column is numeric with no missing or infinite value.

    ``inf`` is treated like a missing value: both are named, counted and located.

    >>> check_finite(pd.DataFrame({"age": [70.0, 81.0]}), ["age"], "data")
    """
    for col in columns:
        s = df[col]
        if not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
            # Distinct by their text: values such as lists cannot be hashed.
            odd = list({repr(v): v for v in s.dropna().iloc[:100]}.values())[:5]
            raise SchemaError(
                f"Column '{col}' of the {table} table must be numeric; it has dtype "
                f"{s.dtype} with values such as {examples(odd)}. Fix: convert it to numbers"
                f", or use C({col}) in a formula for a categorical variable.")
        values = s.to_numpy(dtype="float64", na_value=np.nan)
        missing, infinite = np.isnan(values), np.isinf(values)
        bad = missing | infinite
        if bad.any():
            where = df.loc[bad, id_col] if id_col else df.index[bad]
            label = f"{id_col} " if id_col else "row index "
            hint = fix or "fill or drop these rows before calling, and count them in your flow"
            raise SchemaError(
                f"Column '{col}' of the {table} table has {int(missing.sum())} missing and "
                f"{int(infinite.sum())} infinite value(s), at {label}{examples(where)}. "
                f"Fix: {hint}.")


def check_treatment(df: pd.DataFrame, column: str, table: str) -> pd.Series:
    """Check a 0/1 treatment column that has both treated and control rows.

    >>> check_treatment(pd.DataFrame({"treated": [0, 1, 1]}), "treated", "data").tolist()
    [0, 1, 1]
    """
    check_columns(df, [column], table)
    s = check_binary(df, column, table)
    n_treated = int(s.sum())
    if n_treated == 0 or n_treated == len(s):
        only = "treated (1)" if n_treated else "control (0)"
        raise SchemaError(
            f"Column '{column}' of the {table} table must have both treated (1) and control "
            f"(0) rows, but all {len(s)} rows are {only}. Fix: include the comparison group, "
            f"or check that '{column}' is the treatment column.")
    return s


def check_weights(weights: Any, n: int, name: str, func: str) -> np.ndarray:
    """Check a weight vector: length ``n``, finite, non-negative and not all zero."""
    w = np.asarray(weights, dtype="float64")
    if w.shape != (n,):
        raise ParameterError(
            f"The '{name}' parameter of {func} must have one weight per row ({n}). "
            f"Got shape {w.shape} instead.")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise ParameterError(
            f"The '{name}' parameter of {func} must be finite and non-negative; "
            f"{int(bad.sum())} weight(s) are not, at positions {examples(np.flatnonzero(bad))} "
            f"(values {examples(w[bad])}). Fix: drop those rows or correct the weights.")
    if not w.any():
        raise ParameterError(
            f"The '{name}' parameter of {func} is zero for every row. Fix: check the weights.")
    return w


def check_frame(df: Any, table: str, *, allow_empty: bool = False) -> None:
    """Refuse anything but a pandas DataFrame, and (unless allowed) one with no rows.

    >>> check_frame(pd.DataFrame({"x": [1]}), "data")
    """
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"The {table} table must be a pandas DataFrame. Got "
                          f"{type(df).__name__}. Fix: pass e.g. pd.read_csv(...) or "
                          f"pd.DataFrame(...).")
    if not allow_empty and len(df) == 0:
        raise SchemaError(f"The {table} table has no rows (it is empty). Fix: check the "
                          "filters that produced it.")


def check_unique_index(df: pd.DataFrame, table: str) -> None:
    """Refuse a non-DataFrame, and a DataFrame whose index repeats labels (rows could not
    be told apart)."""
    check_frame(df, table, allow_empty=True)
    if not df.index.is_unique:
        dup = pd.unique(df.index[df.index.duplicated()])
        raise SchemaError(
            f"The index of the {table} table repeats {len(dup)} label(s), e.g. {examples(dup)}. "
            "Fix: call .reset_index(drop=True) first.")


def drop_redundant(x: pd.DataFrame, *, what: str = "covariate", tol: float = 1e-9,
                   warn: bool = True) -> tuple[pd.DataFrame, dict[str, str]]:
    """Drop constant columns and columns that are linear combinations of earlier ones.

    Returns the kept columns and ``{column: reason}`` for each dropped one, for the result's
    notes (and a :class:`DataWarning` unless ``warn=False``). Collinearity is found by a pivoted QR decomposition of the centred, scaled columns,
    keeping the earlier of two collinear columns (as R's ``lm`` reports NA for the later one).

    >>> x = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 4, 6, 8], "c": [1.0, 1, 1, 1]})
    >>> kept, dropped = drop_redundant(x, warn=False)
    >>> list(kept), dropped
    (['a'], {'b': 'collinear with a', 'c': 'constant (1)'})
    """
    values = x.to_numpy(dtype="float64")
    scale = np.maximum(1.0, np.abs(values).max(axis=0)) if len(values) else np.ones(x.shape[1])
    sd = values.std(axis=0)
    z = (values - values.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    dropped: dict[str, str] = {}
    kept: list[int] = []
    for j, name in enumerate(map(str, x.columns)):
        if sd[j] <= tol * scale[j]:
            dropped[name] = f"constant ({values[0, j]:g})" if len(values) else "no rows"
            continue
        # Few covariates: regress each on the ones kept so far; no residual = collinear.
        if kept:
            coef, *_ = np.linalg.lstsq(z[:, kept], z[:, j], rcond=None)
            residual = z[:, j] - z[:, kept] @ coef
            if residual @ residual <= 1e-10 * len(z):
                partners = [str(x.columns[k]) for k, c in zip(kept, coef, strict=True)
                            if abs(c) > 1e-8]
                dropped[name] = "collinear with " + ", ".join(partners)
                continue
        kept.append(j)
    if dropped and warn:
        reasons = "; ".join(f"{k}: {v}" for k, v in dropped.items())
        warnings.warn(f"Dropped {len(dropped)} {what}(s) that carry no information of their "
                      f"own ({reasons}); the result's notes record this.", DataWarning,
                      stacklevel=3)
    return x.iloc[:, kept], dropped


def check_random_state(value: Any, func: str) -> Any:
    """Check a ``random_state``: None, a non-negative int, or a numpy Generator/SeedSequence.

    >>> check_random_state(3, "audit_claim")
    3
    """
    if value is None or isinstance(value, (np.random.Generator, np.random.SeedSequence)):
        return value
    ok = (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
          and value >= 0)
    if not ok:
        raise ParameterError(
            f"The 'random_state' parameter of {func} must be None, a non-negative int or a "
            f"numpy Generator. Got {value!r} instead.")
    return value


# --- plots, and results that hold no standard errors ---------------------------------------

def check_ax(ax: Any, func: str) -> Any:
    """Refuse anything but None or a matplotlib Axes as the ``ax`` of a plot method.

    >>> check_ax(None, "plot") is None
    True
    """
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise ParameterError(
            f"The 'ax' parameter of {func} must be a matplotlib Axes or None. Got "
            f"{type(ax).__name__} {ax!r} instead. Fix: pass ax=plt.subplots()[1], or leave it "
            "out for a new figure.")
    return ax


class plot_options:  # noqa: N801 - used as a context manager, like a function
    """Turn matplotlib's refusal of an unknown or wrong plot option (passed through
    ``**kwargs``) into a :class:`ParameterError` that names it.

    >>> with plot_options("plot", {}):
    ...     pass
    """

    def __init__(self, func: str, kwargs: dict[str, Any]):
        self.func, self.kwargs = func, kwargs

    def __enter__(self):
        return self

    def __exit__(self, kind, err, tb):
        if err is None or not self.kwargs or not isinstance(
                err, (AttributeError, TypeError, ValueError)):
            return False
        raise ParameterError(
            f"matplotlib refused the plot option(s) {examples(list(self.kwargs))} passed to "
            f"{self.func}: {err}. Fix: pass only keywords of the matplotlib call that draws "
            "the main series (e.g. color=, alpha=).") from None


def no_estimates(result: Any) -> None:
    """Raise for ``tidy()``/``conf_int()`` on a result that holds no standard errors."""
    name = type(result).__name__
    raise ParameterError(
        f"{name} holds no estimates with standard errors, so tidy() and conf_int() do not "
        f"apply to it. Fix: use .summary() for its table.")


def check_plain_columns(df: pd.DataFrame, columns: Iterable[Any], table: str) -> None:
    """Refuse MultiIndex columns, named columns that appear more than once, and named
    columns that are also index level names (pandas could not tell which is meant).

    >>> check_plain_columns(pd.DataFrame({"y": [1.0]}), ["y"], "data")
    """
    if isinstance(df.columns, pd.MultiIndex):
        raise SchemaError(
            f"The {table} table has MultiIndex (several-level) columns, e.g. "
            f"{examples(list(df.columns))}. Fix: flatten them first, e.g. "
            "df.columns = ['_'.join(map(str, c)) for c in df.columns].")
    named = [c for c in columns if c is not None]
    counts = df.columns.value_counts()
    repeated = [c for c in named if counts.get(c, 0) > 1]
    if repeated:
        raise SchemaError(
            f"The {table} table has {len(repeated)} duplicate column name(s) among those "
            f"named: {examples(repeated)} (each appears more than once). Fix: rename or drop "
            "the repeated columns, e.g. df.loc[:, ~df.columns.duplicated()].")
    levels = [c for c in named if c in [n for n in df.index.names if n is not None]]
    if levels:
        raise SchemaError(
            f"Column(s) {examples(levels)} of the {table} table are also index level names, "
            "so pandas cannot tell which is meant. Fix: call .reset_index(drop=True) first.")


def check_real(df: pd.DataFrame, columns: Iterable[Any], table: str, *,
               limit: float = 1e150) -> None:
    """Refuse complex columns, and values so large that their squares overflow (|x| above
    ``limit``): variances, weighted sums and model fits would silently be inf or NaN.

    >>> check_real(pd.DataFrame({"age": [70.0, 81.0]}), ["age"], "data")
    """
    for col in columns:
        s = df[col]
        if pd.api.types.is_complex_dtype(s):
            raise SchemaError(
                f"Column '{col}' of the {table} table holds complex numbers (dtype {s.dtype}), "
                f"e.g. {examples(pd.unique(s.dropna()))}. Fix: keep the real part, e.g. "
                f"df['{col}'] = df['{col}'].to_numpy().real, if that is what was meant.")
        if not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
            continue
        values = np.abs(s.to_numpy(dtype="float64", na_value=np.nan))
        huge = np.nan_to_num(values, nan=0.0, posinf=0.0) > limit
        if huge.any():
            raise SchemaError(
                f"Column '{col}' of the {table} table has {int(huge.sum())} value(s) larger "
                f"than {limit:g} in size, e.g. {examples(s[huge])} at row index "
                f"{examples(df.index[huge])}; their squares overflow, so every variance and "
                "fit would be inf or NaN. Fix: rescale the column (e.g. to thousands) or "
                "correct the values.")
