"""The dense unit x period grid both engines fill: exposure and measure totals.

Every unit gets every period of the window, so persons without events keep rows of
zeros. Exposure is computed here once for both engines; the engines differ only in how
they place events in periods and total them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .measures import Measure
from .periods import Period


def unit_dates(units: pd.DataFrame, column: str) -> np.ndarray:
    """A date column of the units as ``datetime64[D]`` (pandas stores seconds at the least)."""
    return units[column].to_numpy().astype("M8[D]")


def exposure_grid(units: pd.DataFrame, period: Period, window: tuple[int, int],
                  span_start: np.datetime64) -> np.ndarray:
    """Exposure of every unit x period of the window, unit-major (periods vary fastest)."""
    ks = np.arange(window[0], window[1] + 1, dtype=np.int64)
    # All period boundaries at once: one row per unit, one column per boundary.
    bounds = period.boundary(unit_dates(units, "index")[:, None], ks[None, :]).astype(np.int64)
    length = np.diff(bounds, axis=1)
    observed = np.minimum(bounds[:, 1:], unit_dates(units, "obs_end").astype(np.int64)[:, None])
    observed -= np.maximum(bounds[:, :-1], span_start.astype("M8[D]").astype(np.int64))
    del bounds
    np.maximum(observed, 0, out=observed)
    return (observed / length).ravel()


def dense_panel(units: pd.DataFrame, *, key_name: str, id_name: str | None, period: Period,
                window: tuple[int, int], span: tuple[np.datetime64, np.datetime64],
                cell: np.ndarray, values: dict[str, np.ndarray],
                measures: dict[str, Measure]) -> pd.DataFrame:
    """The full panel: totals of ``values`` in cells ``unit * n_periods + (k - start)``.

    Counts are int32 and ``rel_period`` int32 to keep national-scale panels small.
    """
    n_periods = window[1] - window[0]
    size = len(units) * n_periods
    columns = {key_name: np.repeat(units["key"].to_numpy(), n_periods)}
    if id_name:
        columns[id_name] = np.repeat(units["pid"].to_numpy(), n_periods)
    columns["rel_period"] = np.tile(np.arange(window[0], window[1], dtype=np.int32), len(units))
    columns["exposure"] = exposure_grid(units, period, window, span[0])
    for name, measure in measures.items():
        summed = np.bincount(cell, weights=values.pop(name), minlength=size)
        columns[name] = summed.astype(np.int32 if measure.agg == "count" else np.float64)
    return pd.DataFrame(columns, copy=False)
