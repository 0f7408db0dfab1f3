"""Pieces every evaltools module shares: result rendering and reproducibility records."""

from .results import ResultMixin, TableResult, format_table, run_meta

__all__ = ["ResultMixin", "TableResult", "format_table", "run_meta"]
