"""Event studies: leads and lags of treatment in a two-way fixed-effects regression, with
optional time-varying covariates, and the joint test of the leads."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from .._shared import TableResult, run_meta
from .._shared.calls import checked_call
from ..exceptions import DataWarning, EvaltoolsWarning, ParameterError, SchemaError
from ..validation import check_finite, check_number, drop_redundant, examples
from .checks import (
    absorbed_by_effects,
    check_cluster,
    check_panel,
    check_unit_time,
    note_covariates,
)
from .options import (
    check_ax,
    check_outcome_varies,
    check_role_columns,
    check_roles,
    plot_kwargs,
)
from .regression import ASSUMPTION, fit_panel, read_covariates

__all__ = ["event_study", "EventStudyResult"]

PREFIX = "event_time::"
NOT_IDENTIFIED = ("without never-treated units, event time is period minus cohort, so the "
                  "indicators of every event time are collinear with the unit and period "
                  "effects; add never-treated units (cohort 0) or bin the distant event "
                  "times with window=(first, last)")


@dataclass(repr=False)
class EventStudyResult(TableResult):
    """Leads and lags relative to treatment (``table``, indexed by event time), the joint
    test of the leads, and ``model``, the linearmodels PanelOLS fit."""

    pretrend_stat: float
    pretrend_p: float
    model: Any = None
    notes: list[str] = field(default_factory=list)
    _title = "Event study (two-way fixed effects)"

    def _estimates(self) -> pd.DataFrame:
        fit = self.model
        terms = list(fit.params.index)
        n = self.meta.get("n_by_term", {})
        return pd.DataFrame({"term": terms, "estimate": fit.params.to_numpy(),
                             "std_error": fit.std_errors.to_numpy(),
                             "n": [n.get(t, int(fit.nobs)) for t in terms],
                             "df": float(fit.df_resid)})

    def _notes(self) -> list[str]:
        return [f"Joint Wald test that all pre-treatment coefficients are zero: chi2 = "
                f"{self.pretrend_stat:.2f}, p = {self.pretrend_p:.3f}.", *self.notes,
                ASSUMPTION]

    def plot(self, ax=None, **kwargs):
        """Leads and lags with their intervals. Returns the Axes."""
        check_ax(ax, "EventStudyResult.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        t = self.table
        with plot_kwargs("EventStudyResult.plot", kwargs, "errorbar"):
            ax.errorbar(t.index, t["estimate"], yerr=[t["estimate"] - t["conf_low"],
                                                      t["conf_high"] - t["estimate"]],
                        fmt="o", capsize=3, **kwargs)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.axvline(-0.5, color="grey", linestyle="--")
        ax.set_xlabel("periods relative to treatment")
        ax.set_ylabel("effect relative to the reference period (outcome units)")
        return ax


def _event_times(data, unit, time, cohort, func):
    """Each row's period minus its unit's cohort (NaN for never-treated units)."""
    check_finite(data.assign(**{cohort: data[cohort].fillna(0)}), [cohort], "data", id_col=unit)
    varying = data.groupby(unit, sort=False)[cohort].nunique(dropna=False) > 1
    if varying.any():
        raise SchemaError(f"'{cohort}' varies within {int(varying.sum())} unit(s) in {func}, "
                          f"e.g. {unit} {examples(varying.index[varying])}. Fix: the first "
                          "treated period is a property of the unit (treatment cannot stop).")
    g = data[cohort].fillna(0).to_numpy(float)
    periods = np.unique(data[time].to_numpy(float))
    odd = (g > 0) & ~np.isin(g, periods) & (g < periods.max())
    if odd.any() or (g < 0).any():
        bad = np.unique(g[odd | (g < 0)])
        raise SchemaError(f"'{cohort}' of {func} has values {examples(bad)} that are neither 0 "
                          f"(never treated) nor observed periods of '{time}' ({periods.min():g} "
                          f"to {periods.max():g}). Fix: give each treated unit its first "
                          "treated period.")
    if not (g > 0).any():
        raise SchemaError(f"No unit is treated in {func}: '{cohort}' is 0 or missing for all "
                          "rows. Fix: give treated units their first treated period.")
    if not (g <= 0).any() and len(np.unique(g)) == 1:
        raise SchemaError(f"All units are treated at once in {func} ('{cohort}' is {g[0]:g} "
                          "for every unit): event time and period effects cannot be told "
                          "apart. Fix: add never-treated units (cohort 0).")
    return pd.Series(np.where(g > 0, data[time].to_numpy(float) - g, np.nan), index=data.index)


def _check_reference(rel, data, unit, cohort, ref_period, window, func):
    if not (rel >= 0).any():
        raise SchemaError(f"No treated unit in {func} is observed after its treatment starts "
                          f"(no event time >= 0; '{cohort}' is after every observed period). "
                          "Fix: extend the panel past the cohorts, or check that cohort and "
                          "time are on the same scale.")
    seen = np.unique(rel.dropna()).astype(int)
    if ref_period not in seen:
        raise ParameterError(f"The 'ref_period' parameter of {func} must be an observed event "
                             f"time ({seen.min()} to {seen.max()}). Got {ref_period!r} instead.")
    if window is not None:
        ok = (isinstance(window, (tuple, list)) and len(window) == 2
              and all(isinstance(w, (int, np.integer)) and not isinstance(w, bool)
                      for w in window)
              and window[0] <= ref_period <= window[1] and window[0] < window[1])
        if not ok:
            raise ParameterError(f"The 'window' parameter of {func} must be a pair of integer "
                                 f"event times (first, last) around ref_period={ref_period}. "
                                 f"Got {window!r} instead.")
        if window[0] < seen.min() or window[1] > seen.max():
            warnings.warn(f"The 'window' {tuple(window)} of {func} reaches beyond the observed "
                          f"event times ({seen.min()} to {seen.max()}), so nothing is binned "
                          "at that end. Fix: give a window within the observed event times.",
                          DataWarning, stacklevel=3)
    first = rel.groupby(data[cohort].to_numpy()).min()
    late = first[first > ref_period]
    if len(late):
        units = data.loc[data[cohort].isin(late.index), unit].nunique()
        raise SchemaError(f"Cohort(s) {examples(late.index)} of {func} ({units} units) have no "
                          f"observation at or before the reference event time {ref_period}, so "
                          "their effects are not identified. Fix: drop these units (treated "
                          "from the first observed period) or choose another ref_period.")
    if not (rel >= 0).any():
        raise SchemaError(f"No treated unit in {func} is observed after its treatment starts "
                          "(no event time >= 0). Fix: extend the panel past the cohorts.")


def _indicators(rel, ref_period, window):
    lo, hi = window if window is not None else (rel.min(), rel.max())
    binned = rel.clip(lo, hi)
    cats = sorted(set(binned.dropna().astype(int)) - {ref_period})
    dummies = pd.DataFrame({f"{PREFIX}{k}": (binned == k).astype(float) for k in cats},
                           index=rel.index)
    return dummies, cats


def _covariates(data, covariates, outcome, unit, time, func):
    if covariates is None:
        return None, []
    x = read_covariates(data, covariates, outcome, func)
    x, dropped = drop_redundant(x, warn=False)
    absorbed = absorbed_by_effects(x, {"unit": data[unit].to_numpy(),
                                       "period": data[time].to_numpy()})
    x = x.drop(columns=list(absorbed))
    return x, note_covariates({**dropped, **absorbed}, func)


def _pretrend(fit, leads):
    if not leads:
        return np.nan, np.nan
    b = fit.params[leads].to_numpy()
    v = fit.cov.loc[leads, leads].to_numpy()
    try:
        if not (np.isfinite(v).all() and np.isfinite(b).all()):
            raise np.linalg.LinAlgError  # LAPACK would print to stderr before failing
        stat = float(b @ np.linalg.lstsq(v, b, rcond=None)[0])
    except np.linalg.LinAlgError:
        raise SchemaError("The joint test of the leads of event_study cannot be computed: "
                          "their covariance is not finite. Fix: check the outcome for "
                          "implausibly large values.") from None
    return stat, float(stats.chi2.sf(stat, len(leads)))


@checked_call
def event_study(data: pd.DataFrame, *, outcome: str, unit: str, time: str, cohort: str,
                ref_period: int = -1, window: tuple[int, int] | None = None,
                covariates=None, cluster: str | None = None) -> EventStudyResult:
    """Leads and lags of treatment with unit and period effects (linearmodels' PanelOLS).

    ``cohort`` is each unit's first treated period (0 or NaN = never treated; R did's
    ``gname``). Event time is ``time - cohort``; times beyond ``window=(first, last)`` are
    binned into its end points and ``ref_period`` is left out. ``covariates`` (a list of
    columns or a formula ``"~ x1 + x2"``) enter the regression as time-varying controls;
    covariates absorbed by the unit or period effects, constant or collinear, are left out
    with a note. Standard errors are clustered on units (or ``cluster``). R equivalent:
    ``fixest::feols(outcome ~ i(event_time, ref = ref_period) + covariates | unit + time,
    cluster = ~cluster)`` with ``event_time = time - cohort`` binned to ``window``; see
    :func:`~evaltools.did.regression.fit_panel` for the small-sample factor (validated
    against ``lm`` with ``sandwich::vcovCL`` and against ``plm``). Returns the coefficients
    (``table``, ``tidy()``), a joint Wald test of the leads and ``.model``.

    Examples
    --------
    >>> import evaltools as et
    >>> panel, _ = et.datasets.area_rollout(n_areas=60, random_state=1)
    >>> res = et.did.event_study(panel, outcome="rate_per_1000", unit="area", time="year",
    ...                          cohort="first_year", window=(-4, 3))
    >>> list(res.table.index)
    [-4, -3, -2, 0, 1, 2, 3]
    """
    func = "event_study"
    check_roles(func, {"outcome": outcome, "unit": unit, "time": time, "cohort": cohort},
                {"cluster": cluster})
    check_role_columns(data, func, {"outcome": outcome, "unit": unit, "time": time,
                                    "cohort": cohort, "cluster": cluster})
    check_number(ref_period, "ref_period", func, integer=True)
    check_panel(data, func, numeric=[outcome], other=[unit, time, cluster], unit=unit,
                nullable=(cohort,))
    check_unit_time(data, unit, time, func)
    check_outcome_varies(data, outcome, func)
    check_cluster(data, cluster, unit, func)
    rel = _event_times(data, unit, time, cohort, func)
    _check_reference(rel, data, unit, cohort, int(ref_period), window, func)
    if ref_period >= 0:
        warnings.warn(f"event_study with ref_period={ref_period}: the reference is a treated "
                      "period, so the coefficients are changes relative to it, not effects "
                      "relative to before treatment. Fix: ref_period=-1 (the period before "
                      "treatment) unless this is intended.", EvaltoolsWarning, stacklevel=2)
    dummies, cats = _indicators(rel, int(ref_period), window)
    x, notes = _covariates(data, covariates, outcome, unit, time, func)
    exog = dummies if x is None else pd.concat([dummies, x], axis=1)
    index = pd.MultiIndex.from_arrays([data[unit], data[time]])
    exog.index = index
    fit = fit_panel(pd.Series(data[outcome].to_numpy(float), index=index), exog,
                    pd.Series(data[cluster].to_numpy(), index=index) if cluster else None, func,
                    hint=NOT_IDENTIFIED)
    stat, p = _pretrend(fit, [f"{PREFIX}{k}" for k in cats if k < 0])
    n_by_term = {c: int(dummies[c].sum()) for c in dummies}
    res = EventStudyResult(table=pd.DataFrame(), pretrend_stat=stat, pretrend_p=p, model=fit,
                           notes=notes, meta=run_meta(dict(
                               outcome=outcome, unit=unit, time=time, cohort=cohort,
                               ref_period=ref_period, window=window, covariates=covariates,
                               cluster=cluster or unit)))
    res.meta["n_by_term"] = n_by_term
    res.table = res.tidy().iloc[:len(cats)].drop(columns="term").set_axis(
        pd.Index(cats, name="event time"))
    return res
