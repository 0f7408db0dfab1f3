"""How strong is the evidence? A rating on the Early Intervention Foundation's scale, and a
record of a claim audit that renders as a one-page summary.

The EIF evidence standards (Early Intervention Foundation, "Evidence standards", 2018;
now Foundations) grade programmes from "not level 2" (no evaluation showing impact) through
level 2 (preliminary evidence: an improvement in outcomes from a study without a robust
comparison), level 3 (efficacy: at least one rigorously conducted randomised or
quasi-experimental evaluation showing a significant positive impact) to level 4
(effectiveness: at least two such evaluations, one of them showing an impact lasting a year
or more, or conducted independently in usual practice). Level 1 marks a logic model
(evidence-based theory of change) alone.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from ._shared import ResultMixin
from ._shared.calls import checked_call
from .exceptions import DataWarning, ParameterError
from .validation import check_bool, check_number, check_option, no_estimates

__all__ = ["rate_design", "DesignRating", "EvidenceClaim"]

DESIGNS = ["rct", "quasi_experimental", "before_after", "none"]
LEVELS = {0: "NL1: no logic model", 1: "Level 1: logic model only",
          1.5: "NL2: no evaluation showing impact", 2: "Level 2: preliminary evidence",
          3: "Level 3: evidence of efficacy", 4: "Level 4: evidence of effectiveness"}


@dataclass(repr=False)
class DesignRating(ResultMixin):
    """The level reached, the reasons, and what would raise it."""

    level: float
    reasons: list[str]
    to_raise: list[str]
    meta: dict[str, Any] = field(default_factory=dict)
    _title = "Evidence rating (EIF standards)"

    @property
    def label(self) -> str:
        return LEVELS[self.level]

    def _estimates(self) -> pd.DataFrame:
        no_estimates(self)

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"": [self.label, "; ".join(self.reasons),
                                  "; ".join(self.to_raise) or "-"]},
                            index=["rating", "why", "what would raise it"])


@checked_call
def rate_design(*, design: str, logic_model: bool = True, comparison: str | None = None,
                baseline_equivalence: bool = False, attrition: float | None = None,
                sample_size: int = 0, significant_positive: bool = False,
                preregistered: bool = False, replications: int = 0,
                long_term: bool = False, independent: bool = False,
                valid_measures: bool = True) -> DesignRating:
    """Rate an evaluation design on the EIF evidence scale from a structured description.

    Parameters
    ----------
    design : {"rct", "quasi_experimental", "before_after", "none"}
    comparison : str, optional
        How the comparison group was built (e.g. "matched on prior use", "other areas").
    baseline_equivalence : bool
        Groups shown to be equivalent at baseline (needed for quasi-experiments).
    attrition : float, optional
        Share of the sample lost to follow-up (over 0.4 is not rigorous; unknown counts
        against).
    sample_size : int
        People analysed (at least 20 per group for a rigorous study).
    significant_positive : bool
        A statistically significant positive impact on a relevant outcome.
    replications : int
        Further rigorous evaluations with the same finding.
    long_term, independent : bool
        Impact lasting a year or more; an evaluation independent of the developer.

    Examples
    --------
    >>> rate_design(design="before_after", significant_positive=True).label
    'Level 2: preliminary evidence'
    """
    check_option(design, "design", "rate_design", DESIGNS)
    flags = dict(logic_model=logic_model, baseline_equivalence=baseline_equivalence,
                 significant_positive=significant_positive, preregistered=preregistered,
                 long_term=long_term, independent=independent, valid_measures=valid_measures)
    for name, value in flags.items():
        check_bool(value, name, "rate_design")
    if comparison is not None and not isinstance(comparison, str):
        raise ParameterError("The 'comparison' parameter of rate_design must be a str or None. "
                             f"Got {comparison!r} instead.")
    check_number(attrition, "attrition", "rate_design", low=0, high=1, allow_none=True)
    check_number(sample_size, "sample_size", "rate_design", low=0, high=10**10, integer=True)
    check_number(replications, "replications", "rate_design", low=0, integer=True)
    _warn_ignored(design, comparison, significant_positive)
    reasons, to_raise = [], []
    if not logic_model:
        return DesignRating(0, ["no logic model (theory of change)"],
                            ["set out a logic model linking activities to outcomes"])
    if design == "none" or not significant_positive:
        why = "no evaluation" if design == "none" else "no significant positive impact shown"
        return DesignRating(1 if design == "none" else 1.5, [why],
                            ["evaluate the programme against its intended outcomes"])
    rigorous = _rigour(design, baseline_equivalence, attrition, sample_size, valid_measures,
                       reasons, to_raise)
    if not rigorous:
        return DesignRating(2, reasons or ["improvement shown without a robust comparison"],
                            to_raise)
    reasons.append(f"rigorous {design.replace('_', '-')} evaluation with a significant "
                   "positive impact")
    if replications >= 1 and (long_term or independent):
        reasons.append(f"{replications} further rigorous evaluation(s); "
                       + ("long-term impact" if long_term else "independent evaluation"))
        return DesignRating(4, reasons, [])
    to_raise.append("a second rigorous evaluation, with impact lasting a year or more or "
                    "run independently" if replications < 1 else
                    "show impact lasting a year or more, or an independent evaluation")
    if not preregistered:
        to_raise.append("pre-register the analysis plan")
    return DesignRating(3, reasons, to_raise)


def _warn_ignored(design, comparison, significant_positive):
    """Options that the design makes meaningless are named, not silently dropped."""
    ignored = []
    if comparison is not None and design in ("before_after", "none"):
        ignored.append(f"comparison={comparison!r} (a {design!r} design has no comparison "
                       "group)")
    if significant_positive and design == "none":
        ignored.append("significant_positive=True (design='none' means no evaluation)")
    if ignored:
        warnings.warn("rate_design: " + "; ".join(ignored) + " ignored. Fix: check the design.",
                      DataWarning, stacklevel=3)


def _rigour(design, equivalence, attrition, n, valid, reasons, to_raise) -> bool:
    ok = True
    if design == "before_after":
        reasons.append("before-and-after only: no comparison group, so regression to the mean "
                       "and trends are not ruled out")
        to_raise.append("add a comparison group (randomised, or matched on prior use)")
        return False
    if design == "quasi_experimental" and not equivalence:
        reasons.append("baseline equivalence of the comparison group not shown")
        to_raise.append("show the groups were equivalent at baseline (e.g. a balance table)")
        ok = False
    if attrition is None or attrition > 0.4:
        reasons.append("attrition unknown" if attrition is None else
                       f"attrition {attrition:.0%} above 40%")
        to_raise.append("report and limit attrition")
        ok = False
    if n < 40:
        reasons.append(f"sample of {n} too small (fewer than 20 per group)")
        to_raise.append("a larger sample")
        ok = False
    if not valid:
        reasons.append("outcome measures not valid and reliable")
        to_raise.append("use validated outcome measures")
        ok = False
    return ok


@dataclass
class EvidenceClaim:
    """What a claim said and what an audit found, for a one-page summary.

    Examples
    --------
    >>> claim = EvidenceClaim(programme="Falls service", claim="47% fewer bed days",
    ...                       design="before_after")
    >>> "Falls service" in claim.to_markdown()
    True
    """

    programme: str
    claim: str
    design: str
    source: str = ""
    rating: DesignRating | None = None
    rtm_share_explained: float | None = None
    claimed_saving_per_pound: float | None = None
    audited_saving_per_pound: float | None = None
    findings: list[str] = field(default_factory=list)

    def __post_init__(self):
        func = "EvidenceClaim"
        for name in ("programme", "claim", "source"):
            value = getattr(self, name)
            if not isinstance(value, str) or (name != "source" and not value.strip()):
                raise ParameterError(f"The '{name}' parameter of {func} must be a non-empty str"
                                     f"{'' if name != 'source' else ' (or left out)'}. Got "
                                     f"{value!r} instead.")
        check_option(self.design, "design", func, DESIGNS)
        if self.rating is not None and not isinstance(self.rating, DesignRating):
            raise ParameterError(f"The 'rating' parameter of {func} must be a DesignRating "
                                 "(from rate_design) or None. Got "
                                 f"{type(self.rating).__name__} {self.rating!r} instead.")
        for name in ("rtm_share_explained", "claimed_saving_per_pound",
                     "audited_saving_per_pound"):
            check_number(getattr(self, name), name, func, low=-float("inf"),
                         high=float("inf"), closed="neither", allow_none=True)
        if not isinstance(self.findings, (list, tuple)) or not all(
                isinstance(f, str) for f in self.findings):
            raise ParameterError(f"The 'findings' parameter of {func} must be a list of str "
                                 f"(one sentence each). Got {self.findings!r} instead.")
        self.findings = list(self.findings)

    def _rows(self) -> list[tuple[str, str]]:
        rows = [("Programme", self.programme), ("Claim", self.claim),
                ("Design", self.design.replace("_", " ")), ("Source", self.source or "-")]
        if self.rating is not None:
            rows.append(("Evidence rating", self.rating.label))
        if self.rtm_share_explained is not None:
            rows.append(("Share of the claimed fall from regression to the mean",
                         f"{self.rtm_share_explained:.0%}"))
        if self.claimed_saving_per_pound is not None:
            rows.append(("Claimed saving per GBP 1", f"{self.claimed_saving_per_pound:.2f}"))
        if self.audited_saving_per_pound is not None:
            rows.append(("Saving per GBP 1 after audit", f"{self.audited_saving_per_pound:.2f}"))
        return rows

    def to_markdown(self) -> str:
        # Markdown passes HTML through, and a '|' would split a table cell: escape both.
        lines = [f"## Evidence audit: {_md(self.programme)}", "", "| | |", "| --- | --- |"]
        lines += [f"| {_md(k)} | {_md(v)} |" for k, v in self._rows()]
        lines += [""] + [f"- {_md(f)}" for f in self.findings]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                       f"<td>{html.escape(v)}</td></tr>" for k, v in self._rows())
        items = "".join(f"<li>{html.escape(f)}</li>" for f in self.findings)
        return (f"<div><h3>Evidence audit: {html.escape(self.programme)}</h3>"
                f"<table>{rows}</table><ul>{items}</ul></div>")

    def to_dict(self) -> dict:
        out = asdict(self)
        out["rating"] = None if self.rating is None else self.rating.label
        return out


def _md(text: str) -> str:
    """Text safe inside Markdown: HTML escaped, table pipes and line breaks neutralised."""
    return html.escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ")
