"""Persons -> panel units: index dates, observation ends, and the persons' side of the flow."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..exceptions import ExclusionWarning, SchemaError
from ..validation import examples
from .schema import to_days

_DAY = np.timedelta64(1, "D")
_NEVER = np.datetime64("9999-12-31", "D")


def resolve_optional(persons: pd.DataFrame, name: str | None, default: str) -> str | None:
    """``"auto"`` means the data model's column if the table has it, otherwise none."""
    if name == "auto":
        return default if default in persons.columns else None
    return name


def make_units(persons: pd.DataFrame, *, id_col: str, index_col: str, key_col: str | None,
               death_col: str | None, end_col: str | None,
               span: tuple[np.datetime64, np.datetime64]) -> tuple[pd.DataFrame, list, np.ndarray]:
    """One row per unit (person, or person x index date when ``key_col`` is given).

    Returns the units (key, pid, index, obs_end: first unobserved day), the persons' flow
    rows and the ids of persons excluded entirely.
    """
    index = to_days(persons, index_col, "persons", id_col)
    flow = [("persons supplied", len(persons), "persons")]
    keep = np.ones(len(persons), dtype=bool)

    no_index = np.isnat(index)
    if no_index.any():
        flow.append(("excluded: no index date", int(no_index.sum()), "persons"))
        keep &= ~no_index

    outside = ~no_index & ((index < span[0]) | (index > span[1]))
    if outside.any():
        raise SchemaError(
            f"Column '{index_col}' of the persons table has {int(outside.sum())} index date(s) "
            f"outside the data's span {np.datetime_as_string(span[0])} to "
            f"{np.datetime_as_string(span[1])}, e.g. {examples(index[outside].astype(str))} for "
            f"{id_col} {examples(persons.loc[outside, id_col])}. Fix: correct these dates, or "
            "pass span=(first, last) if the extract covers a wider period than its events show."
        )

    obs_end = np.full(len(persons), span[1] + _DAY)
    for col, label in ((death_col, "death"), (end_col, "end of registration")):
        if col is None:
            continue
        ends = to_days(persons, col, "persons", id_col)
        before = keep & ~np.isnat(ends) & (ends < index)
        if before.any():
            flow.append((f"excluded: index date after {label}", int(before.sum()), "persons"))
            warnings.warn(
                f"{int(before.sum())} person(s) have an index date after their {label} "
                f"('{col}'), e.g. {id_col} {examples(persons.loc[before, id_col])}; they are "
                "excluded and counted in the flow.", ExclusionWarning, stacklevel=4)
            keep &= ~before
        obs_end = np.where(np.isnat(ends), obs_end, np.minimum(obs_end, ends + _DAY))

    units = pd.DataFrame({
        "key": persons[key_col or id_col].to_numpy()[keep],
        "pid": persons[id_col].to_numpy()[keep],
        "index": index[keep],
        "obs_end": obs_end[keep],
    })
    flow.append(("persons in the panel", int(units["pid"].nunique()), "persons"))
    if key_col:
        flow.append(("units in the panel (person x index date)", len(units), "units"))
    excluded = np.setdiff1d(persons[id_col].to_numpy()[~keep], units["pid"].to_numpy())
    return units, flow, excluded
