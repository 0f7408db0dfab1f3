"""Split a naive before-and-after change into regression to the mean, trend and the rest."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from .._shared import TableResult, run_meta
from .._shared.calls import checked_call
from ..exceptions import DataWarning, EvaltoolsInputError
from ..validation import (
    check_ax,
    check_bool,
    check_number,
    check_random_state,
    examples,
    plot_options,
)
from .results import draw_estimates, percentile_tidy

__all__ = ["decompose_change", "decompose_with_model", "DecompositionResult"]


@dataclass(repr=False)
class DecompositionResult(TableResult):
    """Components of the treated cohort's before-and-after change, with bootstrap intervals.

    ``tidy(level)`` gives each component with its bootstrap standard error and percentile
    interval.
    """

    draws: np.ndarray | None = field(default=None, repr=False)
    n: int | None = None
    _title = "Decomposition of a before-and-after change"

    def _estimates(self) -> pd.DataFrame:
        draws = (np.full((1, len(self.table)), np.nan) if self.draws is None else self.draws)
        return draw_estimates(self.table.index, self.table["estimate"], draws,
                              np.nan if self.n is None else self.n)

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        out = super().tidy(level)
        return out if self.draws is None else percentile_tidy(out, self.draws, level)

    def _notes(self) -> list[str]:
        return ["naive change = regression to the mean + secular trend + intervention. The "
                "controls' change (same selection, no intervention) estimates the first two; "
                "the population's change estimates the trend.",
                "Assumes the controls were selected like the treated (e.g. matched on prior "
                "use) and share their trend."]

    def plot(self, ax=None, **kwargs):
        """Bars of each component with its 95% interval; ``kwargs`` go to ``Axes.bar``."""
        check_ax(ax, "DecompositionResult.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        t = self.table.dropna(subset=["estimate"])
        err = np.vstack([t["estimate"] - t["ci_low"], t["ci_high"] - t["estimate"]])
        with plot_options("DecompositionResult.plot", kwargs):
            ax.bar(t.index, t["estimate"], yerr=err, capsize=4, **kwargs)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_ylabel("change in mean use per person (after - before)")
        ax.tick_params(axis="x", rotation=20)
        return ax


def _values(values, label):
    kind = _dtype_kind(values)
    if kind in "mMc":
        # numpy would read dates and durations as nanosecond counts, complex as real part.
        raise EvaltoolsInputError(f"{label} must be real numbers, one per person. Got "
                                  f"{_dtype_kind(values, name=True)} values. Fix: convert them, e.g. "
                                  "durations to days with .dt.days.")
    try:
        arr = np.asarray(values, float)
    except (TypeError, ValueError):
        raise EvaltoolsInputError(f"{label} must be numbers, one per person. Got "
                                  f"{values!r}.") from None
    bad = ~np.isfinite(arr)
    if bad.any():
        raise EvaltoolsInputError(
            f"{label} has {int(np.isnan(arr).sum())} missing and {int(np.isinf(arr).sum())} "
            f"infinite value(s), at positions {examples(np.flatnonzero(bad.ravel()))}. Fix: "
            "drop those people from both arrays (and count them in your flow).")
    return arr


def _arrays(name, before, after):
    if (isinstance(before, pd.Series) and isinstance(after, pd.Series)
            and not before.index.equals(after.index)):
        raise EvaltoolsInputError(
            f"{name}_before and {name}_after are Series whose index labels differ (e.g. "
            f"{examples(before.index.symmetric_difference(after.index))}), so values would be "
            "paired by position, not by person. Fix: align them first, e.g. "
            f"after = after.reindex(before.index), or pass plain arrays in one order.")
    b = _values(before, f"{name}_before")
    a = _values(after, f"{name}_after")
    if b.shape != a.shape or b.ndim != 1 or len(b) == 0:
        raise EvaltoolsInputError(f"{name}_before and {name}_after must be non-empty 1-D arrays "
                                  f"of the same people (the same length); got lengths "
                                  f"{b.size} and {a.size} (shapes {b.shape} and {a.shape}).")
    if len(b) < 2:
        raise EvaltoolsInputError(f"{name}_before and {name}_after hold one person only; a mean "
                                  "change and its bootstrap interval need at least two. Fix: "
                                  "pass every person of the group.")
    return a - b


def _population(before, after, func):
    """The population's changes, or None; one of the two arrays alone is a mistake."""
    if (before is None) != (after is None):
        given, missing = (("population_before", "population_after") if after is None
                          else ("population_after", "population_before"))
        raise EvaltoolsInputError(f"{func} got {given} without {missing}: the secular trend "
                                  "needs both. Fix: pass both arrays, or neither.")
    return None if before is None else _arrays("population", before, after)


