"""Cohort building: records -> analysis-ready person-by-period tables.

Schema checks for the persons and events tables, person-period panels relative to each
person's index date (a pandas and a DuckDB engine giving identical tables), prior-use
covariates, and a flow table counting every exclusion.
"""

from .measures import STANDARD_MEASURES, Measure
from .panel import build_panel
from .periods import Period, add_months
from .prior import SortedEvents, prior_use
from .results import PanelResult
from .schema import check_tables

__all__ = ["Measure", "STANDARD_MEASURES", "build_panel", "prior_use", "PanelResult", "Period", "check_tables",
           "add_months", "SortedEvents"]
