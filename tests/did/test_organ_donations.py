"""A classic published two-way fixed-effects DiD on real data.

Huntington-Klein, *The Effect* (2021), chapter 18: Kessler & Roth's organ-donation data,
California's move to active choice from Q3 2011, state and quarter fixed effects: the
coefficient is -0.0225.
"""

import pandas as pd
import pytest

import evaltools as et

ORDER = {"Q42010": 1, "Q12011": 2, "Q22011": 3, "Q32011": 4, "Q42011": 5, "Q12012": 6}


@pytest.fixture(scope="module")
def organ():
    df = pd.read_csv(et.datasets.sample_path("organ_donations.csv"))
    df["quarter"] = df.Quarter.map(ORDER)
    df["treated"] = ((df.State == "California") & (df.quarter >= 4)).astype(int)
    return df


def test_twfe_reproduces_the_published_coefficient(organ):
    res = et.did.twfe(organ, outcome="Rate", unit="State", time="quarter",
                      treatment="treated")
    assert round(res.estimate, 4) == -0.0225


def test_two_by_two_on_the_same_data(organ):
    organ = organ.assign(ca=(organ.State == "California").astype(int),
                         post=(organ.quarter >= 4).astype(int))
    res = et.did.did_2x2(organ, outcome="Rate", treatment="ca", post="post", unit="State")
    assert round(res.estimate, 4) == -0.0225  # balanced panel: 2x2 equals TWFE
