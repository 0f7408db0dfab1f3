"""Covariates as a list of columns or as a formula, read safely.

A formula (``"treated ~ age + I(age**2) + C(region)"``, as MatchIt users write) is parsed
by formulaic into terms; before any term is computed, each term's expression is parsed with
Python's ``ast`` and must use only data columns, numbers, strings, arithmetic, comparisons
and the functions listed in :data:`FORMULA_FUNCTIONS`. Anything else (attribute access,
subscripts, lambdas, unknown names) is refused with an error naming it, so a formula can
never run code.
"""

from __future__ import annotations

import ast
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..exceptions import ParameterError
from ..validation import check_columns, check_finite, check_plain_columns, check_real, examples

__all__ = ["FORMULA_FUNCTIONS", "covariate_matrix", "split_formula"]

_NUMPY = {"log": np.log, "log1p": np.log1p, "log2": np.log2, "log10": np.log10,
          "exp": np.exp, "sqrt": np.sqrt, "abs": np.abs, "square": np.square}
# formulaic's own transforms (I, C, center, scale, poly, bs, ...) are found by name;
# the numpy functions are offered bare (log(x)) and as np.log(x).
FORMULA_FUNCTIONS = frozenset({"I", "C", "center", "scale", "standardize", "poly", "bs",
                               "lag", *_NUMPY})
_CONTEXT = {**_NUMPY, "np": SimpleNamespace(**_NUMPY)}
_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.FloorDiv, ast.Mod,
              ast.USub, ast.UAdd, ast.Not, ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt,
              ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn)


def _check_expression(expr: str, columns: set[str], func: str) -> None:
    """Refuse any term that is more than columns, literals, operators and allowed calls."""
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as err:
        raise ParameterError(f"The formula term {expr!r} of {func} is not valid: {err.msg}.") \
            from None

    def refuse(what: str) -> None:
        allowed = ", ".join(sorted(FORMULA_FUNCTIONS))
        raise ParameterError(
            f"The formula term {expr!r} of {func} uses {what}, which formulas may not. "
            f"Terms may use columns, numbers, strings, + - * / **, comparisons and the "
            f"functions {allowed}.")

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in FORMULA_FUNCTIONS:
                continue
            if (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name)
                    and f.value.id == "np" and f.attr in _NUMPY):
                continue
            refuse(f"the call {ast.unparse(f)}()")
        elif isinstance(node, ast.Attribute):
            if not (isinstance(node.value, ast.Name) and node.value.id == "np"
                    and node.attr in _NUMPY):
                refuse(f"the attribute {ast.unparse(node)!r}")
        elif isinstance(node, ast.Name):
            if node.id not in columns and node.id not in FORMULA_FUNCTIONS and node.id != "np":
                refuse(f"the name {node.id!r}, which is not a column ({examples(sorted(columns), 12)})")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float, str, bool)) or node.value is None:
                refuse(f"the literal {node.value!r}")
        elif not isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp,
                                   ast.Compare, ast.List, ast.Tuple, ast.Load, ast.keyword,
                                   *_OPERATORS)):
            refuse(f"the construct {type(node).__name__}")


MIN_ROWS_FOR_IDS = 20  # below this, many levels per row is a small example, not an id
MAX_FORMULA_CHARS = 5_000  # a few hundred terms; longer ones take minutes to parse and fit


def split_formula(formula: str, func: str = "this function") -> tuple[str | None, str]:
    """The left-hand side (or None) and right-hand side of ``"y ~ x"`` / ``"~ x"``.

    >>> split_formula("treated ~ age + C(region)")
    ('treated', 'age + C(region)')
    """
    if not isinstance(formula, str) or "~" not in formula:
        raise ParameterError(f"The formula of {func} must be a string with '~', e.g. "
                             f"'treated ~ age + C(region)'. Got {formula!r} instead.")
    if len(formula) > MAX_FORMULA_CHARS:
        raise ParameterError(f"The formula of {func} must be at most {MAX_FORMULA_CHARS:,} "
                             f"characters. Got {len(formula):,} instead, starting "
                             f"{formula[:60]!r}. Fix: list the covariates, or build fewer "
                             "terms.")
    if formula.count("~") > 1:
        raise ParameterError(f"The formula {formula!r} of {func} has {formula.count('~')} "
                             "'~'; it must have one, between the treatment column and the "
                             "covariates, e.g. 'treated ~ age + C(region)'.")
    lhs, _, rhs = formula.partition("~")
    lhs = lhs.strip() or None
    if lhs is not None and not lhs.isidentifier():
        raise ParameterError(f"The left-hand side of the formula of {func} must be one column "
                             f"name. Got {lhs!r} instead.")
    if not rhs.strip():
        raise ParameterError(f"The formula {formula!r} of {func} has no covariates after '~'.")
    return lhs, rhs.strip()


