"""One expression tree, two engines: a numpy boolean mask, or bound SQL for DuckDB.

Both engines use two-valued logic, so they give the same counts: every condition (a
comparison, ``in``, ``not in``) is false when a column it reads is null (None, NaN or
NaT; in SQL each condition is wrapped in ``COALESCE(..., FALSE)``, and NaN in a float
column counts as null as it does in pandas); ``is null`` is true exactly for those rows;
``not`` is plain negation. So ``method != 'elective'`` is false where ``method`` is
missing, while ``not (method == 'elective')`` is true there.

Types are checked against the columns before anything is computed: text is compared
only with text columns, numbers with numeric (or boolean) columns, ``date '...'`` with
date columns, and a column with a column of the same kind.
"""

from __future__ import annotations

import datetime as dt
import operator
from functools import singledispatch

import numpy as np
import pandas as pd

from ..exceptions import ParameterError
from .expression import And, Column, Compare, In, IsNotNull, IsNull, Literal, Node, Not, Or

__all__ = ["pandas_kinds", "duckdb_kinds", "check_types", "to_mask", "to_sql", "quote"]

_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
        ">": operator.gt, ">=": operator.ge}
_SQL_OPS = {"==": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_NUMERIC = {"number", "float", "bool"}


def quote(name: str) -> str:
    """A SQL identifier in double quotes (embedded quotes doubled).

    >>> print(quote('a"b'))
    "a""b"
    """
    return '"' + str(name).replace('"', '""') + '"'


def text_literal(value: str) -> str:
    """A SQL string literal (embedded quotes doubled), for the few constants a view's SQL
    must hold because views cannot take bound parameters.

    >>> print(text_literal("Europe/London"), text_literal("a'b"))
    'Europe/London' 'a''b'
    """
    return "'" + str(value).replace("'", "''") + "'"


# --- column kinds ----------------------------------------------------------------------

def _series_kind(s: pd.Series) -> str:
    if not s.notna().any():
        return "empty"  # no value to compare: every condition on it is false
    if pd.api.types.is_bool_dtype(s):
        return "bool"
    if pd.api.types.is_float_dtype(s):
        return "float"
    if pd.api.types.is_numeric_dtype(s):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(s):
        return "date"
    if pd.api.types.is_string_dtype(s) or s.dtype == object:
        inferred = pd.api.types.infer_dtype(s, skipna=True)
        return {"string": "string", "empty": "string", "integer": "number",
                "floating": "float", "mixed-integer-float": "float", "boolean": "bool",
                "datetime64": "date", "datetime": "date"}.get(inferred, "other")
    return "other"


def pandas_kinds(frame: pd.DataFrame, columns) -> dict[str, str]:
    """The kind (number, float, bool, string, date, empty, other) of each named column."""
    return {c: _series_kind(frame[c]) for c in columns if c in frame.columns}


def duckdb_kinds(described: list[tuple]) -> dict[str, str]:
    """Kinds from the rows of DuckDB's ``DESCRIBE`` (name, type, ...)."""
    out = {}
    for name, sql_type, *_ in described:
        t = str(sql_type).upper()
        if t in ("FLOAT", "DOUBLE", "REAL") or t.startswith("DECIMAL"):
            out[name] = "float" if not t.startswith("DECIMAL") else "number"
        elif t in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
                   "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT"):
            out[name] = "number"
        elif t == "BOOLEAN":
            out[name] = "bool"
        elif t == "VARCHAR":
            out[name] = "string"
        elif t == "DATE" or t.startswith("TIMESTAMP"):
            out[name] = "date"
        else:
            out[name] = "other"
    return out


def _literal_kind(value) -> str:
    if isinstance(value, str):
        return "string"
    if isinstance(value, dt.date):
        return "date"
    return "number"


def _compatible(a: str, b: str) -> bool:
    if {"other", "empty"} & {a, b}:
        return True  # cannot be told in advance; a mismatch is caught when computing
    return a == b or (a in _NUMERIC and b in _NUMERIC)


