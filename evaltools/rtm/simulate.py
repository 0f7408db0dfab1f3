"""Simulated after/before ratios of selected cohorts, with work that does not grow with n.

A cohort of ``n`` people picked by a rule has before-counts drawn from the model's
distribution restricted to the rule, and after-counts from the model given each person's
before-count. Small cohorts are simulated person by person. For large ones the
before-counts of a cohort are one multinomial draw of ``n`` over the support (how many
people have 0, 1, 2, ... events), and the after-total given those counts is drawn as a
normal with the exact conditional mean and variance (a sum of ``n`` independent people, so
the central limit theorem applies): the cost is ``n_sim`` times the support, whatever ``n``.
"""

from __future__ import annotations

import numpy as np
from tqdm.auto import tqdm

from .counts import CountModel, selection_weights

__all__ = ["simulate_cohort_ratios", "conditional_moments", "EXACT_LIMIT", "MAX_COHORT"]

EXACT_LIMIT = 20_000_000
"""Person-draws (cohort size x cohorts) up to which cohorts are simulated person by person."""
MAX_COHORT = 1_000_000_000
"""Largest cohort accepted: more people than any health system serves is a typing error."""
_CHUNK = 2_000_000  # person-draws per chunk: about 100 MB of working arrays


def conditional_moments(model: CountModel, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and variance of next period's count given this period's count ``y``.

    Next period's rate is ``L1 B + mu G`` with ``L1 | y ~ Gamma(k + y, 1 / (k/mu + 1))``
    (this period's rate), ``B ~ Beta(rho k, (1 - rho) k)`` its shared share and
    ``G ~ Gamma((1 - rho) k, 1/k)`` the new period-specific part, all independent; the
    count is Poisson given the rate, so its variance is the rate's mean plus its variance.
    """
    k, mu, rho = model.dispersion, model.mean, model.stability
    y = np.asarray(y, float)
    scale = 1 / (k / mu + 1)
    l_mean, l_var = (k + y) * scale, (k + y) * scale**2
    b_mean, b_var = rho, rho * (1 - rho) / (k + 1)
    shared_var = (l_var + l_mean**2) * (b_var + b_mean**2) - (l_mean * b_mean) ** 2
    rate_mean = l_mean * b_mean + mu * (1 - rho)
    rate_var = shared_var + mu**2 * (1 - rho) / k
    return rate_mean, rate_mean + rate_var


def simulate_cohort_ratios(model: CountModel, n: int, n_sim: int, threshold, top,
                           random_state, *, progress: bool = False) -> np.ndarray:
    """after/before ratio of ``n_sim`` simulated selected cohorts of size ``n``."""
    rng = np.random.default_rng(random_state)
    y = model.support()
    prob = model.pmf(y) * selection_weights(model, y, threshold=threshold, top=top)
    prob = prob / prob.sum()
    if n * n_sim <= EXACT_LIMIT:
        return _person_by_person(model, y, prob, n, n_sim, rng, progress)
    return _by_support(model, y, prob, n, n_sim, rng, progress)


def _person_by_person(model, y, prob, n, n_sim, rng, progress):
    k, mu, rho = model.dispersion, model.mean, model.stability
    ratios = np.empty(n_sim)
    chunk = max(1, _CHUNK // n)
    for start in tqdm(range(0, n_sim, chunk), desc="simulated cohorts", unit="chunk",
                      disable=not progress):
        size = (min(chunk, n_sim - start), n)
        y1 = rng.choice(y, size=size, p=prob)
        rate1 = rng.gamma(k + y1, 1 / (k / mu + 1))  # posterior of this period's rate
        shared = rate1 * (rng.beta(rho * k, (1 - rho) * k, size) if 0 < rho < 1 else rho)
        own = mu * rng.gamma((1 - rho) * k, 1 / k, size) if rho < 1 else 0.0
        y2 = rng.poisson(shared + own)
        ratios[start:start + size[0]] = y2.mean(axis=1) / y1.mean(axis=1)
    return ratios


def _by_support(model, y, prob, n, n_sim, rng, progress):
    mean, var = conditional_moments(model, y)
    ratios = np.empty(n_sim)
    chunk = max(1, _CHUNK // len(y))
    for start in tqdm(range(0, n_sim, chunk), desc="simulated cohorts", unit="chunk",
                      disable=not progress):
        m = min(chunk, n_sim - start)
        counts = rng.multinomial(n, prob, size=m)  # people at each before-count
        before = counts @ y
        after = rng.normal(counts @ mean, np.sqrt(counts @ var))
        ratios[start:start + m] = after / before
    return ratios
