"""Savings, benefit-cost ratios with uncertainty, and social-value adjustments."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._shared import TableResult, run_meta
from ..exceptions import ParameterError
from ..validation import check_number, check_option
from .discounting import GREEN_BOOK_RATE, discount_factors

__all__ = ["benefit_cost", "BenefitCost", "adjusted_value", "break_even_effect"]


def adjusted_value(gross: float, *, deadweight: float = 0.0, displacement: float = 0.0,
                   attribution: float = 0.0) -> float:
    """Gross outcome value net of what would have happened anyway (deadweight), of what
    was only moved elsewhere (displacement) and of others' contribution (attribution), as in
    social-return practice: ``gross (1 - d)(1 - disp)(1 - a)``.

    >>> adjusted_value(1000, deadweight=0.2, attribution=0.25)
    600.0
    """
    for name, value in (("deadweight", deadweight), ("displacement", displacement),
                        ("attribution", attribution)):
        check_number(value, name, "adjusted_value", low=0, high=1)
    return float(gross * (1 - deadweight) * (1 - displacement) * (1 - attribution))


@dataclass(repr=False)
class BenefitCost(TableResult):
    """Savings, net saving and benefit-cost ratio, each with a 95% interval."""

    _title = "Benefit-cost analysis"

    @property
    def ratio(self) -> float:
        return float(self.table.loc["benefit-cost ratio", "estimate"])

    def _notes(self) -> list[str]:
        o = self.meta["options"]
        return [f"Present values at {o['rate']} over {o['years']} year(s); effect interval "
                f"carried through by {o['method']}.",
                f"A ratio of {self.ratio:.2f} means GBP {self.ratio:.2f} saved per GBP 1 spent; "
                "it rests on the effect estimate's assumptions."]


def _effect_draws(effect, n_sim, rng):
    est, lo, hi = (effect.estimate, effect.ci_low, effect.ci_high) if hasattr(
        effect, "estimate") else effect
    if lo > hi:
        raise ParameterError(f"The effect interval has lower {lo} above upper {hi}.")
    se = (hi - lo) / (2 * 1.959964)
    return est, se, rng.normal(est, se, n_sim)


def benefit_cost(effect, *, unit_cost: float, people: int, cost: float, years: int = 1,
                 rate: float | str = GREEN_BOOK_RATE, drop_off: float = 0.0,
                 deadweight: float = 0.0, displacement: float = 0.0, attribution: float = 0.0,
                 method: str = "simulation", n_sim: int = 10_000,
                 random_state: int | None = None) -> BenefitCost:
    """Savings and benefit-cost ratio from an effect estimate, with its uncertainty.

    Parameters
    ----------
    effect : EffectResult or (estimate, ci_low, ci_high)
        Fall in use per person per year (e.g. bed days avoided: positive is a saving).
    unit_cost : float
        Cost of one unit of use (e.g. GBP per bed day).
    people : int
        People served.
    cost : float
        Present cost of the programme.
    years, drop_off : int, float
        Years the effect lasts, falling by ``drop_off`` a year after the first.
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
    for name, value in (("unit_cost", unit_cost), ("cost", cost)):
        check_number(value, name, "benefit_cost", low=0, closed="neither")
    check_number(people, "people", "benefit_cost", low=1, integer=True)
    check_number(years, "years", "benefit_cost", low=1, integer=True)
    check_number(drop_off, "drop_off", "benefit_cost", low=0, high=1)
    check_option(method, "method", "benefit_cost", ["simulation", "delta"])
    factor = discount_factors(years, rate) @ ((1 - drop_off) ** np.arange(years))
    per_unit_effect = adjusted_value(unit_cost * people * factor, deadweight=deadweight,
                                     displacement=displacement, attribution=attribution)
    rng = np.random.default_rng(random_state)
    est, se, draws = _effect_draws(effect, n_sim, rng)
    savings = est * per_unit_effect
    if method == "delta":
        half = 1.959964 * se * per_unit_effect
        s_lo, s_hi = savings - half, savings + half
    else:
        s_lo, s_hi = np.quantile(draws * per_unit_effect, [0.025, 0.975])
    table = pd.DataFrame({
        "estimate": [savings, savings - cost, savings / cost],
        "ci_low": [s_lo, s_lo - cost, s_lo / cost],
        "ci_high": [s_hi, s_hi - cost, s_hi / cost]},
        index=["savings (present value)", "net saving", "benefit-cost ratio"])
    return BenefitCost(table=table, meta=run_meta(dict(
        unit_cost=unit_cost, people=people, cost=cost, years=years, rate=rate,
        drop_off=drop_off, deadweight=deadweight, displacement=displacement,
        attribution=attribution, method=method, n_sim=n_sim), random_state=random_state))


def break_even_effect(*, unit_cost: float, people: int, cost: float, years: int = 1,
                      rate: float | str = GREEN_BOOK_RATE, drop_off: float = 0.0) -> float:
    """Effect per person per year at which savings equal the programme's cost.

    >>> round(break_even_effect(unit_cost=300, people=100, cost=60_000), 3)
    2.0
    """
    factor = discount_factors(years, rate) @ ((1 - drop_off) ** np.arange(years))
    return float(cost / (unit_cost * people * factor))
