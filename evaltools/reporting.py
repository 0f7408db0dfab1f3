"""Reporting: side-by-side tables of results and generated method statements."""

from __future__ import annotations

import pandas as pd

from ._shared.calls import checked_call
from .exceptions import ParameterError

__all__ = ["compare", "method_statement"]


@checked_call
def compare(results: list, names: list[str] | None = None) -> pd.DataFrame:
    """Put several results' summary tables side by side (rows stacked by result).

    Examples
    --------
    >>> import evaltools as et
    >>> a = et.rtm.expected_rtm_normal(0, 1, 0.5, 1)
    >>> b = et.rtm.expected_rtm_normal(0, 1, 0.8, 1)
    >>> compare([a, b], ["r = 0.5", "r = 0.8"]).shape[0]
    12
    """
    if not isinstance(results, (list, tuple)) or len(results) == 0:
        raise ParameterError("The 'results' parameter of compare must be a non-empty list of "
                             f"evaltools results. Got {results!r} instead.")
    for i, r in enumerate(results):
        _check_result(r, f"results[{i}]", "compare")
    _check_names(names, len(results))
    names = names or [f"({i + 1}) {type(r).__name__}" for i, r in enumerate(results)]
    return pd.concat({name: r.summary() for name, r in zip(names, results, strict=True)})


def _check_names(names, n: int) -> None:
    """One distinct text label per result, or None."""
    if names is None:
        return
    ok = (isinstance(names, (list, tuple)) and len(names) == n
          and all(isinstance(x, str) and x for x in names))
    if not ok:
        raise ParameterError(f"The 'names' parameter of compare must give one name per result "
                             f"({n}), as a list of str. Got {names!r} instead.")
    if len(set(names)) != n:
        dup = sorted({x for x in names if names.count(x) > 1})
        raise ParameterError(f"The 'names' parameter of compare repeats {dup}: rows of "
                             "different results would be merged. Fix: give each result its "
                             "own name.")


def _check_result(result, name: str, func: str) -> None:
    if isinstance(result, type) or not callable(getattr(result, "summary", None)) or not hasattr(result, "meta"):
        raise ParameterError(f"The '{name}' parameter of {func} must be an evaltools result "
                             "(an object with .summary() and .meta, such as a MatchResult). "
                             f"Got {type(result).__name__} {result!r} instead.")


def _flow_sentence(flow) -> str:
    if flow is None or len(flow) == 0:
        return ""
    parts = [f"{row['step']}: {row['n']:,}" for _, row in flow.iterrows()]
    return " Sample flow: " + "; ".join(parts) + "."


_ESTIMANDS = {"ATT": "The effect on the treated", "ATC": "The effect on the controls",
              "ATE": "The average effect in the whole sample"}


def _effect_lead(result) -> str:
    estimand = getattr(result, "estimand", "ATT")
    return f"{_ESTIMANDS.get(estimand, f'The {estimand}')} was estimated"


@checked_call
def method_statement(result) -> str:
    """A plain-English methods paragraph for any evaltools result, with its options,
    software versions, seed and sample flow, to paste into a report.

    Examples
    --------
    >>> import evaltools as et
    >>> text = method_statement(et.rtm.expected_rtm_normal(0, 1, 0.5, 1))
    >>> "evaltools" in text
    True
    """
    _check_result(result, "result", "method_statement")
    meta = getattr(result, "meta", {}) or {}
    options = meta.get("options", {}) or {}
    versions = meta.get("versions", {}) or {}
    kind = type(result).__name__
    lead = {
        "MatchResult": "Participants were matched to controls",
        "EffectResult": _effect_lead(result),
        "RTMEstimate": "Regression to the mean was quantified",
        "AuditResult": "The claim was audited for regression to the mean",
        "PanelResult": "Hospital use was counted in periods relative to each index date",
        "WeightResult": "Controls were reweighted",
    }.get(kind, f"The analysis ({kind}) was run")
    shown = {k: v for k, v in options.items() if v is not None and k != "measures"}
    opts = "; ".join(f"{k} = {v}" for k, v in shown.items())
    software = ", ".join(f"{k} {v}" for k, v in versions.items() if v != "not installed")
    seed = meta.get("random_state")
    text = f"{lead} with evaltools ({opts})." if opts else f"{lead} with evaltools."
    if seed is not None:
        text += f" The random seed was {seed}."
    text += _flow_sentence(meta.get("flow"))
    notes = getattr(result, "_notes", lambda: [])()
    assumption = [n for n in notes if "ssum" in n]
    if assumption:
        text += " " + assumption[0]
    if software:
        text += f" Software: {software}."
    return text
