"""Sensitivity to unmeasured confounding: E-values and Rosenbaum bounds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ._shared import ResultMixin, TableResult
from .exceptions import EvaltoolsInputError, ParameterError
from .validation import check_number, check_option

__all__ = ["e_value", "rosenbaum_bounds", "EValue", "RosenbaumBounds"]


@dataclass(repr=False)
class EValue(ResultMixin):
    """E-values of an estimate and of its confidence limit closest to the null."""

    estimate: float
    e_estimate: float
    e_limit: float | None
    kind: str
    meta: dict[str, Any] = field(default_factory=dict)
    _title = "E-value (VanderWeele & Ding 2017)"

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"E-value": [self.e_estimate, self.e_limit]},
                            index=["point estimate", "confidence limit"], dtype=float)

    @property
    def reading(self) -> str:
        """A one-line plain-English reading."""
        limit = ("" if self.e_limit is None else
                 f"; to move the confidence interval to include no effect, {self.e_limit:.2f}")
        return (f"To explain away the estimate, an unmeasured confounder would need a risk "
                f"ratio of at least {self.e_estimate:.2f} with both treatment and outcome, "
                f"beyond the measured covariates{limit}.")

    def _notes(self) -> list[str]:
        return [self.reading]


def _e(rr: float) -> float:
    rr = 1 / rr if rr < 1 else rr
    return float(rr + np.sqrt(rr * (rr - 1)))


def _to_rr(value: float, kind: str, rare: bool) -> float:
    if kind in ("rr", "hr") or (kind == "or" and rare):
        return value
    if kind == "or":  # common outcome: square-root approximation
        return float(np.sqrt(value))
    return float(np.exp(0.91 * value))  # "smd": standardised mean difference


def e_value(estimate: float, lower: float | None = None, upper: float | None = None,
            kind: str = "rr", *, rare: bool = True) -> EValue:
    """E-value for a ratio estimate (VanderWeele & Ding 2017, Ann Intern Med 167:268-274).

    The minimum strength of association, on the risk-ratio scale, that an unmeasured
    confounder would need with both treatment and outcome to explain the estimate away:
    ``RR + sqrt(RR (RR - 1))`` for ``RR > 1`` (invert ratios below 1). For the interval,
    the limit closest to 1 (E-value 1 if the interval includes 1).

    Parameters
    ----------
    kind : {"rr", "hr", "or", "smd"}
        Risk or rate ratio; hazard ratio (rare outcome); odds ratio (``rare=False`` uses
        the square-root conversion); standardised mean difference (``RR = exp(0.91 d)``).

    Examples
    --------
    >>> round(e_value(3.9, 1.8, 8.7).e_estimate, 2)
    7.26
    """
    check_option(kind, "kind", "e_value", ["rr", "hr", "or", "smd"])
    if kind != "smd":
        check_number(estimate, "estimate", "e_value", low=0, closed="neither")
    if lower is not None and upper is not None and lower > upper:
        raise ParameterError(f"The interval has lower {lower} above upper {upper}.")
    rr = _to_rr(estimate, kind, rare)
    limit = None
    if lower is not None or upper is not None:
        lo = _to_rr(lower, kind, rare) if lower is not None else None
        hi = _to_rr(upper, kind, rare) if upper is not None else None
        if (lo is not None and lo <= 1 <= (hi if hi is not None else np.inf)) or (
                hi is not None and (lo if lo is not None else 0) <= 1 <= hi):
            limit = 1.0
        else:
            limit = _e(lo if rr > 1 else hi)
    return EValue(estimate=estimate, e_estimate=_e(rr), e_limit=limit, kind=kind,
                  meta={"options": dict(kind=kind, rare=rare, lower=lower, upper=upper)})


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


def rosenbaum_bounds(m_or_differences, outcome: str | None = None,
                     gammas=(1, 1.25, 1.5, 1.75, 2, 2.5, 3), *, alpha: float = 0.05,
                     alternative: str = "greater") -> RosenbaumBounds:
    """Rosenbaum (2002, ch. 4) sensitivity bounds for 1:1 matched pairs.

    ``m_or_differences`` is a MatchResult (1:1, without replacement) with ``outcome``, or
    an array of treated-minus-control pair differences. For each Gamma (the odds ratio of
    treatment between matched units that hidden bias could create) the p-value of the
    signed-rank statistic lies between the returned lower and upper bounds (large-sample
    normal approximation, zero differences dropped, ties given average ranks).
    ``alternative="less"`` tests for a fall (the outcome lower among the treated).

    Examples
    --------
    >>> rb = rosenbaum_bounds(np.array([3.1, 2.0, -0.5, 4.2, 1.1, 0.7, 2.6, -0.2]))
    >>> bool(rb.summary().loc[1.0, "p_upper"] < 0.05)
    True
    """
    check_option(alternative, "alternative", "rosenbaum_bounds", ["greater", "less"])
    d = _pair_differences(m_or_differences, outcome)
    d = -d if alternative == "less" else d
    d = d[d != 0]
    if len(d) == 0:
        raise EvaltoolsInputError("All pair differences are zero: nothing to test.")
    ranks = stats.rankdata(np.abs(d))
    t_plus = ranks[d > 0].sum()
    rows = {}
    for gamma in gammas:
        check_number(gamma, "gammas", "rosenbaum_bounds", low=1)
        p_hi, p_lo = gamma / (1 + gamma), 1 / (1 + gamma)
        row = {}
        for name, p in (("p_upper", p_hi), ("p_lower", p_lo)):
            mean, var = p * ranks.sum(), p * (1 - p) * (ranks**2).sum()
            row[name] = float(stats.norm.sf((t_plus - mean) / np.sqrt(var)))
        rows[float(gamma)] = row
    table = pd.DataFrame.from_dict(rows, orient="index")[["p_lower", "p_upper"]]
    table.index.name = "gamma"
    return RosenbaumBounds(table=table, alpha=alpha, meta={"options": dict(
        alternative=alternative, n_pairs=int(len(d)), t_plus=float(t_plus))})


def _pair_differences(m_or_differences, outcome):
    if not hasattr(m_or_differences, "pairs"):
        return np.asarray(m_or_differences, float)
    m = m_or_differences
    if outcome is None:
        raise ParameterError("rosenbaum_bounds needs outcome= with a MatchResult.")
    if m.pairs.groupby("treated_id").size().max() != 1 or m.pairs.control_id.duplicated().any():
        raise EvaltoolsInputError("Rosenbaum bounds here need 1:1 matched pairs without "
                                  "replacement (each treated with one control, none reused).")
    y = m.data[outcome]
    return (y.loc[m.pairs.treated_id].to_numpy(float)
            - y.loc[m.pairs.control_id].to_numpy(float))
