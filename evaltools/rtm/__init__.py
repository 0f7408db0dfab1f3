"""Regression to the mean: theory, count models, cohort trajectories, claim audits.

People chosen because their use is high now use less later with or without help. These
tools measure how much: for normal measures (Barnett, van der Pols & Dobson 2005) and
counts (a gamma-Poisson model with period-to-period stability), from a person-period
panel (trajectories of a selected cohort), and from a report's summary figures alone.
"""

from .audit import AuditResult, audit_claim
from .counts import CountModel, expected_rtm_counts
from .decompose import DecompositionResult, decompose_change, decompose_with_model
from .fit import fit_count_model
from .normal import expected_rtm_normal, solve_rtm_normal
from .results import RTMEstimate
from .trajectory import TrajectoryResult, selection_trajectory

__all__ = ["expected_rtm_normal", "solve_rtm_normal", "expected_rtm_counts", "CountModel",
           "fit_count_model", "selection_trajectory", "TrajectoryResult", "decompose_change", "decompose_with_model",
           "DecompositionResult", "audit_claim", "AuditResult", "RTMEstimate"]
