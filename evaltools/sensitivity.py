"""Sensitivity to unmeasured confounding: E-values and Rosenbaum bounds."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ._shared import ResultMixin, TableResult, run_meta
from ._shared.calls import checked_call
from .exceptions import DataWarning, EvaltoolsInputError, ParameterError, SchemaError
from .validation import (
    check_bool,
    check_finite,
    check_number,
    check_option,
    examples,
    no_estimates,
)

__all__ = ["e_value", "rosenbaum_bounds", "EValue", "RosenbaumBounds"]


@dataclass(repr=False)
class EValue(ResultMixin):
    """E-values of an estimate and of its confidence limit closest to the true effect.

    No standard error is involved, so ``tidy()`` and ``conf_int()`` do not apply.
    """

    estimate: float
    e_estimate: float
    e_limit: float | None
    kind: str
    true: float = 1.0
    rr: float = float("nan")
    meta: dict[str, Any] = field(default_factory=dict)
    _title = "E-value (VanderWeele & Ding 2017)"

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"E-value": [self.e_estimate, self.e_limit]},
                            index=["point estimate", "confidence limit"], dtype=float)

    @property
    def reading(self) -> str:
        """A one-line plain-English reading."""
        target = ("explain away the estimate" if self.true == 1 else
                  f"move the estimate to a true risk ratio of {self.true:g}")
        limit = ("" if self.e_limit is None else
                 f"; to move the confidence interval to include it, {self.e_limit:.2f}")
        return (f"To {target}, an unmeasured confounder would need a risk "
                f"ratio of at least {self.e_estimate:.2f} with both treatment and outcome, "
                f"beyond the measured covariates{limit}.")

    def _notes(self) -> list[str]:
        return [self.reading]

    def _estimates(self) -> pd.DataFrame:
        no_estimates(self)


def _threshold(rr: float, true: float) -> float:
    """E-value of a risk ratio against a true risk ratio (EValue's ``threshold``)."""
    # numpy floats: a risk ratio that underflowed to 0 gives inf (refused by e_value), not
    # a ZeroDivisionError.
    rr, true = np.float64(rr), np.float64(true)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        if rr <= 1:  # protective: work on the inverted scale
            rr, true = 1 / rr, 1 / true
        if true <= rr:  # bias towards the true value
            return float((rr + np.sqrt(rr * (rr - true))) / true)
        ratio = true / rr  # the true effect lies beyond the estimate
        return float(ratio + np.sqrt(ratio * (ratio - 1)))


def _to_rr(value: float, kind: str, rare: bool) -> float:
    """Approximate risk ratio, with the conversions of the EValue package (``toRR``)."""
    if kind == "rr" or (kind in ("or", "hr") and rare):
        return float(value)
    if kind == "or":  # common outcome: square-root approximation
        return float(np.sqrt(value))
    if kind == "hr":  # common outcome: VanderWeele (2020, Biometrics 76:746)
        return float((1 - 0.5 ** np.sqrt(value)) / (1 - 0.5 ** np.sqrt(1 / value)))
    with np.errstate(over="ignore"):  # an overflow is refused by e_value
        return float(np.exp(0.91 * value))  # "smd": standardised mean difference


def _check_e_inputs(estimate, lower, upper, kind, true):
    positive = kind != "smd"
    low = 0 if positive else -np.inf
    for name, value in (("estimate", estimate), ("lower", lower), ("upper", upper),
                        ("true", true)):
        check_number(value, name, "e_value", low=low, high=np.inf, closed="neither",
                     allow_none=name != "estimate")
    if lower is not None and upper is not None and lower > upper:
        raise ParameterError(f"The interval has lower {lower} above upper {upper}. Fix: "
                             "pass the lower confidence limit first.")
    if (lower is not None and estimate < lower) or (upper is not None and estimate > upper):
        raise ParameterError(f"The estimate {estimate} lies outside its confidence interval "
                             f"({lower}, {upper}). Fix: check the order of the arguments.")


@checked_call
def e_value(estimate: float, lower: float | None = None, upper: float | None = None,
            kind: str = "rr", *, rare: bool = True, true: float | None = None) -> EValue:
    """E-value for a ratio estimate (VanderWeele & Ding 2017, Ann Intern Med 167:268-274).

    The minimum strength of association, on the risk-ratio scale, that an unmeasured
    confounder would need with both treatment and outcome to move the estimate to the
    true effect ``true`` (no effect by default): ``RR + sqrt(RR (RR - true))`` over
    ``true`` for ``RR > true`` (ratios below 1 are inverted). For the interval, the limit
    closest to ``true`` (E-value 1 if the interval includes it). Follows R's EValue
    (``evalues.RR``/``OR``/``HR``/``MD``; its ``est``, ``lo``, ``hi``, ``rare``, ``true``).

    Parameters
    ----------
    kind : {"rr", "hr", "or", "smd"}
        Risk or rate ratio; hazard ratio; odds ratio; standardised mean difference
        (``RR = exp(0.91 d)``).
    rare : bool
        Outcome rare (under 15% by the end of follow-up). With ``rare=False`` an odds
        ratio becomes ``sqrt(OR)`` and a hazard ratio ``(1 - 0.5^sqrt(HR)) /
        (1 - 0.5^sqrt(1/HR))`` before the E-value is computed, as EValue's ``toRR`` does;
        the limits and ``true`` are converted the same way.
    true : float, optional
        The true effect to shift the estimate to, on the scale of ``kind`` (default 1, or
        0 for ``"smd"``): a "non-null" E-value.

    Examples
    --------
    >>> round(e_value(3.9, 1.8, 8.7).e_estimate, 2)
    7.26
    >>> round(e_value(2.5, true=1.5).e_estimate, 4)   # EValue vignette: 2.720759
    2.7208
    """
    check_option(kind, "kind", "e_value", ["rr", "hr", "or", "smd"])
    rare = check_bool(rare, "rare", "e_value")
    if not rare and kind in ("rr", "smd"):
        warnings.warn(f"e_value: rare=False is ignored for kind={kind!r}: only odds and hazard "
                      "ratios are converted for a common outcome. Fix: leave rare out, or "
                      "give kind='or' or 'hr'.", DataWarning, stacklevel=2)
    _check_e_inputs(estimate, lower, upper, kind, true)
    true = (0.0 if kind == "smd" else 1.0) if true is None else true
    rr, rr_true = _to_rr(estimate, kind, rare), _to_rr(true, kind, rare)
    lo = None if lower is None else _to_rr(lower, kind, rare)
    hi = None if upper is None else _to_rr(upper, kind, rare)
    limit = None
    if rr == rr_true and (lo is not None or hi is not None):
        limit = 1.0
    elif rr > rr_true and lo is not None:
        limit = 1.0 if lo < rr_true else _threshold(lo, rr_true)
    elif rr < rr_true and hi is not None:
        limit = 1.0 if hi > rr_true else _threshold(hi, rr_true)
    e_estimate = _threshold(rr, rr_true)
    if not (np.isfinite(e_estimate) and (limit is None or np.isfinite(limit))):
        # A ratio of 1e-320 or a difference of 1e300 overflows on the risk-ratio scale.
        which, value = (("estimate", estimate) if not np.isfinite(e_estimate)
                        else ("lower/upper", (lower, upper)))
        raise ParameterError(f"The '{which}' parameter of e_value is too extreme to give an "
                             f"E-value (got {value!r}; on the risk-ratio scale it is "
                             f"{rr if which == 'estimate' else (lo, hi)!r}). Fix: check the "
                             "scale: ratios as e.g. 1.5, a standardised difference as e.g. 0.3.")
    return EValue(estimate=estimate, e_estimate=e_estimate, e_limit=limit,
                  kind=kind, true=rr_true, rr=rr,
                  meta=run_meta(dict(kind=kind, rare=rare, lower=lower, upper=upper,
                                     true=true)))


@dataclass(repr=False)
class RosenbaumBounds(TableResult):
    """Bounds on the one-sided p-value of Wilcoxon's signed-rank test under hidden bias."""

    alpha: float
    _title = "Rosenbaum bounds (Wilcoxon signed-rank, matched pairs)"

    @property
    def gamma_lost(self) -> float | None:
        """Smallest Gamma at which the upper-bound p-value exceeds ``alpha``."""
        lost = self.table.index[self.table["p_upper"] > self.alpha]
        return float(lost.min()) if len(lost) else None

    @property
    def reading(self) -> str:
        g = self.gamma_lost
        if g is None:
            return (f"The effect stays significant at {self.alpha} for every Gamma tested: a "
                    "hidden bias would have to be stronger than the largest tried.")
        if g == self.table.index.min():
            return "The effect is not significant even with no hidden bias (Gamma = 1)."
        return (f"The effect stops being significant at {self.alpha} if an unmeasured "
                f"factor could make one member of a matched pair {g:g} times as likely as "
                "the other to be treated.")

    def _notes(self) -> list[str]:
        return [self.reading]

    def _estimates(self) -> pd.DataFrame:
        no_estimates(self)


@checked_call
def rosenbaum_bounds(m_or_differences, outcome: str | None = None,
                     gammas=(1, 1.25, 1.5, 1.75, 2, 2.5, 3), *, alpha: float = 0.05,
                     alternative: str = "greater", zeros: str = "keep") -> RosenbaumBounds:
    """Rosenbaum (2002, ch. 4) sensitivity bounds for 1:1 matched pairs.

    ``m_or_differences`` is a MatchResult (1:1, without replacement) with ``outcome``, or
    an array of treated-minus-control pair differences. For each Gamma (the odds ratio of
    treatment between matched units that hidden bias could create) the p-value of the
    signed-rank statistic lies between the returned lower and upper bounds (large-sample
    normal approximation, ties given average ranks). ``alternative="less"`` tests for a
    fall (the outcome lower among the treated). Follows R's DOS2 ``senWilcox(d, gamma,
    alternative)``: ``m_or_differences`` is ``d`` and ``gammas`` the ``gamma`` values; the
    upper bound ``p_upper`` is its ``pval``.

    Parameters
    ----------
    zeros : {"keep", "drop"}
        Zero pair differences. ``"keep"`` (default) ranks them with the others and gives
        them a score of zero, as Rosenbaum's own code does (DOS2 ``senWilcox``, which
        reproduces Tables 4.3 and 4.4 of Rosenbaum 2002); ``"drop"`` removes them before
        ranking, as rbounds' ``psens`` (Keele 2010) does.

    Examples
    --------
    >>> rb = rosenbaum_bounds(np.array([3.1, 2.0, -0.5, 4.2, 1.1, 0.7, 2.6, -0.2]))
    >>> bool(rb.summary().loc[1.0, "p_upper"] < 0.05)
    True
    """
    check_option(alternative, "alternative", "rosenbaum_bounds", ["greater", "less"])
    check_option(zeros, "zeros", "rosenbaum_bounds", ["keep", "drop"])
    check_number(alpha, "alpha", "rosenbaum_bounds", low=0, high=1, closed="neither")
    gammas = _check_gammas(gammas)
    if outcome is not None and not hasattr(m_or_differences, "pairs"):
        warnings.warn(f"rosenbaum_bounds: outcome={outcome!r} is ignored: the first argument is "
                      "already the pair differences. Fix: pass a MatchResult with outcome=, or "
                      "leave outcome out.", DataWarning, stacklevel=2)
    d = _pair_differences(m_or_differences, outcome)
    d = -d if alternative == "less" else d
    n_zero = int((d == 0).sum())
    if zeros == "drop":
        d = d[d != 0]
    if not (d != 0).any():
        raise EvaltoolsInputError(f"All {n_zero} pair differences are zero: there is nothing "
                                  "to test. Fix: check the outcome and the pairs.")
    n_nonzero = int((d != 0).sum())
    if 0.5 ** n_nonzero > alpha:
        # Even with every pair favouring treatment, the exact signed-rank p-value is 0.5^n.
        warnings.warn(f"rosenbaum_bounds: only {n_nonzero} non-zero pair difference(s); the "
                      f"smallest p-value any signed-rank test could give is 0.5^{n_nonzero} = "
                      f"{0.5 ** n_nonzero:.3g}, above alpha={alpha}, and the normal "
                      "approximation used here is poor. Fix: use more pairs.",
                      DataWarning, stacklevel=2)
    # Zeros take part in the ranking but score 0 (DOS2 senWilcox: rank(|d|) * (|d| > 0)).
    ranks = stats.rankdata(np.abs(d)) * (d != 0)
    t_plus = ranks[d > 0].sum()
    p_hi, p_lo = gammas / (1 + gammas), 1 / (1 + gammas)
    out = {}
    for name, p in (("p_lower", p_lo), ("p_upper", p_hi)):
        mean, var = p * ranks.sum(), p * (1 - p) * (ranks**2).sum()
        out[name] = stats.norm.sf((t_plus - mean) / np.sqrt(var))
    table = pd.DataFrame(out, index=pd.Index(gammas, name="gamma"))
    return RosenbaumBounds(table=table, alpha=alpha, meta=run_meta(dict(
        alternative=alternative, zeros=zeros, n_pairs=int(len(d)), n_zero=n_zero,
        t_plus=float(t_plus))))


MAX_GAMMAS = 10_000
"""Most Gamma values tried at once: a sensitivity table needs tens, not millions."""


def _check_gammas(gammas) -> np.ndarray:
    size = np.size(gammas) if not isinstance(gammas, str) else 1
    if size > MAX_GAMMAS:
        raise ParameterError(f"The 'gammas' parameter of rosenbaum_bounds lists {size:,} "
                             f"values; the limit is {MAX_GAMMAS:,}. Fix: a grid such as "
                             "np.arange(1, 5.01, 0.25) is enough to find where significance "
                             "is lost.")
    values = np.atleast_1d(np.asarray(gammas, dtype=object))
    if values.ndim > 1:
        raise ParameterError("The 'gammas' parameter of rosenbaum_bounds must be a flat list of "
                             f"Gamma values. Got an array of shape {values.shape} instead.")
    if values.size == 0:
        raise ParameterError("The 'gammas' parameter of rosenbaum_bounds must list at least "
                             "one Gamma >= 1. Got an empty list instead.")
    for gamma in values.ravel():
        check_number(gamma, "gammas", "rosenbaum_bounds", low=1, high=np.inf, closed="left")
    return values.ravel().astype(float)


def _pair_differences(m_or_differences, outcome):
    if not hasattr(m_or_differences, "pairs"):
        kind = _dtype_kind(m_or_differences)
        if kind in "mMc":
            # numpy would read dates and durations as nanosecond counts, complex as real part.
            raise EvaltoolsInputError(
                "rosenbaum_bounds needs real-number pair differences (treated minus control); "
                f"got {_dtype_kind(m_or_differences, name=True)} values. Fix: convert, e.g. "
                "durations to days with .dt.days.")
        try:
            d = np.asarray(m_or_differences, dtype=float)
        except (TypeError, ValueError) as err:
            raise EvaltoolsInputError("rosenbaum_bounds needs numeric pair differences "
                                      f"(treated minus control); could not read them: {err}."
                                      ) from None
        if d.ndim != 1 or len(d) == 0:
            raise EvaltoolsInputError("rosenbaum_bounds needs a non-empty 1-D array of pair "
                                      f"differences; got shape {d.shape}.")
        _refuse_non_finite(d, "the pair differences")
        return d
    m = m_or_differences
    if outcome is None:
        raise ParameterError("rosenbaum_bounds needs outcome= with a MatchResult.")
    if not isinstance(outcome, str):
        raise ParameterError("The 'outcome' parameter of rosenbaum_bounds must be a column "
                             f"name (str). Got {outcome!r} instead.")
    if outcome not in m.data.columns:
        raise SchemaError(f"The matched data has no column '{outcome}'. Fix: pass the name "
                          "of an outcome column of the data given to match.")
    if outcome == getattr(m, "treatment", None):
        raise ParameterError(f"The 'outcome' parameter of rosenbaum_bounds is '{outcome}', the "
                             "treatment column of the match: every pair difference would be 1. "
                             "Fix: pass the outcome column measured after treatment.")
    if m.pairs.groupby("treated_id").size().max() != 1 or m.pairs.control_id.duplicated().any():
        raise EvaltoolsInputError("Rosenbaum bounds here need 1:1 matched pairs without "
                                  "replacement (each treated with one control, none reused).")
    if pd.api.types.is_complex_dtype(m.data[outcome]):
        raise SchemaError(f"Column '{outcome}' of the matched data holds complex numbers. Fix: "
                          "keep the real part, e.g. df[col] = df[col].to_numpy().real.")
    check_finite(m.data.loc[np.r_[m.pairs.treated_id, m.pairs.control_id]], [outcome],
                 "matched data", fix="drop the pairs with a missing outcome before calling")
    y = m.data[outcome]
    return (y.loc[m.pairs.treated_id].to_numpy(float)
            - y.loc[m.pairs.control_id].to_numpy(float))


def _refuse_non_finite(values: np.ndarray, what: str) -> None:
    bad = ~np.isfinite(values)
    if bad.any():
        raise EvaltoolsInputError(
            f"{what[0].upper() + what[1:]} contain {int(np.isnan(values).sum())} missing and "
            f"{int(np.isinf(values).sum())} infinite value(s), at positions "
            f"{examples(np.flatnonzero(bad))}. Fix: drop those pairs before calling.")


def _dtype_kind(values, name: bool = False) -> str:
    """numpy's dtype kind (or name) of ``values``; "O" for ragged input numpy cannot read."""
    try:
        dtype = np.asarray(values).dtype
    except (TypeError, ValueError):
        return "object" if name else "O"
    return str(dtype) if name else dtype.kind
