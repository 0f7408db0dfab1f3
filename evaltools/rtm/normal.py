"""Regression to the mean for a normally distributed measure (Barnett, van der Pols &
Dobson 2005, Int J Epidemiol 34:215-220).

If a measure is normal with mean ``mu`` and SD ``sigma`` at both occasions, with
correlation ``r`` between them, a group selected because its first value is above a
cut-off ``c`` changes on average, with no intervention, by

    -sigma * (1 - r) * phi(z) / (1 - Phi(z)),    z = (c - mu) / sigma,

(a fall); below a cut-off the sign and tail flip. Two-sided selection (below ``lo`` or
above ``hi``) moves both tails towards the mean.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize, stats

from ..exceptions import ParameterError
from ..validation import check_number, check_option

__all__ = ["expected_rtm_normal", "solve_rtm_normal"]


def _selected_mean_shift(z_lo: float, z_hi: float) -> float:
    """E[(X - mu)/sigma | X selected] for selection below z_lo or above z_hi (None = no tail)."""
    upper = stats.norm.sf(z_hi) if z_hi is not None else 0.0
    lower = stats.norm.cdf(z_lo) if z_lo is not None else 0.0
    mass = upper + lower
    if mass <= 1e-300:
        raise ParameterError("The cut-off is so extreme that nobody in the population passes "
                             "it (selected share below 1e-300). Fix: check the cut-off against "
                             "the mean and SD.")
    top = stats.norm.pdf(z_hi) if z_hi is not None else 0.0
    bottom = stats.norm.pdf(z_lo) if z_lo is not None else 0.0
    return (top - bottom) / mass


def _check(mean, sd, r, tail):
    check_number(mean, "mean", "expected_rtm_normal")
    check_number(sd, "sd", "expected_rtm_normal", low=0, closed="neither")
    check_number(r, "r", "expected_rtm_normal", low=-1, high=1)
    check_option(tail, "tail", "expected_rtm_normal", ["upper", "lower", "both"])


def _z(cutoff, mean, sd, tail):
    if tail == "both":
        if not (isinstance(cutoff, (tuple, list)) and len(cutoff) == 2 and cutoff[0] < cutoff[1]):
            raise ParameterError("The 'cutoff' parameter of expected_rtm_normal must be a pair "
                                 f"(low, high) with low < high when tail='both'. Got {cutoff!r}.")
        return (cutoff[0] - mean) / sd, (cutoff[1] - mean) / sd
    check_number(cutoff, "cutoff", "expected_rtm_normal")
    z = (cutoff - mean) / sd
    return (None, z) if tail == "upper" else (z, None)


def expected_rtm_normal(mean: float, sd: float, r: float, cutoff, tail: str = "upper", *,
                        n: int | None = None, n_sim: int = 2000,
                        random_state: int | None = None):
    """Expected change from selection to remeasurement with no intervention.

    Parameters
    ----------
    mean, sd : float
        Population mean and SD of the measure (the same at both occasions).
    r : float
        Correlation between the two occasions, in [-1, 1]; 1 means no regression.
    cutoff : float or (float, float)
        Selection threshold; a pair (low, high) with ``tail="both"``.
    tail : {"upper", "lower", "both"}
        Selected above the cut-off, below it, or outside (low, high).
    n : int, optional
        Sample size behind ``mean``, ``sd`` and ``r`` when they are estimates; adds an
        interval from ``n_sim`` draws of the estimates (normal mean, chi-square SD,
        Fisher-z correlation).

    Returns
    -------
    RTMEstimate
        ``change`` (negative is a fall), ``selected_mean`` (mean at selection),
        ``expected_after``, and ``ci_low``/``ci_high`` when ``n`` is given.

    Examples
    --------
    >>> est = expected_rtm_normal(mean=0, sd=1, r=0.5, cutoff=1)
    >>> round(float(est.change), 4)
    -0.7626
    """
    _check(mean, sd, r, tail)
    z_lo, z_hi = _z(cutoff, mean, sd, tail)
    shift = _selected_mean_shift(z_lo, z_hi)
    change = -sd * (1 - r) * shift
    ci = (None, None)
    if n is not None:
        check_number(n, "n", "expected_rtm_normal", low=4, integer=True)
        ci = _simulated_interval(mean, sd, r, cutoff, tail, int(n), n_sim, random_state)
    from .results import RTMEstimate

    return RTMEstimate(change=change, selected_mean=mean + sd * shift,
                       expected_after=mean + sd * shift + change, ci_low=ci[0], ci_high=ci[1],
                       model="normal", inputs=dict(mean=mean, sd=sd, r=r, cutoff=cutoff,
                                                   tail=tail, n=n))


def _simulated_interval(mean, sd, r, cutoff, tail, n, n_sim, random_state):
    rng = np.random.default_rng(random_state)
    means = rng.normal(mean, sd / np.sqrt(n), n_sim)
    sds = sd * np.sqrt(rng.chisquare(n - 1, n_sim) / (n - 1))
    rs = np.tanh(rng.normal(np.arctanh(np.clip(r, -0.999999, 0.999999)), 1 / np.sqrt(n - 3),
                            n_sim))
    changes = []
    for m, s, rr in zip(means, sds, rs, strict=True):
        z_lo, z_hi = _z(cutoff, m, s, tail)
        changes.append(-s * (1 - rr) * _selected_mean_shift(z_lo, z_hi))
    return tuple(np.quantile(changes, [0.025, 0.975]))


def solve_rtm_normal(change: float, mean: float, sd: float, *, r: float | None = None,
                     cutoff: float | None = None, tail: str = "upper") -> float:
    """The correlation, or the cut-off, at which regression to the mean alone gives ``change``.

    Give exactly one of ``r`` and ``cutoff``; the other is solved for.

    Examples
    --------
    >>> round(solve_rtm_normal(-0.7626, mean=0, sd=1, cutoff=1), 3)   # -> r
    0.5
    """
    check_option(tail, "tail", "solve_rtm_normal", ["upper", "lower"])
    if (r is None) == (cutoff is None):
        raise ParameterError("solve_rtm_normal needs exactly one of 'r' and 'cutoff'.")
    wrong_sign = change > 0 if tail == "upper" else change < 0
    if wrong_sign:
        raise ParameterError(f"A group selected in the {tail} tail regresses "
                             f"{'down' if tail == 'upper' else 'up'}; a change of {change} "
                             "cannot come from regression to the mean.")
    if r is None:
        z_lo, z_hi = _z(cutoff, mean, sd, tail)
        solved = 1 - abs(change) / (sd * abs(_selected_mean_shift(z_lo, z_hi)))
        if solved < -1:
            raise ParameterError(f"No correlation in [-1, 1] gives a change of {change}: it is "
                                 "larger than regression to the mean can produce.")
        return float(solved)
    check_number(r, "r", "solve_rtm_normal", low=-1, high=1, closed="left")

    def gap(c):
        return expected_rtm_normal(mean, sd, r, c, tail).change - change

    lo, hi = mean - 8 * sd, mean + 8 * sd
    if np.sign(gap(lo)) == np.sign(gap(hi)):
        raise ParameterError(f"No cut-off within 8 SDs of the mean gives a change of {change} "
                             f"with r={r}.")
    return float(optimize.brentq(gap, lo, hi, xtol=1e-10))
