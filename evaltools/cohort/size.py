"""Panel sizes bounded up front: refuse a request that cannot fit before doing any work."""

from __future__ import annotations

import os

from ..exceptions import ParameterError

__all__ = ["panel_bytes", "check_units_size"]

# Per row: key and id (8 + 8), rel_period (4), exposure (8), the exposure grid's
# temporaries (about 24), and 8 per measure.
_ROW_BYTES, _MEASURE_BYTES = 52, 8


def panel_bytes(n_units: int, n_periods: int, n_measures: int) -> int:
    """Estimated peak memory of a dense panel, in bytes.

    >>> panel_bytes(1_000, 36, 6) / 1e6
    3.6
    """
    return int(n_units) * int(n_periods) * (_ROW_BYTES + _MEASURE_BYTES * int(n_measures))


def _physical_memory() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return 64 * 2**30


def check_units_size(n_units: int, window: tuple[int, int], n_measures: int,
                     limit: int | None = None) -> int:
    """Refuse a panel whose estimated size exceeds this machine's memory, with the figure."""
    n_periods = int(window[1]) - int(window[0])
    need = panel_bytes(n_units, n_periods, n_measures)
    limit = _physical_memory() if limit is None else limit
    if need > limit:
        raise ParameterError(
            f"The panel would have {n_units:,} units x {n_periods:,} periods = "
            f"{n_units * n_periods:,} rows and need about {need / 2**30:,.1f} GiB of memory "
            f"with {n_measures} measure(s); this machine has {limit / 2**30:,.1f} GiB. Fix: "
            "narrow the window, use a longer period (e.g. period='year'), fewer measures, or "
            "build the panel for subsets of the persons.")
    return need
