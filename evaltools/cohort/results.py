"""The result of ``build_panel``: the long table, the flow of exclusions, a summary."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from .._shared import ResultMixin
from ..exceptions import DataWarning, ParameterError
from ..validation import check_ax, examples, no_estimates, plot_options
from .measures import Measure

__all__ = ["PanelResult"]


@dataclass(repr=False)
class PanelResult(ResultMixin):
    """A person-by-period panel.

    Attributes
    ----------
    data : DataFrame
        Long table: id, rel_period, exposure, one column per measure (+ carried columns).
    flow : DataFrame
        ``step``, ``n``, ``unit``: what was supplied, each exclusion, what remains.
    measures : dict of {name: Measure}
    id_col : str
    meta : dict
        Options, package versions and the flow.
    """

    data: pd.DataFrame
    flow: pd.DataFrame
    measures: dict[str, Measure]
    id_col: str
    meta: dict[str, Any] = field(default_factory=dict)
    _title = "Person-period panel"

    def summary(self) -> pd.DataFrame:
        """Totals and rates per 1,000 person-periods, before and from the index date."""
        d = self.data
        pre = d["rel_period"] < 0
        def per_1000(part: pd.Series, name: str) -> float:
            exposure = d.loc[part, "exposure"].sum()
            return 1000 * d.loc[part, name].sum() / exposure if exposure > 0 else np.nan

        rows = {name: {"total": d[name].sum(), "rate_before": per_1000(pre, name),
                       "rate_from_index": per_1000(~pre, name)} for name in self.measures}
        out = pd.DataFrame(rows).T
        out.index.name = "measure"
        return out

    def _notes(self) -> list[str]:
        o = self.meta.get("options", {})
        n_units = self.data[self.id_col].nunique()
        return [f"{n_units} units x periods {o.get('window')} ({o.get('period')}s); "
                f"span {o.get('span')}; engine {o.get('engine')}.",
                "Rates are per 1,000 person-periods of exposure (alive, registered, in span)."]

    def _repr_html_(self) -> str:
        flow = self.flow.to_html(index=False, border=0)
        return super()._repr_html_() + f"<p><strong>Flow</strong></p>{flow}"

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """Not defined: a panel holds counts, not estimates (see :meth:`summary`)."""
        no_estimates(self)

    def conf_int(self, level: float = 0.95) -> pd.DataFrame:
        """Not defined: a panel holds counts, not estimates (see :meth:`summary`)."""
        no_estimates(self)

    def _check_by(self, by, func: str) -> None:
        groups = [c for c in self.data.columns
                  if c not in {self.id_col, "rel_period", "exposure", *self.measures}]
        if by is not None and (not isinstance(by, str) or by not in groups):
            raise ParameterError(
                f"The 'by' parameter of {func} must be None or a carried column of the panel "
                f"({', '.join(map(repr, groups)) or 'none: pass carry=[...] to build_panel'}). "
                f"Got {by!r} instead.")

    def rates(self, measure: str, by: str | None = None) -> pd.DataFrame:
        """Events per person-period of exposure in each rel_period (and group)."""
        if not isinstance(measure, str) or measure not in self.measures:
            raise ParameterError(f"The 'measure' parameter of rates must be one of "
                                 f"{list(self.measures)}. Got {measure!r} instead.")
        self._check_by(by, "rates")
        keys = ["rel_period"] + ([by] if by else [])
        if by and self.data[by].isna().any():
            missing = self.data.loc[self.data[by].isna(), self.id_col]
            warnings.warn(f"Column '{by}' is missing for {missing.nunique()} unit(s) of the "
                          f"panel, e.g. {self.id_col} {examples(pd.unique(missing)[:5])}; their "
                          "rows are left out of the rates. Fix: fill the column before "
                          "build_panel(carry=...).", DataWarning, stacklevel=3)
        g = self.data.groupby(keys, observed=True)[[measure, "exposure"]].sum().reset_index()
        g["rate"] = g[measure] / g["exposure"].replace(0, np.nan)
        return g

    def plot(self, measure: str, by: str | None = None, ax=None, **kwargs):
        """Rate of ``measure`` per person-period by period relative to the index date.

        ``by`` names a carried column (e.g. ``"treated"``) to draw one line per group.
        Returns the matplotlib Axes.

        Examples
        --------
        >>> ax = panel.plot("emergency_admissions", by="treated")  # doctest: +SKIP
        """
        check_ax(ax, "PanelResult.plot")
        self._check_by(by, "PanelResult.plot")
        rates = self.rates(measure, by)
        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        with plot_options("PanelResult.plot", kwargs):
            sns.lineplot(data=rates, x="rel_period", y="rate", hue=by, marker="o", ax=ax,
                         **kwargs)
        ax.axvline(0, color="grey", linestyle="--", linewidth=1)
        unit = self.meta.get("options", {}).get("period", "period")
        ax.set_xlabel(f"{unit}s relative to index date (0 = first {unit} from index)")
        ax.set_ylabel(f"{measure.replace('_', ' ')} per person per {unit}")
        return ax
