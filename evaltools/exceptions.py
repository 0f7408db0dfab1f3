"""Errors and warnings raised by evaltools.

Every problem with user input raises :class:`EvaltoolsInputError` (a ``ValueError``)
whose message names the column, how many rows are affected with a few examples, and
what to do about it.
"""

from __future__ import annotations

__all__ = [
    "EvaltoolsInputError",
    "SchemaError",
    "ParameterError",
    "EvaltoolsWarning",
    "ExclusionWarning",
    "ConvergenceWarning",
    "DataWarning",
]


class EvaltoolsInputError(ValueError):
    """Bad input: the message says which column, which rows, and the fix."""


class SchemaError(EvaltoolsInputError):
    """A table is missing a column, has the wrong type, or breaks a rule of the data model."""


class ParameterError(EvaltoolsInputError):
    """An option of a function is outside what it accepts."""


class EvaltoolsWarning(UserWarning):
    """Base class of the warnings evaltools issues."""


class ExclusionWarning(EvaltoolsWarning):
    """Rows were excluded on purpose; the flow table counts them."""


class ConvergenceWarning(EvaltoolsWarning):
    """A model fit did not converge or is unreliable (e.g. separation)."""


class DataWarning(EvaltoolsWarning):
    """The data look wrong but a result can still be computed (duplicates, outlying dates,
    dropped constant or collinear covariates); the message says what was found and done."""
