"""Regression to the mean for counts (admissions, bed days, A&E visits).

The model: person ``i``'s underlying rate in period ``t`` is ``lambda_it = mu * (G0_i + G_it)``
with ``G0_i ~ Gamma(rho k, 1/k)`` shared by all periods and ``G_it ~ Gamma((1 - rho) k, 1/k)``
specific to the period, independent. Then each period's rate is Gamma with mean ``mu`` and
shape ``k`` (so counts ``Y_it | lambda_it ~ Poisson`` are negative binomial with variance
``mu + mu^2 / k``), and the correlation of the rates of two periods is ``rho``: the
stability. Because ``G0 / (G0 + G_t)`` is Beta-distributed independently of the sum,

    E[Y_2 | Y_1 = y] = rho * (k + y) / (k / mu + 1) + (1 - rho) * mu,

exactly. ``rho = 1`` gives the Bayes shrinkage of a stable rate; ``rho = 0`` gives full
regression to the population mean. Selection rules (at least ``c`` events, or the top
``x`` share by count with ties split at random) are summed exactly over the negative
binomial distribution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from .._shared.calls import checked_call
from ..exceptions import ParameterError
from ..validation import check_number, check_random_state
from .results import RTMEstimate

__all__ = ["CountModel", "expected_rtm_counts", "MAX_SUPPORT"]

MAX_SUPPORT = 2_000_000
"""Most count values a model's exact sums run over (about 100 MB of working arrays)."""


@dataclass(frozen=True)
class CountModel:
    """Population model of a count measure: ``mean`` per period, gamma ``dispersion``
    (shape ``k``; smaller is more unequal) and period-to-period ``stability`` (rho).

    Examples
    --------
    >>> model = CountModel(mean=0.3, dispersion=0.5, stability=0.6)
    >>> round(model.variance, 3)
    0.48
    """

    mean: float
    dispersion: float
    stability: float

    def __post_init__(self):
        check_number(self.mean, "mean", "CountModel", low=0, high=np.inf, closed="neither")
        check_number(self.dispersion, "dispersion", "CountModel", low=0, high=np.inf,
                     closed="neither")
        check_number(self.stability, "stability", "CountModel", low=0, high=1)

    @property
    def variance(self) -> float:
        return self.mean + self.mean**2 / self.dispersion

    def pmf(self, y: np.ndarray) -> np.ndarray:
        """Probability of each count ``y`` in one period."""
        k, mu = self.dispersion, self.mean
        return stats.nbinom.pmf(_counts(y, "CountModel.pmf"), k, k / (k + mu))

    def expected_next(self, y: np.ndarray) -> np.ndarray:
        """E[count next period | count this period = y]."""
        k, mu, rho = self.dispersion, self.mean, self.stability
        y = _counts(y, "CountModel.expected_next")
        return rho * (k + y) / (k / mu + 1) + (1 - rho) * mu

    def support(self) -> np.ndarray:
        """Counts 0..top, where top leaves less than 1e-13 of the distribution above it.

        Refuses a model whose support would exceed ``MAX_SUPPORT`` values (the sums over it
        would need more memory and time than a summary calculation should), with the figure.
        """
        k, mu = self.dispersion, self.mean
        top = stats.nbinom.isf(1e-13, k, k / (k + mu))
        if not np.isfinite(top) or top + 2 > MAX_SUPPORT:
            raise ParameterError(
                f"The count model (mean {mu:g}, dispersion {k:g}) puts counts up to about "
                f"{top:,.0f} within reach: summing over that support needs "
                f"{(top + 2) * 8 * 6 / 1e9:,.1f} GB, above the limit of {MAX_SUPPORT:,} "
                "values. Fix: express the measure per person per period (a mean of a few "
                "events), or check the mean and dispersion.")
        return np.arange(int(top) + 2)

    def simulate(self, n: int, periods: int = 2, random_state=None) -> np.ndarray:
        """Counts of ``n`` people over ``periods`` periods (n x periods), from the model."""
        check_number(n, "n", "CountModel.simulate", low=1, high=1e9, integer=True)
        check_number(periods, "periods", "CountModel.simulate", low=1, high=1000,
                     integer=True)
        check_random_state(random_state, "CountModel.simulate")
        if n * periods > 200_000_000:
            raise ParameterError(f"CountModel.simulate would draw {n * periods:,} counts "
                                 f"({n * periods * 8 / 1e9:,.1f} GB); the limit is 200,000,000. "
                                 "Fix: simulate fewer people or periods.")
        rng = np.random.default_rng(random_state)
        k, mu, rho = self.dispersion, self.mean, self.stability
        shared = rng.gamma(rho * k, 1 / k, n) if rho > 0 else np.zeros(n)
        own = (rng.gamma((1 - rho) * k, 1 / k, (n, periods)) if rho < 1
               else np.zeros((n, periods)))
        return rng.poisson(mu * (shared[:, None] + own))