def check_types(node: Node, kinds: dict[str, str], name: str) -> None:
    """Refuse comparisons of text with numbers or dates (and the like) before any work."""
    pairs = []
    if isinstance(node, Compare):
        pairs = [(node.left, node.right)]
    elif isinstance(node, In):
        pairs = [(node.column, v) for v in node.values]
    for left, right in pairs:
        kl, kr = (kinds.get(x.name, "other") if isinstance(x, Column) else
                  _literal_kind(x.value) for x in (left, right))
        if not _compatible(kl, kr):
            shown = [f"column '{x.name}' ({kinds.get(x.name)})" if isinstance(x, Column)
                     else f"{x.value!r} ({_literal_kind(x.value)})" for x in (left, right)]
            hint = ("write dates as date 'YYYY-MM-DD'" if "date" in (kl, kr) else
                    "quote text ('2') and leave numbers bare (2)")
            raise ParameterError(
                f"Measure {name!r} compares {shown[0]} with {shown[1]}, which never match. "
                f"Fix: {hint}, or convert the column's dtype.")
    for child in _children(node):
        check_types(child, kinds, name)


def _children(node: Node) -> tuple:
    if isinstance(node, (And, Or)):
        return node.left, node.right
    if isinstance(node, Not):
        return (node.operand,)
    return ()


# --- pandas: a boolean mask --------------------------------------------------------------