def covariate_matrix(data: pd.DataFrame, covariates, *, func: str, table: str = "data",
                     name: str = "covariates") -> tuple[pd.DataFrame, str | None]:
    """Numeric covariate columns from a list of names or a formula, checked to be finite.

    Returns the covariate table (no intercept; one column per term, categorical terms as
    treatment-coded indicators with readable names such as ``C(region)[T.north]``) and the
    formula's left-hand side (None for a list). Missing or infinite values are an error
    naming the column and rows.

    >>> df = pd.DataFrame({"age": [70, 80, 90], "region": ["n", "s", "n"], "t": [0, 1, 1]})
    >>> x, lhs = covariate_matrix(df, "t ~ age + I(age**2) + C(region)", func="match")
    >>> lhs, list(x.columns)
    ('t', ['age', 'I(age ** 2)', 'C(region)[T.s]'])
    >>> list(covariate_matrix(df, ["age"], func="match")[0].columns)
    ['age']
    """
    if isinstance(covariates, str):
        return _from_formula(data, covariates, func=func, table=table)
    if isinstance(covariates, (list, tuple, pd.Index)) and len(covariates) > 0:
        cols = list(covariates)
        if not all(isinstance(c, str) for c in cols):
            raise ParameterError(f"The '{name}' parameter of {func} must list column names "
                                 f"(strings). Got {cols!r} instead.")
        if len(set(cols)) != len(cols):
            raise ParameterError(f"The '{name}' parameter of {func} names a column twice: "
                                 f"{cols!r}.")
        check_columns(data, cols, table)
        check_plain_columns(data, cols, table)
        check_real(data, cols, table)
        check_finite(data, cols, table)
        return data[cols], None
    raise ParameterError(
        f"The '{name}' parameter of {func} must be a non-empty list of column names or a "
        f"formula such as 'treated ~ age + C(region)'. Got {covariates!r} instead.")


def _from_formula(data: pd.DataFrame, formula: str, *, func: str,
                  table: str) -> tuple[pd.DataFrame, str | None]:
    from formulaic import Formula, model_matrix

    lhs, rhs = split_formula(formula, func)
    columns = set(map(str, data.columns))
    try:
        parsed = Formula(rhs)
    except Exception as err:  # formulaic's parser errors name the offending token
        message = re.sub(r"\x1b\[[0-9;]*m|[⧛⧚]", "", str(err)).strip()
        raise ParameterError(f"The formula {formula!r} of {func} could not be read: "
                             f"{message}") from None
    used: set[str] = set()
    categorical: set[str] = set()
    for term in parsed:
        for factor in term.factors:
            expr = str(factor.expr)
            if expr in ("0", "1"):
                continue
            _check_expression(expr, columns, func)
            used |= {n.id for n in ast.walk(ast.parse(expr, mode="eval"))
                     if isinstance(n, ast.Name) and n.id in columns}
            inner = re.match(r"^C\(\s*([A-Za-z_]\w*)", expr)
            if inner and inner.group(1) in columns:
                categorical.add(inner.group(1))
            elif expr in columns and not pd.api.types.is_numeric_dtype(data[expr]):
                categorical.add(expr)
    _check_identifier_levels(data, sorted(categorical), formula, func)
    if lhs is not None:
        check_columns(data, [lhs], table)
    # Missing values would silently drop rows in formulaic; refuse them up front instead.
    check_plain_columns(data, sorted(used) + ([lhs] if lhs else []), table)
    numeric = [c for c in sorted(used) if pd.api.types.is_numeric_dtype(data[c])]
    check_real(data, numeric, table)
    check_finite(data, numeric, table)
    other = [c for c in sorted(used) if c not in numeric and data[c].isna().any()]
    if other:
        rows = data.index[data[other[0]].isna()]
        raise ParameterError(f"Column '{other[0]}' of the {table} table has "
                             f"{len(rows)} missing value(s), at row index {examples(rows)}. "
                             "Fix: fill or drop these rows before calling.")
    try:
        # With the intercept in, categorical terms get treatment coding (one level left
        # out, as R's model.matrix); the intercept column itself is then dropped.
        x = model_matrix(rhs, data, context=_CONTEXT, na_action="raise")
    except Exception as err:
        raise ParameterError(f"The formula {formula!r} of {func} could not be computed: "
                             f"{err}") from None
    x = pd.DataFrame(x).drop(columns=["Intercept"], errors="ignore")
    x.index = data.index
    _check_computed(x, formula, func)
    return x.astype("float64"), lhs


def _check_computed(x: pd.DataFrame, formula: str, func: str) -> None:
    """Terms computed from finite columns can still overflow or divide by zero."""
    values = x.to_numpy(dtype="float64")
    bad = ~np.isfinite(values)
    if bad.any():
        cols = [str(c) for c in x.columns[bad.any(axis=0)]]
        rows = x.index[bad.any(axis=1)]
        raise ParameterError(
            f"The formula {formula!r} of {func} computes infinite or missing values in "
            f"term(s) {examples(cols)} for {len(rows)} row(s), at row index {examples(rows)} "
            "(an overflowing power, a division by zero, or a log of zero or a negative). Fix: "
            "rescale or transform the columns so that every term is finite.")


def _check_identifier_levels(data: pd.DataFrame, columns: list[str], formula: str,
                             func: str) -> None:
    """A categorical term with more levels than half the rows (an identifier) would give one
    indicator per unit: the fit would describe each unit by itself, and take minutes."""
    n = len(data)
    levels = {c: int(data[c].nunique()) for c in columns}
    ids = [c for c, k in levels.items() if k > 2 and k > n / 2 and n >= MIN_ROWS_FOR_IDS]
    if ids:
        raise ParameterError(
            f"The formula {formula!r} of {func} treats {ids} as categorical, with "
            f"{[levels[c] for c in ids]} distinct values for {n} rows: they look like "
            "identifiers, and one indicator per value would describe each unit by itself. "
            "Fix: leave them out, or group them (e.g. practice -> area).")
