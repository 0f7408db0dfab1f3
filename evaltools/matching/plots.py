"""Figures of a matching: propensity overlap before and after."""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib.pyplot as plt
import numpy as np

from ..exceptions import ParameterError
from ..validation import check_number

__all__ = ["overlap_plot", "check_ax", "check_result_balance_args", "matplotlib_kwargs"]


def overlap_plot(result, ax=None, bins: int = 30, **kwargs):
    """Mirrored histograms of the distance measure: treated above, controls below, for all
    units (light) and the matched, weighted sample (dark). Returns the Axes."""
    check_ax(ax, "plot")
    check_number(bins, "bins", "plot", low=1, high=10_000, integer=True)
    if result.distance_ is None:
        raise ParameterError("This matching has no one-dimensional distance measure (e.g. "
                             "Mahalanobis, exact, CEM) to plot; use kind='love'.")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    d = result.distance_.to_numpy()
    t = result.data[result.treatment].to_numpy() == 1
    w = result.weights.to_numpy()
    edges = np.histogram_bin_edges(d, bins=bins)
    for group, sign, colour in ((t, 1, "tab:orange"), (~t, -1, "tab:blue")):
        all_h, _ = np.histogram(d[group], edges, density=True)
        m_h, _ = np.histogram(d[group], edges, weights=w[group], density=True) if (
            w[group].sum() > 0) else (np.zeros(len(edges) - 1), None)
        width = np.diff(edges)
        ax.bar(edges[:-1], sign * all_h, width, align="edge", color=colour, alpha=0.25,
               label=f"{'treated' if sign > 0 else 'control'}, all")
        with matplotlib_kwargs(kwargs, "bar"):
            ax.bar(edges[:-1], sign * m_h, width, align="edge", color=colour, alpha=0.8,
                   label=f"{'treated' if sign > 0 else 'control'}, matched", **kwargs)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel("distance measure (e.g. propensity score)")
    ax.set_ylabel("density (controls below zero)")
    ax.legend(fontsize="small")
    return ax


def check_ax(ax, func: str) -> None:
    """None or a matplotlib Axes to draw on."""
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise ParameterError(f"The 'ax' parameter of {func} must be a matplotlib Axes or None. "
                             f"Got {ax!r} ({type(ax).__name__}) instead. Fix: e.g. "
                             "fig, ax = plt.subplots(); result.plot(ax=ax).")


def check_result_balance_args(kwargs: dict, owner: str) -> None:
    """A result's ``balance()`` uses its own weights and estimand; anything else passed is
    refused rather than clashing with them."""
    if kwargs:
        raise ParameterError(
            f"{owner}.balance() takes covariates and thresholds only; {sorted(kwargs)} are "
            f"fixed by the {owner} (its weights and estimand). Fix: call "
            "et.balance_table(result.data, result.treatment, covariates, "
            "weights=result.weights, estimand=...) to choose them.")


@contextmanager
def matplotlib_kwargs(kwargs: dict, artist: str):
    """Extra keyword arguments go to matplotlib; one it does not know is named, not raised
    as matplotlib's own AttributeError."""
    try:
        yield
    except (AttributeError, TypeError) as err:
        if not kwargs:
            raise
        raise ParameterError(f"plot passes {sorted(kwargs)} to matplotlib's {artist}, which "
                             f"refused them: {err}. Fix: use matplotlib's property names "
                             "(e.g. edgecolor=, linewidth=) for ones the plot does not set itself.") from None