def _column_values(frame: pd.DataFrame, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Values of a column as a numpy array (dates at day resolution, naive local time) and
    its null mask (None, NaN, NaT)."""
    s = frame[name]
    null = s.isna().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(s) or _series_kind(s) == "date":
        s = pd.to_datetime(s)
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_localize(None)
        return s.to_numpy().astype("M8[D]"), null
    return s.to_numpy(), null


def _operand(x, frame: pd.DataFrame):
    if isinstance(x, Column):
        return _column_values(frame, x.name)
    if isinstance(x.value, dt.date):
        return np.datetime64(x.value, "D"), None
    return x.value, None


@singledispatch
def to_mask(node, frame: pd.DataFrame) -> np.ndarray:
    """The rows of ``frame`` where the expression is true, as a numpy boolean array.

    >>> from evaltools.cohort.expression import parse
    >>> df = pd.DataFrame({"setting": ["inpatient", None, "ae"], "los": [3, 1, None]})
    >>> to_mask(parse("setting != 'ae' or los > 2"), df)
    array([ True, False, False])
    """
    raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover


@to_mask.register
def _(node: Compare, frame):
    (left, lnull), (right, rnull) = _operand(node.left, frame), _operand(node.right, frame)
    valid = np.ones(len(frame), dtype=bool)
    for null in (lnull, rnull):
        if null is not None:
            valid &= ~null
    def pick(v):
        return v[valid] if isinstance(v, np.ndarray) else v

    out = np.zeros(len(frame), dtype=bool)
    try:
        out[valid] = np.asarray(_OPS[node.op](pick(left), pick(right)), dtype=bool)
    except TypeError as err:
        raise ParameterError(_mixed_message(node)) from err
    return out


@to_mask.register
def _(node: In, frame):
    values, null = _column_values(frame, node.column.name)
    wanted = [np.datetime64(v.value, "D") if isinstance(v.value, dt.date) else v.value
              for v in node.values]
    try:
        hit = pd.Series(values[~null]).isin(wanted).to_numpy()
    except TypeError as err:
        raise ParameterError(_mixed_message(node)) from err
    out = np.zeros(len(frame), dtype=bool)
    out[~null] = ~hit if node.negated else hit
    return out


@to_mask.register
def _(node: IsNull, frame):
    return frame[node.column.name].isna().to_numpy()


@to_mask.register
def _(node: IsNotNull, frame):
    return frame[node.column.name].notna().to_numpy()


@to_mask.register
def _(node: And, frame):
    return to_mask(node.left, frame) & to_mask(node.right, frame)


@to_mask.register
def _(node: Or, frame):
    return to_mask(node.left, frame) | to_mask(node.right, frame)


@to_mask.register
def _(node: Not, frame):
    return ~to_mask(node.operand, frame)


def _mixed_message(node) -> str:
    cols = [x.name for x in (getattr(node, "left", None), getattr(node, "right", None),
                             getattr(node, "column", None)) if isinstance(x, Column)]
    return (f"Column(s) {cols} hold values of mixed types (e.g. text and numbers), so the "
            "condition cannot be computed. Fix: convert the column to one dtype first.")


# --- DuckDB: SQL of quoted identifiers and ? placeholders ----------------------------------

def _sql_operand(x, kinds: dict[str, str], params: list) -> tuple[str, list[str]]:
    """SQL for a column or a bound literal, and the conditions that make it non-null."""
    if isinstance(x, Literal):
        params.append(x.value)
        return "?", []
    col, kind = quote(x.name), kinds.get(x.name, "other")
    if kind == "bool":
        return f"CAST({col} AS INTEGER)", []
    if kind == "date":
        return f"CAST({col} AS DATE)", []
    return col, ([f"NOT isnan({col})"] if kind == "float" else [])


@singledispatch
def to_sql(node, kinds: dict[str, str], params: list) -> str:
    """SQL text for the expression; the literals are appended to ``params`` in order.

    >>> from evaltools.cohort.expression import parse
    >>> params = []
    >>> to_sql(parse("setting == 'ae' and los is null"), {"los": "number"}, params), params
    ('(COALESCE(("setting" = ?), FALSE) AND ("los" IS NULL))', ['ae'])
    """
    raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover


def _reads_empty(node, kinds) -> bool:
    cols = [x for x in (getattr(node, "left", None), getattr(node, "right", None),
                        getattr(node, "column", None)) if isinstance(x, Column)]
    return any(kinds.get(c.name) == "empty" for c in cols)


@to_sql.register
def _(node: Compare, kinds, params):
    if _reads_empty(node, kinds):
        return "FALSE"
    left, lguard = _sql_operand(node.left, kinds, params)
    right, rguard = _sql_operand(node.right, kinds, params)
    parts = [f"{left} {_SQL_OPS[node.op]} {right}", *lguard, *rguard]
    return f"COALESCE(({' AND '.join(parts)}), FALSE)"


@to_sql.register
def _(node: In, kinds, params):
    if _reads_empty(node, kinds):
        return "FALSE"
    col, guard = _sql_operand(node.column, kinds, params)
    marks = ", ".join(_sql_operand(v, kinds, params)[0] for v in node.values)
    parts = [f"{col} {'NOT IN' if node.negated else 'IN'} ({marks})", *guard]
    return f"COALESCE(({' AND '.join(parts)}), FALSE)"


def _null_sql(column: Column, kinds) -> str:
    col = quote(column.name)
    if kinds.get(column.name) == "float":
        return f"({col} IS NULL OR isnan({col}))"
    return f"({col} IS NULL)"


@to_sql.register
def _(node: IsNull, kinds, params):
    return _null_sql(node.column, kinds)


@to_sql.register
def _(node: IsNotNull, kinds, params):
    return f"(NOT {_null_sql(node.column, kinds)})"


@to_sql.register
def _(node: And, kinds, params):
    return f"({to_sql(node.left, kinds, params)} AND {to_sql(node.right, kinds, params)})"


@to_sql.register
def _(node: Or, kinds, params):
    return f"({to_sql(node.left, kinds, params)} OR {to_sql(node.right, kinds, params)})"


@to_sql.register
def _(node: Not, kinds, params):
    return f"(NOT {to_sql(node.operand, kinds, params)})"
