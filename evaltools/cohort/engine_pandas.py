"""The pandas/numpy engine: events linked to units, binned by period with np.bincount."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .grid import unit_dates
from .measures import Measure, evaluate_measures
from .periods import Period
from .schema import to_days


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
              id_col: str, event_date_col: str) -> tuple[np.ndarray, dict, dict[str, int]]:
    """Each kept event's panel cell and measure values, and the event-link counts."""
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

    cell = unit[keep] * (window[1] - window[0]) + (k[keep] - window[0])
    contributions = evaluate_measures(events, measures)
    values = {name: contributions[name].to_numpy()[event[keep]] for name in measures}
    return cell, values, counts
