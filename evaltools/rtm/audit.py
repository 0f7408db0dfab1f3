"""Audit a published before-and-after claim with summary figures only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .._shared import ResultMixin, run_meta
from ..exceptions import ParameterError
from ..validation import check_number
from .counts import CountModel, expected_rtm_counts, selection_weights
from .fit import fit_count_model

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
    _title = "Regression-to-the-mean audit of a before-and-after claim"

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
        """Claimed before and after beside the after expected from RTM alone."""
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        lo, hi = self.rtm_interval
        labels = ["before (claimed)", "after (claimed)", "after, no effect\n(RTM alone)"]
        values = [self.claimed_before, self.claimed_after, self.rtm_after]
        bars = ax.bar(labels, values, color=["#888888", "#1f77b4", "#ff7f0e"], **kwargs)
        ax.errorbar(2, self.rtm_after, yerr=[[self.rtm_after - (self.claimed_before - hi)],
                                             [(self.claimed_before - lo) - self.rtm_after]],
                    color="black", capsize=6)
        ax.bar_label(bars, fmt="%.2f")
        ax.set_ylabel("mean use per person per period")
        ax.set_title(f"RTM explains {self.share_explained:.0%} of the claimed fall")
        return ax


def audit_claim(before: float, after: float, n: int, *, threshold: float | None = None,
                top: float | None = None, population: CountModel | dict | None = None,
                panel: pd.DataFrame | None = None, measure: str | None = None,
                id_col: str = "person_id", period_col: str = "rel_period",
                n_sim: int = 2000, random_state: int | None = None) -> AuditResult:
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
        The population the cohort was drawn from (mean, dispersion, stability). Or give
        ``panel`` and ``measure`` to fit it with :func:`fit_count_model`.
    n_sim : int
        Simulated cohorts for the interval.

    Examples
    --------
    >>> res = audit_claim(before=2.9, after=1.54, n=500, threshold=2,
    ...                   population={"mean": 0.3, "dispersion": 0.5, "stability": 0.5},
    ...                   random_state=1)
    >>> res.share_explained > 0.9
    True
    """
    _check_claim(before, after, n)
    check_number(n_sim, "n_sim", "audit_claim", low=100, integer=True)
    model = _population(population, panel, measure, id_col, period_col)
    expected = expected_rtm_counts(model, threshold=threshold, top=top)
    ratio = expected.expected_after / expected.selected_mean
    sims = _simulate_cohort_ratios(model, int(n), n_sim, threshold, top, random_state)
    interval = tuple(before * (1 - np.quantile(sims, [0.975, 0.025])))  # falls, low..high
    rtm_after = before * ratio
    result = AuditResult(claimed_before=before, claimed_after=after, n=int(n),
                         rtm_after=rtm_after, rtm_interval=interval, model=model, verdict="",
                         meta=run_meta(dict(threshold=threshold, top=top, n_sim=n_sim),
                                       random_state=random_state))
    result.verdict = _verdict(result)
    return result


def _check_claim(before, after, n):
    check_number(before, "before", "audit_claim", low=0, closed="neither")
    check_number(after, "after", "audit_claim", low=0)
    check_number(n, "n", "audit_claim", low=1, integer=True)
    if after >= before:
        raise ParameterError(f"The claim shows no fall (after {after} >= before {before}). A "
                             "cohort selected for high use is expected to fall, so there is no "
                             "fall to audit; check that before and after are not swapped.")


def _population(population, panel, measure, id_col, period_col) -> CountModel:
    if isinstance(population, CountModel):
        return population
    if isinstance(population, dict):
        return CountModel(**population)
    if panel is not None and measure is not None:
        return fit_count_model(panel, measure, id_col=id_col, period_col=period_col)
    raise ParameterError("audit_claim needs the population: population=CountModel(...) or a "
                         "dict of mean, dispersion, stability, or panel= and measure= to fit it.")


def _simulate_cohort_ratios(model, n, n_sim, threshold, top, random_state):
    """after/before ratio of simulated selected cohorts of size n with no intervention."""
    rng = np.random.default_rng(random_state)
    y = model.support()
    prob = model.pmf(y) * selection_weights(model, y, threshold=threshold, top=top)
    k, mu, rho = model.dispersion, model.mean, model.stability
    ratios = np.empty(n_sim)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, n_sim, chunk):
        size = (min(chunk, n_sim - start), n)
        y1 = rng.choice(y, size=size, p=prob / prob.sum())
        rate1 = rng.gamma(k + y1, 1 / (k / mu + 1))  # posterior of this period's rate
        shared = rate1 * (rng.beta(rho * k, (1 - rho) * k, size) if 0 < rho < 1 else rho)
        own = mu * rng.gamma((1 - rho) * k, 1 / k, size) if rho < 1 else 0.0
        y2 = rng.poisson(shared + own)
        ratios[start:start + size[0]] = y2.mean(axis=1) / y1.mean(axis=1)
    return ratios


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
