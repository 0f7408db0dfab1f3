"""The pandas/numpy engine: events linked to units, binned by period with np.bincount."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .measures import Measure, evaluate_measures
from .periods import Period
from .schema import to_days

_DAY = np.timedelta64(1, "D")


def unit_dates(units: pd.DataFrame, column: str) -> np.ndarray:
    """A date column of the units as ``datetime64[D]`` (pandas stores seconds at the least)."""
    return units[column].to_numpy().astype("M8[D]")


def exposure_grid(units: pd.DataFrame, period: Period, window: tuple[int, int],
                  span_start: np.datetime64) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit position, rel_period and exposure for every unit x period of the window."""
    n_periods = window[1] - window[0]
    unit = np.repeat(np.arange(len(units)), n_periods)
    k = np.tile(np.arange(window[0], window[1], dtype=np.int64), len(units))
    index = unit_dates(units, "index")[unit]
    start = period.boundary(index, k)
    end = period.boundary(index, k + 1)
    observed_to = np.minimum(end, unit_dates(units, "obs_end")[unit])
    observed = np.maximum(observed_to - np.maximum(start, span_start), np.timedelta64(0, "D"))
    exposure = observed.astype(np.int64) / (end - start).astype(np.int64)
    return unit, k, exposure


def link_events(units: pd.DataFrame, event_pid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (unit position, event position) of events to the units of their person."""
    pids = pd.Index(units["pid"])
    if pids.is_unique:
        unit = pids.get_indexer(event_pid)
        event = np.flatnonzero(unit >= 0)
        return unit[event], event
    links = pd.DataFrame({"pid": units["pid"].to_numpy(), "unit": np.arange(len(units))}).merge(
        pd.DataFrame({"pid": event_pid, "event": np.arange(len(event_pid))}), on="pid")
    return links["unit"].to_numpy(), links["event"].to_numpy()


def aggregate(units: pd.DataFrame, events: pd.DataFrame, *, measures: dict[str, Measure],
              period: Period, window: tuple[int, int], span: tuple[np.datetime64, np.datetime64],
              id_col: str, event_date_col: str) -> tuple[pd.DataFrame, dict[str, int]]:
    """Panel rows (unit position, rel_period, exposure, measures) and event-link counts."""
    dates = to_days(events, event_date_col, "events", id_col)
    unit, event = link_events(units, events[id_col].to_numpy())
    index = unit_dates(units, "index")[unit]
    date = dates[event]
    k = period.relative(index, date)

    outside_span = (date < span[0]) | (date > span[1])
    after_end = ~outside_span & (date >= unit_dates(units, "obs_end")[unit])
    outside_window = ~outside_span & ~after_end & ((k < window[0]) | (k >= window[1]))
    keep = ~(outside_span | after_end | outside_window)
    counts = {"links": len(unit), "outside_span": int(outside_span.sum()),
              "after_end": int(after_end.sum()), "outside_window": int(outside_window.sum()),
              "in_panel": int(keep.sum())}

    grid_unit, grid_k, exposure = exposure_grid(units, period, window, span[0])
    n_periods = window[1] - window[0]
    cell = unit[keep] * n_periods + (k[keep] - window[0])
    data = {"unit": grid_unit, "rel_period": grid_k, "exposure": exposure}
    contributions = evaluate_measures(events, measures)
    for name, measure in measures.items():
        weights = contributions[name].to_numpy()[event[keep]]
        summed = np.bincount(cell, weights=weights, minlength=len(grid_unit))
        data[name] = summed.astype(np.int64 if measure.agg == "count" else np.float64)
    return pd.DataFrame(data), counts
