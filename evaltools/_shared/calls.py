"""Calls with a misspelt keyword, a missing argument or too many positional ones are
answered with a ParameterError naming them (and the nearest real parameter), not Python's
bare TypeError; warnings raised inside a public function point at the caller's line."""

from __future__ import annotations

import difflib
import functools
import inspect
import sys
import warnings
from pathlib import Path

__all__ = ["checked_call"]

_PACKAGE = str(Path(__file__).resolve().parents[1])


def checked_call(func, *, name: str | None = None):
    """Decorate a public function so that arguments it cannot take raise a ParameterError.

    >>> @checked_call
    ... def match(data, *, caliper=None):
    ...     return caliper
    >>> match(1, calliper=0.2)
    Traceback (most recent call last):
    ...
    evaltools.exceptions.ParameterError: match() has no parameter 'calliper'. Did you mean \
'caliper'? Its parameters are: data, caliper.
    """
    signature = inspect.signature(func)

    @functools.wraps(func)
    def checked(*args, **kwargs):
        try:
            signature.bind(*args, **kwargs)
        except TypeError as err:
            raise _bad_call(name or func.__name__, signature, kwargs, err) from None
        caught: list = []
        try:
            # The filters in force decide what is recorded, as they would have decided
            # what is shown: library deprecations ignored by default stay ignored.
            with warnings.catch_warnings(record=True) as caught:
                return func(*args, **kwargs)
        finally:
            _warn_at_caller(caught)

    return checked


def _warn_at_caller(caught: list) -> None:
    """Issue warnings again at the first line outside evaltools, through the caller's filters.

    Warnings are raised deep inside the package; shown there, a notebook user would read
    ``calls.py:34`` instead of the cell line that caused them.
    """
    if not caught:
        return
    frame = sys._getframe(2)
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    registry = frame.f_globals.setdefault("__warningregistry__", {})
    for w in caught:
        warnings.warn_explicit(w.message, w.category, frame.f_code.co_filename, frame.f_lineno,
                               module=frame.f_globals.get("__name__"), registry=registry,
                               module_globals=frame.f_globals)


def _bad_call(name: str, signature: inspect.Signature, kwargs: dict, err: TypeError):
    from ..exceptions import ParameterError

    params = [p for p in signature.parameters if p not in ("self", "cls")]
    known = ", ".join(params)
    unknown = [k for k in kwargs if k not in signature.parameters]
    if unknown:
        near = difflib.get_close_matches(unknown[0], params, n=1)
        hint = f" Did you mean '{near[0]}'?" if near else ""
        return ParameterError(f"{name}() has no parameter '{unknown[0]}'.{hint} Its "
                              f"parameters are: {known}.")
    return ParameterError(f"{name}() was called with arguments it cannot take ({err}). Its "
                          f"parameters are: {known}; those after * must be given by name, "
                          "e.g. caliper=0.2.")
