"""Savings, benefit-cost ratios with uncertainty, and social-value adjustments."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._shared import TableResult, run_meta
from .._shared.calls import checked_call
from ..exceptions import DataWarning, ParameterError
from ..validation import check_number, check_option, check_random_state
from .discounting import GREEN_BOOK_RATE, check_rate, discount_factors

__all__ = ["benefit_cost", "BenefitCost", "adjusted_value", "break_even_effect"]

_Z975 = 1.959964


def _finite(value, name, func, *, low=-np.inf, high=np.inf, closed="neither", **kw):
    return check_number(value, name, func, low=low, high=high, closed=closed, **kw)


@checked_call
def adjusted_value(gross: float, *, deadweight: float = 0.0, displacement: float = 0.0,
                   attribution: float = 0.0) -> float:
    """Gross outcome value net of what would have happened anyway (deadweight), of what
    was only moved elsewhere (displacement) and of others' contribution (attribution), as in
    social-return practice: ``gross (1 - d)(1 - disp)(1 - a)``.

    >>> adjusted_value(1000, deadweight=0.2, attribution=0.25)
    600.0
    """
    _finite(gross, "gross", "adjusted_value")
    for name, value in (("deadweight", deadweight), ("displacement", displacement),
                        ("attribution", attribution)):
        check_number(value, name, "adjusted_value", low=0, high=1)
    return float(gross * (1 - deadweight) * (1 - displacement) * (1 - attribution))


@dataclass(repr=False)
class BenefitCost(TableResult):
    """Savings, net saving and benefit-cost ratio, each with a 95% interval.

    ``tidy(level)`` gives the three with the effect's standard error carried through
    (all three are linear in the effect, so the delta method is exact).
    """

    std_errors: dict | None = None
    _title = "Benefit-cost analysis"

    @property
    def ratio(self) -> float:
        return float(self.table.loc["benefit-cost ratio", "estimate"])

    def _estimates(self) -> pd.DataFrame:
        se = self.std_errors or {}
        return pd.DataFrame({"term": list(self.table.index),
                             "estimate": self.table["estimate"].to_numpy(float),
                             "std_error": [se.get(t, np.nan) for t in self.table.index],
                             "n": self.meta["options"]["people"]})

    def _notes(self) -> list[str]:
        o = self.meta["options"]
        return [f"Present values at {o['rate']} over {o['years']} year(s); effect interval "
                f"carried through by {o['method']}.",
                f"A ratio of {self.ratio:.2f} means GBP {self.ratio:.2f} saved per GBP 1 spent; "
                "it rests on the effect estimate's assumptions."]


def _effect_parts(effect) -> tuple[float, float]:
    """(estimate, standard error) of an effect given as a result, a tuple or a number."""
    func = "benefit_cost"
    if hasattr(effect, "estimate") and hasattr(effect, "ci_low"):
        effect = (effect.estimate, effect.ci_low, effect.ci_high)
    if isinstance(effect, (int, float, np.integer, np.floating)) and not isinstance(
            effect, bool):
        return float(_finite(effect, "effect", func)), np.nan
    if not isinstance(effect, (tuple, list)) or len(effect) not in (2, 3):
        raise ParameterError(f"The 'effect' parameter of {func} must be a number, (estimate, "
                             "std_error), (estimate, ci_low, ci_high) or an effect result. "
                             f"Got {effect!r} instead.")
    for name, value in zip(("effect estimate", "effect limit", "effect limit"), effect,
                           strict=False):
        if not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(
                value, bool) or not np.isfinite(value):
            raise ParameterError(f"The 'effect' parameter of {func} must hold finite numbers; "
                                 f"its {name} is {value!r}. Fix: pass the estimate and its "
                                 "interval or standard error as numbers.")
    if len(effect) == 2:
        check_number(effect[1], "effect std_error", func, low=0)
        return float(effect[0]), float(effect[1])
    est, lo, hi = map(float, effect)
    if lo > hi:
        raise ParameterError(f"The effect interval has lower {lo:g} above upper {hi:g}. Fix: "
                             "pass (estimate, ci_low, ci_high) in that order.")
    if not lo <= est <= hi:
        raise ParameterError(f"The effect estimate {est:g} lies outside its interval ({lo:g}, "
                             f"{hi:g}). Fix: pass (estimate, ci_low, ci_high) in that order.")
    return est, (hi - lo) / (2 * _Z975)


def _check_costs(unit_cost, people, cost, years, rate, drop_off, func):
    for name, value in (("unit_cost", unit_cost), ("cost", cost)):
        _finite(value, name, func, low=0)  # above zero: the ratio divides by the cost
    check_number(people, "people", func, low=1, high=np.inf, closed="left", integer=True)
    check_number(years, "years", func, low=1, high=1000, integer=True)
    check_number(drop_off, "drop_off", func, low=0, high=1)
    check_rate(rate, func)
    if years == 1 and drop_off > 0:
        warnings.warn(f"{func}: drop_off={drop_off} is ignored with years=1: the effect only "
                      "falls after its first year. Fix: give years= the effect lasts.",
                      DataWarning, stacklevel=3)


def _warn_unused_simulation(method, se, n_sim, random_state):
    """n_sim and random_state only matter when an uncertain effect is simulated."""
    given = [f"{k}={v!r}" for k, v, default in (("n_sim", n_sim, 10_000),
                                                 ("random_state", random_state, None))
             if v is not default and v != default]
    if given and (method == "delta" or np.isnan(se)):
        why = ("method='delta' carries the interval through exactly" if method == "delta" else
               "the effect is a bare number, with no uncertainty to simulate")
        warnings.warn(f"benefit_cost: {', '.join(given)} ignored: {why}. Fix: leave them out, "
                      "or give the effect's interval with method='simulation'.", DataWarning,
                      stacklevel=3)


@checked_call
def benefit_cost(effect, *, unit_cost: float, people: int, cost: float, years: int = 1,
                 rate: float | str = GREEN_BOOK_RATE, drop_off: float = 0.0,
                 deadweight: float = 0.0, displacement: float = 0.0, attribution: float = 0.0,
                 method: str = "simulation", n_sim: int = 10_000,
                 random_state: int | None = None) -> BenefitCost:
    """Savings and benefit-cost ratio from an effect estimate, with its uncertainty.

    Parameters
    ----------
    effect : EffectResult, (estimate, ci_low, ci_high), (estimate, std_error) or float
        Fall in use per person per year (e.g. bed days avoided: positive is a saving). A
        bare number has no uncertainty: the intervals are then missing.
    unit_cost : float
        Cost of one unit of use (e.g. GBP per bed day).
    people : int
        People served.
    cost : float
        Present cost of the programme.
    years, drop_off : int, float
        Years the effect lasts, falling by ``drop_off`` a year after the first.
    rate : float or {"declining", "declining_health"}
        Discount rate (Green Book 3.5% by default), or a Green Book declining schedule.
    method : {"simulation", "delta"}
        Carry the effect's interval through by simulation (normal draws, ``n_sim``) or
        exactly by the delta method (the ratio is linear in the effect).

    Examples
    --------
    >>> bc = benefit_cost((2.0, 1.0, 3.0), unit_cost=300, people=100, cost=50_000,
    ...                   random_state=1)
    >>> round(bc.ratio, 2)
    1.2
    """
    func = "benefit_cost"
    _check_costs(unit_cost, people, cost, years, rate, drop_off, func)
    check_option(method, "method", func, ["simulation", "delta"])
    check_number(n_sim, "n_sim", func, low=100, high=10_000_000, integer=True)
    check_random_state(random_state, func)
    factor = discount_factors(years, rate) @ ((1 - drop_off) ** np.arange(years))
    _check_computable(unit_cost * people * factor, "unit_cost' and 'people", func)
    per_unit_effect = adjusted_value(unit_cost * people * factor, deadweight=deadweight,
                                     displacement=displacement, attribution=attribution)
    est, se = _effect_parts(effect)
    _warn_unused_simulation(method, se, n_sim, random_state)
    savings = est * per_unit_effect
    if np.isnan(se):
        s_lo = s_hi = np.nan
    elif method == "delta":
        half = _Z975 * se * per_unit_effect
        s_lo, s_hi = savings - half, savings + half
    else:
        draws = np.random.default_rng(random_state).normal(est, se, int(n_sim))
        s_lo, s_hi = np.quantile(draws * per_unit_effect, [0.025, 0.975])
    _check_computable(savings / cost, "cost", func)
    table = pd.DataFrame({
        "estimate": [savings, savings - cost, savings / cost],
        "ci_low": [s_lo, s_lo - cost, s_lo / cost],
        "ci_high": [s_hi, s_hi - cost, s_hi / cost]},
        index=["savings (present value)", "net saving", "benefit-cost ratio"])
    se_savings = se * per_unit_effect
    return BenefitCost(table=table, std_errors={
        "savings (present value)": se_savings, "net saving": se_savings,
        "benefit-cost ratio": se_savings / cost}, meta=run_meta(dict(
            unit_cost=unit_cost, people=people, cost=cost, years=years, rate=rate,
            drop_off=drop_off, deadweight=deadweight, displacement=displacement,
            attribution=attribution, method=method, n_sim=n_sim), random_state=random_state))


@checked_call
def break_even_effect(*, unit_cost: float, people: int, cost: float, years: int = 1,
                      rate: float | str = GREEN_BOOK_RATE, drop_off: float = 0.0) -> float:
    """Effect per person per year at which savings equal the programme's cost.

    >>> round(break_even_effect(unit_cost=300, people=100, cost=60_000), 3)
    2.0
    """
    _check_costs(unit_cost, people, cost, years, rate, drop_off, "break_even_effect")
    factor = discount_factors(years, rate) @ ((1 - drop_off) ** np.arange(years))
    return float(cost / (unit_cost * people * factor))


def _check_computable(value: float, names: str, func: str) -> None:
    """Amounts so large or small that the arithmetic overflows are a slip of units."""
    if not np.isfinite(value):
        raise ParameterError(f"The '{names}' parameter(s) of {func} give amounts too large or "
                             "too small to compute (the result overflows). Fix: check the "
                             "units, e.g. pounds not pence, and that cost is the whole "
                             "programme's cost.")