def _check_cohort(before, after, threshold):
    """The count model describes counts: refuse negative values, and warn when people in
    the cohort could not have been picked by the rule the model is given."""
    for label, values in (("treated_before", before), ("treated_after", after)):
        if (values < 0).any():
            raise EvaltoolsInputError(
                f"{label} must be counts (>= 0) for decompose_with_model; "
                f"{int((values < 0).sum())} value(s) are negative, at positions "
                f"{examples(np.flatnonzero(values < 0))}. Fix: pass event counts per person.")
    if isinstance(threshold, (int, float, np.integer, np.floating)) and np.isfinite(threshold):
        below = before < threshold
        if below.any():
            warnings.warn(
                f"decompose_with_model: {int(below.sum())} of {len(before)} people have "
                f"treated_before below threshold={threshold}, at positions "
                f"{examples(np.flatnonzero(below))}; the regression to the mean component "
                "assumes everyone was picked by that rule. Fix: pass the rule the cohort was "
                "really picked by.", DataWarning, stacklevel=3)


def _components(naive, control_change, trend):
    """Rows of the five components from (vectors of) mean changes; trend NaN = no population."""
    naive, control_change = np.atleast_1d(naive), np.atleast_1d(control_change)
    trend = np.broadcast_to(trend, naive.shape)
    return np.column_stack([naive, control_change - trend, trend, control_change,
                            naive - control_change])


MAX_BOOT_DRAWS = 1_000_000_000
"""Most person-draws (resamples x people) a bootstrap makes: about 15 seconds (999
resamples of a million people)."""
_CHUNK = 4_000_000  # person-draws per chunk of resamples: about 32 MB of indices


def _check_boot_work(n_boot, sizes, func):
    sizes = list(sizes)
    draws = int(n_boot) * int(sum(sizes))
    if draws > MAX_BOOT_DRAWS:
        raise EvaltoolsInputError(
            f"The 'n_boot' parameter of {func}: {n_boot:,} resamples of {sum(sizes):,} people "
            f"need {draws:,} draws, above the limit of {MAX_BOOT_DRAWS:,} (minutes to hours). "
            "Fix: 999 resamples give a 95% interval; use fewer.")


