"""Outcome-payment schedules for outcomes contracts (social impact bonds)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .._shared import ResultMixin, run_meta
from .._shared.calls import checked_call
from ..exceptions import ParameterError
from ..validation import check_ax, check_number, check_option, no_estimates, plot_options
from .discounting import GREEN_BOOK_RATE, MAX_YEARS, check_rate, finite_array, present_value

__all__ = ["outcome_payments", "OutcomePayments", "BASELINE_KINDS"]

BASELINE_KINDS = ["given", "historic", "matched comparison"]
"""How the baseline was set: as the contract states it, from the cohort's own history (which
pays for regression to the mean), or from a matched comparison group."""


@dataclass(repr=False)
class OutcomePayments(ResultMixin):
    """Period-by-period outcomes, payments and the commissioner's and investor's cash."""

    schedule: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    _title = "Outcome payments"

    def summary(self) -> pd.DataFrame:
        s = self.schedule
        rate = self.meta["options"]["rate"]
        return pd.DataFrame({"value": {
            "outcomes paid for": s["payable outcomes"].sum(),
            "total payments": s["payment"].sum(),
            "payments capped away": s["capped"].sum(),
            "investor net (present value)": present_value(s["investor cash"], rate),
            "investor multiple (payments / service cost)": (s["payment"].sum()
                                                           / s["service cost"].sum()),
            "commissioner net (present value)": present_value(s["commissioner cash"], rate)}})

    def _estimates(self) -> pd.DataFrame:
        no_estimates(self)

    def _notes(self) -> list[str]:
        o = self.meta["options"]
        return [f"Tariff {o['tariff']} per outcome against a {o['baseline_kind']} baseline; "
                f"caps: per person {o['cap_per_person']}, total {o['cap_total']}; payments "
                f"{o['lag']} period(s) after the outcome.",
                "A baseline that ignores regression to the mean pays for falls that would "
                "have happened anyway; a matched-comparison baseline does not."]

    def plot(self, ax=None, **kwargs):
        """Payments per period and the investor's cumulative position; ``kwargs`` go to the
        payment bars (``Axes.bar``)."""
        check_ax(ax, "OutcomePayments.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        s = self.schedule
        with plot_options("OutcomePayments.plot", kwargs):
            ax.bar(s.index, s["payment"], label="outcome payment", **kwargs)
        ax.plot(s.index, s["investor cash"].cumsum(), color="black", marker="o",
                label="investor, cumulative")
        ax.axhline(0, color="grey", linewidth=0.8)
        ax.set_xlabel("period")
        ax.set_ylabel("GBP")
        ax.legend()
        return ax


@checked_call
def outcome_payments(outcomes, baseline, *, tariff: float, service_cost, people: int,
                     cap_per_person: float | None = None, cap_total: float | None = None,
                     unit_saving: float = 0.0, lag: int = 0, direction: str = "reduction",
                     rate: float | str = GREEN_BOOK_RATE,
                     baseline_kind: str = "given") -> OutcomePayments:
    """Payments under an outcomes contract, period by period.

    Outcomes are paid for when they beat the baseline: ``baseline - outcomes`` for a
    reduction (e.g. emergency admissions avoided), ``outcomes - baseline`` for an
    achievement, never below zero. Payments are capped at ``cap_per_person * people`` and
    at ``cap_total`` (cumulatively), and made ``lag`` periods later. The investor funds the
    service (``service_cost`` each period) and receives the payments; the commissioner pays
    them and, with ``unit_saving``, saves that much per outcome. ``baseline_kind`` (one of
    ``"given"``, ``"historic"``, ``"matched comparison"``) records how the baseline was set,
    for the notes.

    Examples
    --------
    >>> op = outcome_payments([90, 80, 75], baseline=100, tariff=1000, service_cost=10_000,
    ...                       people=50, cap_total=40_000)
    >>> op.schedule["payment"].tolist()
    [10000.0, 20000.0, 10000.0]
    """
    outcomes, baseline, cost = _check_payments(
        outcomes, baseline, service_cost, tariff=tariff, people=people,
        cap_per_person=cap_per_person, cap_total=cap_total, unit_saving=unit_saving, lag=lag,
        direction=direction, rate=rate)
    check_option(baseline_kind, "baseline_kind", "outcome_payments", BASELINE_KINDS)
    payable = np.maximum(baseline - outcomes if direction == "reduction"
                         else outcomes - baseline, 0)
    due = payable * tariff
    caps = [c for c in (cap_total, None if cap_per_person is None else cap_per_person * people)
            if c is not None]
    cap = min(caps) if caps else np.inf
    paid = np.diff(np.r_[0.0, np.minimum(np.cumsum(due), cap)])
    n = len(outcomes) + lag
    payment = np.r_[np.zeros(lag), paid]
    schedule = pd.DataFrame({
        "baseline": np.r_[baseline, np.full(lag, np.nan)],
        "outcomes": np.r_[outcomes, np.full(lag, np.nan)],
        "payable outcomes": np.r_[payable, np.zeros(lag)],
        "capped": np.r_[due - paid, np.zeros(lag)],
        "payment": payment,
        "service cost": np.r_[cost, np.zeros(lag)],
    }, index=pd.RangeIndex(n, name="period"))
    schedule["investor cash"] = schedule["payment"] - schedule["service cost"]
    schedule["commissioner cash"] = (schedule["payable outcomes"] * unit_saving
                                     - schedule["payment"])
    return OutcomePayments(schedule=schedule, meta=run_meta(dict(
        tariff=tariff, people=people, cap_per_person=cap_per_person, cap_total=cap_total,
        unit_saving=unit_saving, lag=lag, direction=direction, rate=rate,
        baseline_kind=baseline_kind)))


def _per_period(values, name, n):
    """A finite, non-negative amount per period (a single number applies to every period)."""
    arr = finite_array(values, name, "outcome_payments")
    if arr.ndim > 1 or (arr.ndim == 1 and len(arr) not in (1, n)):
        raise ParameterError(f"The '{name}' parameter of outcome_payments must have one value "
                             f"per period ({n}, the length of outcomes) or a single value. Got "
                             f"length {arr.size} instead.")
    if (arr < 0).any():
        raise ParameterError(f"The '{name}' parameter of outcome_payments must be >= 0; "
                             f"{int((arr < 0).sum())} value(s) are negative, e.g. "
                             f"{arr[arr < 0][:3].tolist()}.")
    return np.broadcast_to(arr.reshape(-1) if arr.ndim else arr, (n,)).astype(float)


def _check_payments(outcomes, baseline, service_cost, *, tariff, people, cap_per_person,
                    cap_total, unit_saving, lag, direction, rate):
    func = "outcome_payments"
    outcomes = finite_array(outcomes, "outcomes", func)
    if outcomes.ndim != 1 or len(outcomes) == 0:
        raise ParameterError(f"The 'outcomes' parameter of {func} must be a non-empty 1-D "
                             f"sequence, one value per period. Got shape {outcomes.shape}.")
    n = len(outcomes)
    if n + (lag if isinstance(lag, (int, np.integer)) else 0) > MAX_YEARS:
        raise ParameterError(f"The 'outcomes' parameter of {func} has {n:,} periods (plus "
                             f"lag {lag}); the limit is {MAX_YEARS:,} periods. Fix: give one "
                             "value per contract period (e.g. quarter or year), not per person.")
    outcomes = _per_period(outcomes, "outcomes", n)
    baseline = _per_period(baseline, "baseline", n)
    cost = _per_period(service_cost, "service_cost", n)
    check_number(tariff, "tariff", func, low=0, high=np.inf, closed="left")
    check_number(people, "people", func, low=1, high=np.inf, closed="left", integer=True)
    check_number(lag, "lag", func, low=0, high=1000, integer=True)
    for name, cap in (("cap_per_person", cap_per_person), ("cap_total", cap_total)):
        check_number(cap, name, func, low=0, high=np.inf, closed="left", allow_none=True)
    check_number(unit_saving, "unit_saving", func, low=-np.inf, high=np.inf, closed="neither")
    check_option(direction, "direction", func, ["reduction", "achievement"])
    check_rate(rate, func)
    return outcomes, baseline, cost
