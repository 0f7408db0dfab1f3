"""Audit a published before-and-after claim with summary figures only."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .._shared import ResultMixin, run_meta
from .._shared.calls import checked_call
from ..exceptions import DataWarning, ParameterError
from ..validation import (
    check_ax,
    check_bool,
    check_number,
    check_random_state,
    plot_options,
)
from .counts import CountModel, expected_rtm_counts
from .results import draw_estimates, percentile_tidy
from .simulate import MAX_COHORT, simulate_cohort_ratios

__all__ = ["audit_claim", "AuditResult"]


@dataclass(repr=False)
class AuditResult(ResultMixin):
    """How much of a claimed fall regression to the mean alone would produce."""

    claimed_before: float
    claimed_after: float
    n: int
    rtm_after: float
    rtm_interval: tuple[float, float]
    model: CountModel
    verdict: str
    meta: dict[str, Any] = field(default_factory=dict)
    ratios: np.ndarray | None = field(default=None, repr=False)
    _title = "Regression-to-the-mean audit of a before-and-after claim"

    def _falls(self) -> np.ndarray:
        falls = self.claimed_before * (1 - self.ratios)
        return np.column_stack([falls, falls / self.claimed_fall])

    def _estimates(self) -> pd.DataFrame:
        """The fall regression to the mean alone produces, and its share of the claimed
        fall, with standard errors from the simulated cohorts."""
        draws = np.full((1, 2), np.nan) if self.ratios is None else self._falls()
        return draw_estimates(["fall from RTM alone", "share of claimed fall explained by RTM"],
                              [self.rtm_fall, self.share_explained], draws, self.n)

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """Both estimates with percentile intervals of the simulated cohorts."""
        out = super().tidy(level)
        return out if self.ratios is None else percentile_tidy(out, self._falls(), level)

    @property
    def claimed_fall(self) -> float:
        return self.claimed_before - self.claimed_after

    @property
    def rtm_fall(self) -> float:
        return self.claimed_before - self.rtm_after

    @property
    def share_explained(self) -> float:
        """Share of the claimed fall that regression to the mean alone produces."""
        return self.rtm_fall / self.claimed_fall

    def summary(self) -> pd.DataFrame:
        b = self.claimed_before
        lo, hi = self.rtm_interval
        rows = {
            "claimed mean before": (b, None, None),
            "claimed mean after": (self.claimed_after, None, None),
            "claimed fall (%)": (100 * self.claimed_fall / b, None, None),
            "expected after with no effect (RTM only)": (self.rtm_after, b - hi, b - lo),
            "fall from RTM alone (%)": (100 * self.rtm_fall / b, 100 * lo / b, 100 * hi / b),
            "share of claimed fall explained by RTM": (self.share_explained,
                                                       lo / self.claimed_fall,
                                                       hi / self.claimed_fall),
        }
        return pd.DataFrame(rows, index=["estimate", "ci_low", "ci_high"]).T.astype(float)

    def _notes(self) -> list[str]:
        m = self.model
        return [self.verdict,
                f"Population model: mean {m.mean:.3g} per period, dispersion {m.dispersion:.3g},"
                f" stability {m.stability:.3g}; cohort of {self.n}; interval from simulated "
                "cohorts of that size.",
                "Assumes stable rates in the population (no secular trend) and selection as "
                "described."]

    def plot(self, ax=None, **kwargs):
        """Claimed before and after beside the after expected from RTM alone; ``kwargs`` go
        to the bars (``Axes.bar``)."""
        check_ax(ax, "AuditResult.plot")
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        lo, hi = self.rtm_interval
        labels = ["before (claimed)", "after (claimed)", "after, no effect\n(RTM alone)"]
        values = [self.claimed_before, self.claimed_after, self.rtm_after]
        with plot_options("AuditResult.plot", kwargs):
            bars = ax.bar(labels, values, **{"color": ["#888888", "#1f77b4", "#ff7f0e"],
                                             **kwargs})
        ax.errorbar(2, self.rtm_after, yerr=[[self.rtm_after - (self.claimed_before - hi)],
                                             [(self.claimed_before - lo) - self.rtm_after]],
                    color="black", capsize=6)
        ax.bar_label(bars, fmt="%.2f")
        ax.set_ylabel("mean use per person per period")
        ax.set_title(f"RTM explains {self.share_explained:.0%} of the claimed fall")
        return ax


@checked_call
def audit_claim(before: float, after: float, n: int, *, threshold: float | None = None,
                top: float | None = None, population: CountModel | dict | None = None,
                n_sim: int = 2000, random_state: int | None = None,
                progress: bool = True) -> AuditResult:
    """How much of a claimed before-and-after fall regression to the mean alone explains.

    Parameters
    ----------
    before, after : float
        The claim's mean use per person before and after (e.g. overnight stays a year).
    n : int
        Cohort size.
    threshold, top : float
        How the cohort was picked: at least ``threshold`` events in the before period,
        or the highest ``top`` share of the population.
    population : CountModel or dict, optional
        The population the cohort was drawn from (mean, dispersion, stability); from a
        person-period panel, ``fit_count_model(data, outcome)`` estimates it.
    n_sim : int
        Simulated cohorts for the interval. Cohorts of up to ``EXACT_LIMIT / n_sim`` people
        are simulated person by person; larger ones draw the cohort's before-counts as one
        multinomial over the model's support and the after-total from its exact conditional
        mean and variance (normal by the central limit theorem), so the work does not grow
        with ``n``.
    progress : bool
        Show a progress bar over the simulated cohorts.

    Examples
    --------
    >>> res = audit_claim(before=2.9, after=1.54, n=500, threshold=2,
    ...                   population={"mean": 0.3, "dispersion": 0.5, "stability": 0.5},
    ...                   random_state=1)
    >>> res.share_explained > 0.9
    True
    """
    _check_claim(before, after, n)
    check_number(n_sim, "n_sim", "audit_claim", low=100, high=100_000, integer=True)
    progress = check_bool(progress, "progress", "audit_claim")
    check_random_state(random_state, "audit_claim")
    model = _population(population)
    expected = expected_rtm_counts(model, threshold=threshold, top=top)
    if threshold is not None and before < threshold:
        warnings.warn(f"audit_claim: the claimed mean before ({before}) is below threshold="
                      f"{threshold}, yet everyone picked for at least {threshold} events has at "
                      "least that many. Fix: check that the threshold and the before figure "
                      "count the same events over the same period.", DataWarning, stacklevel=2)
    ratio = expected.expected_after / expected.selected_mean
    sims = simulate_cohort_ratios(model, int(n), int(n_sim), threshold, top, random_state,
                                  progress=progress)
    interval = tuple(before * (1 - np.quantile(sims, [0.975, 0.025])))  # falls, low..high
    rtm_after = before * ratio
    result = AuditResult(claimed_before=before, claimed_after=after, n=int(n),
                         rtm_after=rtm_after, rtm_interval=interval, model=model, verdict="",
                         ratios=sims,
                         meta=run_meta(dict(threshold=threshold, top=top, n_sim=n_sim),
                                       random_state=random_state))
    result.verdict = _verdict(result)
    return result


def _check_claim(before, after, n):
    check_number(before, "before", "audit_claim", low=0, high=np.inf, closed="neither")
    check_number(after, "after", "audit_claim", low=0, high=np.inf, closed="left")
    check_number(n, "n", "audit_claim", low=1, high=MAX_COHORT, integer=True)
    if n > 1_000_000:
        warnings.warn(f"audit_claim: a cohort of n={n:,} people is larger than any programme's "
                      "cohort; check that n counts people, not person-periods or events. The "
                      "interval uses the large-cohort approximation.", DataWarning,
                      stacklevel=3)
    if after >= before:
        raise ParameterError(f"The claim shows no fall (after {after} >= before {before}). A "
                             "cohort selected for high use is expected to fall, so there is no "
                             "fall to audit; check that before and after are not swapped.")


def _population(population) -> CountModel:
    if isinstance(population, CountModel):
        return population
    if isinstance(population, dict):
        needed = {"mean", "dispersion", "stability"}
        if set(population) != needed:
            raise ParameterError(
                "The 'population' parameter of audit_claim must have exactly the keys "
                f"'mean', 'dispersion', 'stability'; missing {sorted(needed - set(population))}"
                f", unknown {sorted(set(population) - needed)}. Fix: e.g. population="
                "{'mean': 0.3, 'dispersion': 0.5, 'stability': 0.5}.")
        return CountModel(**population)
    raise ParameterError("audit_claim needs the population: population=CountModel(...) or a "
                         "dict of mean, dispersion, stability; fit_count_model(data, outcome) "
                         "estimates it from a person-period panel.")


def _verdict(r: AuditResult) -> str:
    lo, hi = r.rtm_interval
    claimed = r.claimed_fall
    rtm_pct, claim_pct = 100 * r.rtm_fall / r.claimed_before, 100 * claimed / r.claimed_before
    head = (f"Regression to the mean alone would produce a fall of {rtm_pct:.0f}% "
            f"(95% interval {100 * lo / r.claimed_before:.0f}% to "
            f"{100 * hi / r.claimed_before:.0f}%) against the claimed {claim_pct:.0f}%.")
    if claimed <= hi:
        return head + (" The claimed fall is no larger than regression to the mean produces "
                       "with no intervention at all: it is no evidence that the programme "
                       "worked.")
    return head + (f" Regression to the mean explains about {r.share_explained:.0%} of it; the "
                   "rest could be an effect, but only a comparison group followed over the same "
                   "period can show it.")
