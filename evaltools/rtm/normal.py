"""Regression to the mean for a normally distributed measure (Barnett, van der Pols &
Dobson 2005, Int J Epidemiol 34:215-220).

If a measure is normal with mean ``mu`` and SD ``sigma`` at both occasions, with
correlation ``r`` between them, a group selected because its first value is above a
cut-off ``c`` changes on average, with no intervention, by

    -sigma * (1 - r) * phi(z) / (1 - Phi(z)),    z = (c - mu) / sigma,

(a fall); below a cut-off the sign and tail flip. Two-sided selection (below ``lo`` or
above ``hi``) moves both tails towards the mean. When people are selected on the mean of
``n`` baseline measurements the within-person variance ``(1 - r) sigma^2`` is divided by
``n`` (Barnett et al. 2005, eq. 2).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import optimize, stats

from .._shared.calls import checked_call
from ..exceptions import DataWarning, ParameterError
from ..validation import check_number, check_option, check_random_state

__all__ = ["expected_rtm_normal", "solve_rtm_normal"]


def _selected_mean_shift(z_lo, z_hi):
    """E[(X - mu)/sigma | X selected] for selection below z_lo or above z_hi (None = no tail).

    Vectorised over arrays of z (the simulated interval evaluates thousands at once).
    """
    upper = stats.norm.sf(z_hi) if z_hi is not None else 0.0
    lower = stats.norm.cdf(z_lo) if z_lo is not None else 0.0
    mass = np.asarray(upper + lower, dtype=float)
    top = stats.norm.pdf(z_hi) if z_hi is not None else 0.0
    bottom = stats.norm.pdf(z_lo) if z_lo is not None else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        shift = (top - bottom) / mass
    return shift, mass


def _shift_or_raise(z_lo, z_hi) -> float:
    shift, mass = _selected_mean_shift(z_lo, z_hi)
    if mass <= 1e-300:
        raise ParameterError("The 'cutoff' is so extreme that nobody in the population passes "
                             "it (selected share below 1e-300). Fix: check the cutoff against "
                             "the mean and SD.")
    return float(shift)


def _check(mean, sd, r, tail, n_baseline):
    func = "expected_rtm_normal"
    check_number(mean, "mean", func, low=-np.inf, high=np.inf, closed="neither")
    check_number(sd, "sd", func, low=0, high=1e150, closed="neither")
    check_number(r, "r", func, low=-1, high=1)
    check_option(tail, "tail", func, ["upper", "lower", "both"])
    check_number(n_baseline, "n_baseline", func, low=1, high=np.inf, closed="left",
                 integer=True)
    if n_baseline > 1 and r < 0:
        raise ParameterError(f"With n_baseline={n_baseline} the correlation r is the share of "
                             "the variance between people, so it must be in [0, 1]. Got "
                             f"{r} instead.")


def _z(cutoff, mean, sd, tail):
    if tail == "both":
        ok = (isinstance(cutoff, (tuple, list)) and len(cutoff) == 2
              and all(isinstance(c, (int, float, np.integer, np.floating))
                      and not isinstance(c, bool) and np.isfinite(c) for c in cutoff)
              and cutoff[0] < cutoff[1])
        if not ok:
            raise ParameterError("The 'cutoff' parameter of expected_rtm_normal must be a pair "
                                 "of finite numbers (low, high) with low < high when "
                                 f"tail='both'. Got {cutoff!r} instead.")
        return (cutoff[0] - mean) / sd, (cutoff[1] - mean) / sd
    check_number(cutoff, "cutoff", "expected_rtm_normal", low=-np.inf, high=np.inf,
                 closed="neither")
    z = (cutoff - mean) / sd
    return (None, z) if tail == "upper" else (z, None)


def _baseline_sd(sd, r, n_baseline):
    """SD of the mean of ``n_baseline`` measurements: between-person variance r sd^2 plus
    within-person variance (1 - r) sd^2 divided by n (Barnett et al. 2005, eq. 2)."""
    return sd * np.sqrt(r + (1 - r) / n_baseline)


@checked_call
def expected_rtm_normal(mean: float, sd: float, r: float, cutoff, tail: str = "upper", *,
                        n_baseline: int = 1, n: int | None = None, n_sim: int = 2000,
                        random_state: int | None = None):
    """Expected change from selection to remeasurement with no intervention.

    Parameters
    ----------
    mean, sd : float
        Population mean and SD of one measurement (the same at both occasions).
    r : float
        Correlation between two single measurements, in [-1, 1]; 1 means no regression.
        It is the share of the variance that lies between people (sigma_b^2 / sigma^2).
    cutoff : float or (float, float)
        Selection threshold; a pair (low, high) with ``tail="both"``.
    tail : {"upper", "lower", "both"}
        Selected above the cut-off, below it, or outside (low, high).
    n_baseline : int
        Selection on the mean of this many baseline measurements. The within-person
        variance is divided by ``n_baseline`` (Barnett, van der Pols & Dobson 2005, eq. 2):
        the change is ``-(sigma_w^2 / n) / sqrt(sigma_b^2 + sigma_w^2 / n) * C(z)`` with
        ``z`` standardised by that same SD, so more baseline measurements mean less
        regression to the mean.
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
    >>> round(float(expected_rtm_normal(0, 1, 0.5, 1, n_baseline=3).change), 4)
    -0.3486
    """
    _check(mean, sd, r, tail, n_baseline)
    check_random_state(random_state, "expected_rtm_normal")
    sd_sel = _baseline_sd(sd, r, n_baseline)
    z_lo, z_hi = _z(cutoff, mean, sd_sel, tail)
    shift = _shift_or_raise(z_lo, z_hi)
    change = -(sd**2 * (1 - r) / n_baseline) / sd_sel * shift
    draws = None
    if n is None:
        _warn_ignored(n_sim, random_state)
    else:
        check_number(n, "n", "expected_rtm_normal", low=4, high=np.inf, closed="left",
                     integer=True)
        check_number(n_sim, "n_sim", "expected_rtm_normal", low=100, high=10_000_000,
                     integer=True)
        draws = _simulated_changes(mean, sd, r, cutoff, tail, n_baseline, int(n), int(n_sim),
                                   random_state)
    ci = (None, None) if draws is None else tuple(np.quantile(draws, [0.025, 0.975]))
    from .results import RTMEstimate

    return RTMEstimate(change=change, selected_mean=mean + sd_sel * shift,
                       expected_after=mean + sd_sel * shift + change, ci_low=ci[0],
                       ci_high=ci[1], model="normal", draws=draws,
                       inputs=dict(mean=mean, sd=sd, r=r, cutoff=cutoff, tail=tail,
                                   n_baseline=n_baseline, n=n))


def _warn_ignored(n_sim, random_state):
    """Simulation options without ``n`` change nothing: say so rather than ignore them."""
    given = [f"{k}={v!r}" for k, v, default in (("n_sim", n_sim, 2000),
                                                 ("random_state", random_state, None))
             if v is not default and v != default]
    if given:
        warnings.warn(f"expected_rtm_normal: {', '.join(given)} ignored: the interval is only "
                      "simulated when n (the sample size behind the inputs) is given. Fix: "
                      "pass n=, or leave these out.", DataWarning, stacklevel=3)


def _simulated_changes(mean, sd, r, cutoff, tail, n_baseline, n, n_sim, random_state):
    """Expected changes under ``n_sim`` draws of the estimated inputs (vectorised)."""
    rng = np.random.default_rng(random_state)
    means = rng.normal(mean, sd / np.sqrt(n), n_sim)
    sds = sd * np.sqrt(rng.chisquare(n - 1, n_sim) / (n - 1))
    rs = np.tanh(rng.normal(np.arctanh(np.clip(r, -0.999999, 0.999999)), 1 / np.sqrt(n - 3),
                            n_sim))
    if n_baseline > 1:
        rs = np.clip(rs, 0, 1)
    sd_sel = _baseline_sd(sds, rs, n_baseline)
    z_lo, z_hi = _z(cutoff, means, sd_sel, tail)
    shift, mass = _selected_mean_shift(z_lo, z_hi)
    changes = -(sds**2 * (1 - rs) / n_baseline) / sd_sel * shift
    return changes[mass > 1e-300]


@checked_call
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
    for name, value in (("change", change), ("mean", mean)):
        check_number(value, name, "solve_rtm_normal", low=-np.inf, high=np.inf,
                     closed="neither")
    check_number(sd, "sd", "solve_rtm_normal", low=0, high=np.inf, closed="neither")
    if (r is None) == (cutoff is None):
        raise ParameterError("solve_rtm_normal needs exactly one of 'r' and 'cutoff'.")
    wrong_sign = change > 0 if tail == "upper" else change < 0
    if wrong_sign:
        raise ParameterError(f"A group selected in the {tail} tail regresses "
                             f"{'down' if tail == 'upper' else 'up'}; a change of {change} "
                             "cannot come from regression to the mean.")
    if r is None:
        z_lo, z_hi = _z(cutoff, mean, sd, tail)
        solved = 1 - abs(change) / (sd * abs(_shift_or_raise(z_lo, z_hi)))
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
