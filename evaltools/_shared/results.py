"""One result shape everywhere.

Every evaltools result object has ``summary()`` returning a DataFrame, a text
``__str__``, ``_repr_html_`` for JupyterLab, and ``meta``: the options, seed, package
versions and sample flow behind it. Subclasses implement ``summary()`` and may set
``_title`` and ``_notes()`` (lines printed under the table, e.g. the assumption an
estimate rests on).
"""

from __future__ import annotations

import functools
import html
import inspect
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

_PACKAGES = ("evaltools", "numpy", "pandas", "scipy", "statsmodels", "scikit-learn",
             "linearmodels", "duckdb")


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages results depend on."""
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def run_meta(options: dict[str, Any] | None = None, *, random_state: Any = None,
             flow: pd.DataFrame | None = None) -> dict[str, Any]:
    """The reproducibility record every result carries as ``.meta``.

    >>> meta = run_meta({"method": "nearest"}, random_state=1)
    >>> sorted(meta)
    ['created', 'flow', 'options', 'random_state', 'versions']
    """
    return {
        "options": dict(options or {}),
        "random_state": random_state,
        "versions": package_versions(),
        "flow": flow,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def format_table(df: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """Round floats for display and print missing cells as '.' (as MatchIt does)."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(digits)
    return out.astype(object).where(out.notna(), ".")


TIDY_COLUMNS = ["term", "estimate", "std_error", "conf_low", "conf_high", "p_value", "n"]
# Methods whose arguments are checked, wrong ones named in a ParameterError.
STRICT_METHODS = ("summary", "tidy", "conf_int", "balance", "rates", "plot")


def _strict(method):
    """Wrap a result method so that arguments it does not take raise a ParameterError
    naming them (``summary(digits=2)``, ``conf_int(alpha=0.05)``), not a bare TypeError."""
    signature = inspect.signature(method)

    @functools.wraps(method)
    def checked(self, *args, **kwargs):
        try:
            signature.bind(self, *args, **kwargs)
        except TypeError:
            from ..exceptions import ParameterError

            name = f"{type(self).__name__}.{method.__name__}()"
            takes = [p for p in list(signature.parameters)[1:]]
            given = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
            hint = {"summary": " Fix: round the table yourself, e.g. .summary().round(2).",
                    "tidy": " Fix: give the confidence level as level=0.95 (alpha = 1 - level).",
                    "conf_int": " Fix: give the confidence level as level=0.95 (alpha = 1 - "
                                "level)."}.get(method.__name__, f" See help({name[:-2]}).")
            raise ParameterError(
                f"{name} takes {'only ' + ', '.join(takes) if takes else 'no arguments'}; "
                f"got {', '.join(given)}.{hint}") from None
        return method(self, *args, **kwargs)

    checked._strict = True
    return checked


class ResultMixin:
    """Text and HTML rendering from ``summary()``, ``meta``, and for estimates ``tidy()`` and
    ``conf_int()``.

    A result that estimates something implements ``_estimates()``: a DataFrame with
    columns ``term``, ``estimate``, ``std_error``, ``n`` and optionally ``log_se`` (the
    standard error of the log of a ratio estimate, so its interval and p-value are
    computed on the log scale) and ``df`` (degrees of freedom for a t reference instead of
    the normal). ``tidy()`` and ``conf_int()`` are computed from it, for any level.
    """

    _title: str = "Result"
    meta: dict[str, Any]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in STRICT_METHODS:
            method = cls.__dict__.get(name)
            if inspect.isfunction(method) and not getattr(method, "_strict", False):
                setattr(cls, name, _strict(method))

    def summary(self) -> pd.DataFrame:  # pragma: no cover - subclasses override
        raise NotImplementedError

    def _estimates(self) -> pd.DataFrame:
        raise TypeError(f"{type(self).__name__} holds no estimates with standard errors; "
                        "use .summary() for its table.")

    @_strict
    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """One row per term: term, estimate, std_error, conf_low, conf_high, p_value, n."""
        from ..validation import check_number

        check_number(level, "level", "tidy", low=0, high=1, closed="neither")
        e = self._estimates().reset_index(drop=True)
        est, se = e["estimate"].to_numpy(float), e["std_error"].to_numpy(float)
        log_se = e["log_se"].to_numpy(float) if "log_se" in e else np.full(len(e), np.nan)
        df = e["df"].to_numpy(float) if "df" in e else np.full(len(e), np.inf)
        q = np.where(np.isfinite(df), stats.t.ppf(0.5 + level / 2, np.where(
            np.isfinite(df), df, 1)), stats.norm.ppf(0.5 + level / 2))
        on_log = np.isfinite(log_se)
        # Ratio rows are handled on the log scale; numpy evaluates both branches of
        # np.where, so the log/exp of difference rows is computed and discarded quietly.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            centre = np.where(on_log, np.log(est), est)
            spread = np.where(on_log, log_se, se)
            low, high = centre - q * spread, centre + q * spread
            stat = np.abs(centre / spread)
            low, high = np.where(on_log, np.exp(low), low), np.where(on_log, np.exp(high), high)
        p = np.where(np.isfinite(df), 2 * stats.t.sf(stat, np.where(np.isfinite(df), df, 1)),
                     2 * stats.norm.sf(stat))
        return pd.DataFrame({
            "term": e["term"].astype(str), "estimate": est, "std_error": se,
            "conf_low": low, "conf_high": high,
            "p_value": p, "n": e["n"] if "n" in e else np.nan})

    @_strict
    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Confidence limits at ``level``: a DataFrame indexed by term with lower, upper."""
        t = self.tidy(level)
        return pd.DataFrame({"lower": t["conf_low"].to_numpy(),
                             "upper": t["conf_high"].to_numpy()}, index=t["term"])

    def _notes(self) -> list[str]:
        return []

    def __str__(self) -> str:
        table = format_table(self.summary()).to_string()
        notes = "\n".join(self._notes())
        return f"{self._title}\n{table}" + (f"\n{notes}" if notes else "")

    def __repr__(self) -> str:
        return self.__str__()

    def _repr_html_(self) -> str:
        table = format_table(self.summary()).to_html(classes="evaltools-table", border=0)
        notes = "".join(f"<p style='margin:2px 0'>{html.escape(n)}</p>" for n in self._notes())
        return f"<div><strong>{html.escape(self._title)}</strong>{table}{notes}</div>"


class SingleEstimateMixin(ResultMixin):
    """A result with one estimate: its 95% limits and p-value, read off ``tidy()``."""

    @property
    def ci_low(self) -> float:
        """Lower 95% limit."""
        return float(self.tidy()["conf_low"].iloc[0])

    @property
    def ci_high(self) -> float:
        """Upper 95% limit."""
        return float(self.tidy()["conf_high"].iloc[0])

    @property
    def p_value(self) -> float:
        """Two-sided p-value."""
        return float(self.tidy()["p_value"].iloc[0])


@dataclass(repr=False)
class TableResult(ResultMixin):
    """A result whose summary is one table: subclasses add fields, notes and plots."""

    table: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict, kw_only=True)

    def summary(self) -> pd.DataFrame:
        return self.table