def _boot_means(rng, n_boot, arrays, progress, *, share=None):
    """Means of ``n_boot`` resamples of each array (columns), resampled in chunks of whole
    resamples so the work is vectorised; ``share`` maps an array to the one whose resample
    it reuses (matched pairs)."""
    share = share or {}
    width = max(1, _CHUNK // max(1, sum(len(a) for a in arrays)))
    out = np.empty((n_boot, len(arrays)))
    for start in tqdm(range(0, n_boot, width), desc="bootstrap", unit="chunk",
                      disable=not progress):
        m = min(width, n_boot - start)
        index = {}
        for j, a in enumerate(arrays):
            index[j] = index[share[j]] if j in share else rng.integers(0, len(a), (m, len(a)))
            out[start:start + m, j] = a[index[j]].mean(axis=1)
    return out


@checked_call
def decompose_change(treated_before, treated_after, control_before, control_after, *,
                     population_before=None, population_after=None, paired: bool = False,
                     n_boot: int = 999, random_state: int | None = None,
                     progress: bool = True) -> DecompositionResult:
    """Decompose the treated cohort's naive change with matched controls and the population.

    Each argument is one value per person (e.g. emergency admissions per year before and
    after the index date). ``paired=True`` treats treated and control arrays as matched
    pairs and resamples pairs together.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> tb, cb = rng.poisson(2, 300), rng.poisson(2, 300)
    >>> res = decompose_change(tb, rng.poisson(1, 300), cb, rng.poisson(1, 300), n_boot=99)
    >>> bool(abs(res.summary().loc["intervention (naive - controls)", "estimate"]) < 0.5)
    True
    """
    check_number(n_boot, "n_boot", "decompose_change", low=1, high=1_000_000, integer=True)
    paired = check_bool(paired, "paired", "decompose_change")
    progress = check_bool(progress, "progress", "decompose_change")
    check_random_state(random_state, "decompose_change")
    treated = _arrays("treated", treated_before, treated_after)
    control = _arrays("control", control_before, control_after)
    population = _population(population_before, population_after, "decompose_change")
    if paired and len(treated) != len(control):
        raise EvaltoolsInputError(f"paired=True needs as many controls as treated (the same "
                                  f"length); got {len(control)} and {len(treated)}.")
    arrays = [treated, control] + ([] if population is None else [population])
    _check_boot_work(n_boot, map(len, arrays), "decompose_change")
    means = _boot_means(np.random.default_rng(random_state), int(n_boot), arrays, progress,
                        share={1: 0} if paired else None)
    draws = _components(means[:, 0], means[:, 1],
                        means[:, 2] if population is not None else np.nan)
    low, high = np.full(5, np.nan), np.full(5, np.nan)
    known = ~np.isnan(draws).all(axis=0)  # the trend columns are empty without a population
    low[known], high[known] = np.quantile(draws[:, known], [0.025, 0.975], axis=0)
    names = ["naive change (treated)", "regression to the mean", "secular trend",
             "controls' change (RTM + trend)", "intervention (naive - controls)"]
    point = _components(treated.mean(), control.mean(),
                        population.mean() if population is not None else np.nan)[0]
    table = pd.DataFrame({"estimate": point,
                          "ci_low": low, "ci_high": high}, index=names)
    return DecompositionResult(table=table, draws=draws, n=len(treated),
                               meta=run_meta(dict(n_boot=n_boot, paired=paired),
                                             random_state=random_state))


@checked_call
def decompose_with_model(treated_before, treated_after, *, model, threshold=None, top=None,
                         population_before=None, population_after=None, n_boot: int = 999,
                         random_state: int | None = None,
                         progress: bool = True) -> DecompositionResult:
    """Decompose a treated cohort's naive change without controls, using the count model.

    Regression to the mean is the model's expected relative fall for a cohort picked by
    the rule (:func:`expected_rtm_counts`), applied to the cohort's own mean before; the
    secular trend is the population's change (zero if no population is given); the rest
    is left for the intervention. Intervals resample people (the model is taken as known).

    Examples
    --------
    >>> from evaltools.rtm import CountModel
    >>> model = CountModel(mean=0.3, dispersion=0.5, stability=0.5)
    >>> y = model.simulate(20000, random_state=0)
    >>> picked = y[y[:, 0] >= 2]
    >>> res = decompose_with_model(picked[:, 0], picked[:, 1], model=model, threshold=2,
    ...                            n_boot=99, random_state=0)
    >>> bool(abs(res.summary().loc["intervention (naive - RTM - trend)", "estimate"]) < 0.15)
    True
    """
    from .counts import check_model, expected_rtm_counts

    check_model(model, "decompose_with_model")
    check_number(n_boot, "n_boot", "decompose_with_model", low=1, high=1_000_000, integer=True)
    progress = check_bool(progress, "progress", "decompose_with_model")
    check_random_state(random_state, "decompose_with_model")
    treated = _arrays("treated", treated_before, treated_after)
    treated_b = np.asarray(treated_before, float)
    _check_cohort(treated_b, treated_b + treated, threshold)
    population = _population(population_before, population_after, "decompose_with_model")
    expected = expected_rtm_counts(model, threshold=threshold, top=top)
    relative = expected.change / expected.selected_mean

    arrays = [treated, treated_b] + ([] if population is None else [population])
    _check_boot_work(n_boot, [len(treated)] + ([] if population is None else [len(population)]),
                     "decompose_with_model")
    means = _boot_means(np.random.default_rng(random_state), int(n_boot), arrays, progress,
                        share={1: 0})

    def components(naive, before, trend):
        naive, before = np.atleast_1d(naive), np.atleast_1d(before)
        trend = np.broadcast_to(trend, naive.shape)
        rtm = relative * before
        return np.column_stack([naive, rtm, trend, naive - rtm - trend])

    draws = components(means[:, 0], means[:, 1], means[:, 2] if population is not None else 0.0)
    low, high = np.quantile(draws, [0.025, 0.975], axis=0)
    names = ["naive change (treated)", "regression to the mean (count model)",
             "secular trend", "intervention (naive - RTM - trend)"]
    point = components(treated.mean(), treated_b.mean(),
                       population.mean() if population is not None else 0.0)[0]
    table = pd.DataFrame({"estimate": point, "ci_low": low,
                          "ci_high": high}, index=names)
    return DecompositionResult(table=table, draws=draws, n=len(treated), meta=run_meta(dict(
        n_boot=n_boot, threshold=threshold, top=top, model=str(model)),
        random_state=random_state))


def _dtype_kind(values, name: bool = False) -> str:
    """numpy's dtype kind (or name) of ``values``; "O" for ragged input numpy cannot read."""
    try:
        dtype = np.asarray(values).dtype
    except (TypeError, ValueError):
        return "object" if name else "O"
    return str(dtype) if name else dtype.kind
