"""Warnings from public functions point at the caller's line, not at evaltools' internals."""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning


def _data():
    rng = np.random.default_rng(3)
    d = pd.DataFrame({"treated": np.r_[np.ones(20), np.zeros(60)].astype(int),
                      "x": rng.normal(size=80), "const": 1.0})
    return d


def test_a_data_warning_names_this_file_and_line():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        et.match(_data(), covariates=["x", "const"], random_state=1)
    line = test_a_data_warning_names_this_file_and_line.__code__.co_firstlineno + 3
    ours = [w for w in caught if issubclass(w.category, DataWarning)]
    assert ours, [str(w.message) for w in caught]
    assert all(w.filename == __file__ and w.lineno == line for w in ours)


def test_pytest_warns_and_error_filters_still_see_them():
    with pytest.warns(DataWarning, match="const"):
        et.match(_data(), covariates=["x", "const"], random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        with pytest.raises(DataWarning):
            et.match(_data(), covariates=["x", "const"], random_state=1)



def test_warnings_the_filters_ignore_stay_ignored():
    """A DeprecationWarning from inside a call (ignored by Python's default filters outside
    __main__) is not turned into one shown at the caller's line."""
    from evaltools._shared.calls import checked_call

    @checked_call
    def noisy():
        warnings.warn("old API", DeprecationWarning, stacklevel=1)
        warnings.warn("check the data", DataWarning, stacklevel=1)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("always", DataWarning)
        noisy()
    assert [w.category for w in caught] == [DataWarning]
    assert caught[0].filename == __file__
