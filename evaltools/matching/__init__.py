"""Matching: propensity, prognostic and Mahalanobis distances; nearest, optimal, exact and
coarsened exact matching; risk-set matching for cohorts where only participants have an
index date. Conventions follow R's MatchIt where it has the same option."""

from .api import match
from .results import MatchResult
from .riskset import match_risk_set

__all__ = ["match", "MatchResult", "match_risk_set"]
