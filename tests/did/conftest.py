"""The mpdta panel (R did's example data) and its default att_gt fit, shared by the DiD tests."""

import pandas as pd
import pytest

import evaltools as et

MPDTA_ARGS = dict(outcome="lemp", time="year", unit="countyreal", cohort="first.treat")


@pytest.fixture(scope="module")
def mpdta():
    return pd.read_csv(et.datasets.sample_path("mpdta.csv"))


@pytest.fixture(scope="module")
def res(mpdta):
    """att_gt on mpdta with the default options (never-treated comparisons, DR, no covariates)."""
    return et.did.att_gt(mpdta, **MPDTA_ARGS)
