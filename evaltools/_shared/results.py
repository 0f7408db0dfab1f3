"""One result shape everywhere.

Every evaltools result object has ``summary()`` returning a DataFrame, a text
``__str__``, ``_repr_html_`` for JupyterLab, and ``meta``: the options, seed, package
versions and sample flow behind it. Subclasses implement ``summary()`` and may set
``_title`` and ``_notes()`` (lines printed under the table, e.g. the assumption an
estimate rests on).
"""

from __future__ import annotations

import html
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

import pandas as pd

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


class ResultMixin:
    """Text and HTML rendering from ``summary()``, plus ``meta``."""

    _title: str = "Result"
    meta: dict[str, Any]

    def summary(self) -> pd.DataFrame:  # pragma: no cover - subclasses override
        raise NotImplementedError

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


@dataclass(repr=False)
class TableResult(ResultMixin):
    """A result whose summary is one table: subclasses add fields, notes and plots."""

    table: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict, kw_only=True)

    def summary(self) -> pd.DataFrame:
        return self.table
