"""Pieces every evaltools module shares: result rendering and reproducibility records."""

from .formula import covariate_matrix
from .results import (
    TIDY_COLUMNS,
    ResultMixin,
    SingleEstimateMixin,
    TableResult,
    format_table,
    run_meta,
)

__all__ = ["ResultMixin", "SingleEstimateMixin", "TableResult", "TIDY_COLUMNS", "covariate_matrix", "format_table",
           "run_meta"]
