"""Shared fixtures and settings for the evaltools test suite."""

from __future__ import annotations

import os
import threading

import matplotlib
import pytest
from hypothesis import settings
from tqdm import auto as tqdm_auto
from tqdm import std as tqdm_std

matplotlib.use("Agg")

# tqdm guards its bars with a lock shared across processes; a test process killed while
# holding it (mutation runs kill slow mutants) would leave every later bar waiting.
_BAR_LOCK = threading.RLock()
tqdm_std.tqdm.set_lock(_BAR_LOCK)
tqdm_auto.tqdm.set_lock(_BAR_LOCK)

# Property tests: a fixed, modest budget keeps the suite fast and reproducible.
settings.register_profile("evaltools", max_examples=40, deadline=None, derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "evaltools"))


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
