"""Matched difference-in-differences: participants' change minus their controls' change."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._shared import run_meta
from .._shared.calls import checked_call
from ..exceptions import DataWarning, ExclusionWarning, ParameterError, SchemaError
from ..validation import (
    check_bool,
    check_finite,
    check_frame,
    check_treatment,
    check_weights,
    examples,
)
from .checks import check_panel, check_unit_time
from .options import (
    IgnoredOptionWarning,
    check_outcome_varies,
    check_role_columns,
    check_roles,
)
from .regression import DiDResult

__all__ = ["matched_did"]


def _window(value, name):
    ok = (isinstance(value, (tuple, list)) and len(value) == 2
          and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)
          and value[0] < value[1])
    if not ok:
        raise ParameterError(f"The '{name}' parameter of matched_did must be a pair of integer "
                             f"periods (start, stop) with start < stop. Got {value!r} instead.")
    return tuple(int(v) for v in value)


def _check(panel, matched, outcome, pre, post, exposure, unit, time, weights, subclass,
           treatment, rates):
    func = "matched_did"
    check_frame(panel, "panel")
    check_frame(matched, "matched")
    check_roles(func, {"outcome": outcome, "unit": unit, "time": time, "weights": weights,
                       "subclass": subclass, "treatment": treatment},
                {"exposure": exposure if rates is True else None})
    check_role_columns(panel, func, {"outcome": outcome, "unit": unit, "time": time,
                                     "exposure": exposure if rates is True else None})
    check_role_columns(matched, func, {"unit": unit, "treatment": treatment,
                                       "weights": weights, "subclass": subclass}, "matched")
    pre, post = _window(pre, "pre"), _window(post, "post")
    if pre[1] > post[0]:
        raise ParameterError(f"The 'pre' window {pre} of {func} overlaps the 'post' window "
                             f"{post}. Fix: end pre at or before the start of post.")
    check_bool(rates, "rates", func)
    if not rates and exposure not in (None, "exposure"):
        warnings.warn(f"matched_did ignores exposure={exposure!r} with rates=False (counts are "
                      "compared, not rates per person-time). Fix: rates=True to use it.",
                      IgnoredOptionWarning, stacklevel=3)
    check_panel(panel, func, numeric=[outcome, exposure if rates else None],
                other=[unit, time], unit=unit)
    if rates and pd.api.types.is_bool_dtype(panel[exposure]):
        raise SchemaError(f"The exposure column '{exposure}' of {func} is True/False, not "
                          "person-time. Fix: pass the time each row was observed (e.g. days "
                          "alive and registered), or rates=False to compare counts.")
    check_unit_time(panel, unit, time, func)
    check_outcome_varies(panel, outcome, func, "panel", rates=rates)
    check_panel(matched, func, numeric=[], other=[unit, treatment, weights, subclass])
    _check_id_types(panel[unit], matched[unit], unit)
    dup = matched[unit].duplicated(keep=False)
    if dup.any():
        raise SchemaError(f"The matched table of {func} repeats {int(dup.sum())} '{unit}' "
                          f"row(s), e.g. {examples(pd.unique(matched.loc[dup, unit]))}. Fix: "
                          f"one row per matched unit.")
    check_treatment(matched, treatment, "matched")
    check_finite(matched, [weights], "matched", id_col=unit)
    check_weights(matched[weights], len(matched), "weights", func)
    if rates and (panel[exposure] < 0).any():
        bad = panel[exposure] < 0
        raise SchemaError(f"The exposure column '{exposure}' of {func} has {int(bad.sum())} "
                          f"negative value(s), at {unit} {examples(panel.loc[bad, unit])}. "
                          "Fix: person-time cannot be negative.")
    return pre, post


def _check_id_types(in_panel, in_matched, unit):
    """The same kind of id in both tables (else no matched unit finds its rows)."""
    numeric = [pd.api.types.is_numeric_dtype(s) for s in (in_panel, in_matched)]
    if numeric[0] != numeric[1]:
        raise SchemaError(f"The '{unit}' column is {in_panel.dtype} in the panel but "
                          f"{in_matched.dtype} in the matched table of matched_did, so no "
                          f"matched unit would find its rows (e.g. panel "
                          f"{examples(in_panel.unique(), k=2)}, matched "
                          f"{examples(in_matched.unique(), k=2)}). Fix: convert one, e.g. "
                          f"matched['{unit}'].astype(panel['{unit}'].dtype).")
    absent = ~in_matched.isin(in_panel)
    if absent.all():
        raise SchemaError(f"None of the {len(in_matched)} '{unit}' ids of the matched table of "
                          f"matched_did appears in the panel (matched e.g. "
                          f"{examples(in_matched.unique(), k=3)}; panel e.g. "
                          f"{examples(in_panel.unique(), k=3)}). Fix: build the panel from the "
                          "matched sample, with the same ids.")


def _changes(panel, outcome, exposure, unit, time, windows, rates):
    """Each unit's post-minus-pre use (a rate per unit of person-time if ``rates``)."""
    change = []
    for start, stop in windows:
        part = panel[(panel[time] >= start) & (panel[time] < stop)]
        sums = part.groupby(unit)[[outcome, exposure] if rates else [outcome]].sum()
        if rates:
            sums = sums[sums[exposure] > 0]  # no person-time: no rate (counted below)
        change.append(sums[outcome] / sums[exposure] if rates else sums[outcome])
    return (change[1] - change[0]).rename("delta")


