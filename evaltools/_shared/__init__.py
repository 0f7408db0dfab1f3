"""Pieces every evaltools module shares: result rendering and reproducibility records."""

from .results import ResultMixin, format_table, run_meta

__all__ = ["ResultMixin", "format_table", "run_meta"]
