"""Difference-in-differences: 2x2 and two-way fixed effects, event studies, Callaway &
Sant'Anna group-time effects and aggregations, Goodman-Bacon decomposition, matched DiD."""

from .attgt import att_gt
from .bacon import BaconResult, bacon_decomposition
from .event_study import EventStudyResult, event_study
from .matched import matched_did
from .regression import DiDResult, did_2x2, twfe
from .results import AggregateResult, ATTgtResult

__all__ = ["att_gt", "ATTgtResult", "AggregateResult", "did_2x2", "twfe", "event_study",
           "bacon_decomposition", "BaconResult", "matched_did", "DiDResult", "EventStudyResult"]