def _keep(matched, delta, unit, treatment, weights, windows):
    d = matched.set_index(unit).join(delta, how="left")
    lost = d["delta"].isna()
    if lost.any():
        warnings.warn(f"matched_did left out {int(lost.sum())} of {len(d)} matched unit(s) "
                      f"with no rows or no person-time in the pre or post window, e.g. {unit} "
                      f"{examples(d.index[lost])}; the result's flow counts them.",
                      ExclusionWarning, stacklevel=3)
    d = d[~lost]
    for value, name in ((1, "treated"), (0, "control")):
        if not (d[treatment] == value).any():
            raise SchemaError(f"No {name} unit of matched_did has rows {windows}. Fix: "
                              "check the windows against the panel's periods.")
    for value, name in ((1, "treated"), (0, "control")):
        if not d.loc[d[treatment] == value, weights].gt(0).any():
            raise SchemaError(f"Every {name} unit of matched_did in the analysis has weight 0 "
                              f"in '{weights}', so the {name} mean is undefined. Fix: check "
                              "the weights of the matched sample.")
    flow = pd.DataFrame({"step": ["matched units", "left out: no data in a window",
                                  "in the analysis"],
                         "n": [len(lost), int(lost.sum()), len(d)]})
    return d, flow


@checked_call
def matched_did(panel: pd.DataFrame, matched: pd.DataFrame, *, outcome: str,
                pre: tuple[int, int] = (-12, 0), post: tuple[int, int] = (0, 12),
                exposure: str = "exposure", unit: str = "match_id", time: str = "rel_period",
                weights: str = "weights", subclass: str = "subclass",
                treatment: str = "treated", rates: bool = True) -> DiDResult:
    """Participant-minus-control change from a pre window to a post window.

    ``panel`` is a long person-period table (e.g. from ``build_panel(..., key_col=
    "match_id")``) with one row per ``unit`` and ``time``; ``matched`` the matched sample
    (one row per ``unit``, with ``treatment``, ``weights`` and ``subclass``, as MatchIt's
    ``match.data``: ``weights`` and ``subclass`` are its columns of those names). With ``rates=True`` each person's use in a window is divided by their
    person-time (``exposure``) in it, so deaths do not look like falls; windows are
    half-open ``[start, stop)`` in ``time`` units. Matched units with no rows or no
    person-time in a window are left out with a counted warning. The standard error comes
    from the variance of the matched sets' contributions (clustered on ``subclass``).

    Examples
    --------
    >>> panel = pd.DataFrame({"match_id": [1, 1, 2, 2, 3, 3, 4, 4],
    ...                       "rel_period": [-1, 0] * 4, "y": [4, 1, 4, 2, 3, 1, 3, 3],
    ...                       "exposure": 1.0})
    >>> matched = pd.DataFrame({"match_id": [1, 2, 3, 4], "treated": [1, 0, 1, 0],
    ...                         "weights": 1.0, "subclass": [1, 1, 2, 2]})
    >>> matched_did(panel, matched, outcome="y", pre=(-1, 0), post=(0, 1)).estimate
    -1.5
    """
    pre, post = _check(panel, matched, outcome, pre, post, exposure, unit, time, weights,
                       subclass, treatment, rates)
    delta = _changes(panel, outcome, exposure, unit, time, (pre, post), rates)
    span = (f"in both the pre window {list(pre)} and the post window {list(post)} of "
            f"'{time}' (the panel has {panel[time].min():g} to {panel[time].max():g})"
            + (f" with person-time > 0 in '{exposure}'" if rates else ""))
    d, flow = _keep(matched, delta, unit, treatment, weights, span)
    t = (d[treatment] == 1).to_numpy()
    w = d[weights].to_numpy(float)
    mean_t = np.average(d.delta[t], weights=w[t])
    mean_c = np.average(d.delta[~t], weights=w[~t])
    # Contribution of each matched set to the estimate; clustered variance across sets.
    contrib = np.where(t, w / w[t].sum(), -w / w[~t].sum()) * (
        d.delta.to_numpy() - np.where(t, mean_t, mean_c))
    by_set = pd.Series(contrib).groupby(d[subclass].to_numpy()).sum()
    g = len(by_set)
    if g < 2:
        warnings.warn("matched_did has one matched set: no standard error can be computed. "
                      "Fix: pass the subclass (matched-set) column of the matched sample.",
                      DataWarning, stacklevel=2)
    se = float(np.sqrt(g / (g - 1) * (by_set**2).sum())) if g > 1 else np.nan
    return DiDResult(float(mean_t - mean_c), se, int(len(d)), term=f"{outcome} change",
                     meta=run_meta(dict(outcome=outcome, pre=pre, post=post, rates=rates,
                                        unit=unit, time=time), flow=flow))
