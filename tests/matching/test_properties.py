"""Invariants of matching and balance (property-based)."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

import evaltools as et
from evaltools.matching.nearest import greedy_1d


@st.composite
def scores(draw):
    n_t = draw(st.integers(1, 15))
    n_c = draw(st.integers(1, 25))
    values = draw(st.lists(st.floats(0, 1, allow_nan=False), min_size=n_t + n_c,
                           max_size=n_t + n_c))
    return np.array(values), np.arange(n_t), np.arange(n_t, n_t + n_c)


@given(scores(), st.integers(1, 3), st.none() | st.floats(0.001, 0.5))
def test_no_control_twice_and_caliper_respected(case, ratio, caliper):
    score, treated, controls = case
    t, c, d = greedy_1d(score, treated, controls, ratio=ratio, caliper=caliper)
    assert len(np.unique(c)) == len(c)
    assert np.all(np.isin(c, controls)) and np.all(np.isin(t, treated))
    assert np.allclose(d, np.abs(score[t] - score[c]))
    if caliper is not None:
        assert (d <= caliper).all()
    assert np.bincount(t, minlength=len(treated)).max(initial=0) <= ratio
    # Greedy never leaves a treated unit unmatched while a control within reach is free.
    if caliper is None:
        assert len(t) == min(len(treated) * ratio, len(controls))


@st.composite
def frames(draw):
    n = draw(st.integers(20, 60))
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    df = pd.DataFrame({"x": rng.normal(size=n), "site": rng.choice(["a", "b", "c"], n)})
    df["treated"] = (rng.random(n) < 0.35).astype(int)
    df.loc[df.index[:2], "treated"] = [0, 1]  # at least one of each
    return df


@given(frames(), st.sampled_from(["nearest", "optimal"]), st.booleans())
def test_exact_strata_never_mix(df, method, replace):
    m = et.match(df, "treated", ["x"], method=method, exact=["site"], replace=replace)
    site = df["site"]
    assert (site[m.pairs.treated_id].to_numpy() == site[m.pairs.control_id].to_numpy()).all()


@given(frames(), st.integers(0, 1000))
def test_balance_is_invariant_to_row_order(df, seed):
    w = np.random.default_rng(seed).random(len(df))
    a = et.balance_table(df, "treated", ["x", "site"], weights=w).table
    perm = np.random.default_rng(seed + 1).permutation(len(df))
    b = et.balance_table(df.iloc[perm], "treated", ["x", "site"], weights=w[perm]).table
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-10)