def _counts(y, func: str) -> np.ndarray:
    """Counts as a float array: finite and non-negative (a negative count has no meaning)."""
    try:
        arr = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(f"The 'y' parameter of {func} must be counts (numbers >= 0). Got "
                             f"{y!r} instead.") from None
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        raise ParameterError(f"The 'y' parameter of {func} must be finite counts >= 0; "
                             f"{int(bad.sum())} value(s) are not, e.g. "
                             f"{arr[bad].ravel()[:5].tolist()}.")
    return arr


def check_model(model, func: str) -> None:
    """Refuse anything but a :class:`CountModel` where one is expected."""
    if not isinstance(model, CountModel):
        raise ParameterError(f"The 'model' parameter of {func} must be a CountModel (mean, "
                             "dispersion, stability), e.g. from fit_count_model. Got "
                             f"{type(model).__name__} instead.")


def selection_weights(model: CountModel, y: np.ndarray, *, threshold=None, top=None):
    """Share of people with each count ``y`` who are selected by the rule."""
    if (threshold is None) == (top is None):
        raise ParameterError("Give exactly one selection rule: threshold= (at least this many "
                             "events) or top= (the highest share by count, e.g. 0.05).")
    if threshold is not None:
        check_number(threshold, "threshold", "expected_rtm_counts", low=0, high=np.inf,
                     closed="left")
        weights = (y >= threshold).astype(float)
    else:
        check_number(top, "top", "expected_rtm_counts", low=0, high=1, closed="right")
        top = float(top)
        pmf = model.pmf(y)
        above = np.cumsum(pmf[::-1])[::-1] - pmf  # P(Y > y)
        weights = np.clip((top - above) / np.where(pmf > 0, pmf, 1), 0, 1)
    if (weights * model.pmf(y)).sum() < 1e-12:
        raise ParameterError(f"Nobody in the population passes the rule (threshold={threshold}, "
                             f"top={top}) under a mean of {model.mean}: selected share below "
                             "1e-12. Fix: check the rule against the population's counts.")
    return weights


@checked_call
def expected_rtm_counts(model: CountModel, *, threshold: float | None = None,
                        top: float | None = None) -> RTMEstimate:
    """Expected counts of a selected group now and next period, with no intervention.

    Parameters
    ----------
    model : CountModel
        The population's mean, dispersion and stability (see :func:`fit_count_model`).
    threshold : float, optional
        Select people with at least this many events in the selection period.
    top : float, optional
        Select the highest ``top`` share of people by count (ties split at random).

    Examples
    --------
    >>> model = CountModel(mean=0.3, dispersion=0.5, stability=0.5)
    >>> est = expected_rtm_counts(model, threshold=2)
    >>> round(est.selected_mean, 3), round(est.expected_after, 3)
    (2.48, 0.709)
    """
    check_model(model, "expected_rtm_counts")
    y = model.support()
    weights = selection_weights(model, y, threshold=threshold, top=top)
    mass = model.pmf(y) * weights
    selected = float((mass * y).sum() / mass.sum())
    after = float((mass * model.expected_next(y)).sum() / mass.sum())
    return RTMEstimate(change=after - selected, selected_mean=selected, expected_after=after,
                       model="negative binomial (gamma rates, shared + period-specific)",
                       inputs=dict(mean=model.mean, dispersion=model.dispersion,
                                   stability=model.stability, threshold=threshold, top=top,
                                   selected_share=float(mass.sum())))
