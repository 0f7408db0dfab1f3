"""Difference-in-differences: 2x2 and two-way fixed effects, event studies, Callaway &
Sant'Anna group-time effects and aggregations, Goodman-Bacon decomposition, matched DiD."""

from .attgt import att_gt
from .bacon import BaconResult, bacon_decomposition
from .matched import matched_did
from .regression import DiDResult, EventStudyResult, did_2x2, event_study, twfe
from .results import AggregateResult, ATTgtResult

__all__ = ["att_gt", "ATTgtResult", "AggregateResult", "did_2x2", "twfe", "event_study",
           "bacon_decomposition", "BaconResult", "matched_did", "DiDResult", "EventStudyResult"]
