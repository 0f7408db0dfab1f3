"""The count model: exact sums against Monte Carlo, limits, fitting, bad input."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ParameterError, SchemaError

MODEL = et.rtm.CountModel(mean=0.3, dispersion=0.5, stability=0.5)


@pytest.fixture(scope="module")
def simulated():
    """Two million people, two periods, seed 1."""
    return MODEL.simulate(2_000_000, random_state=1)


@pytest.mark.parametrize("threshold", [1, 2, 4])
def test_threshold_rule_matches_simulation(simulated, threshold):
    est = et.rtm.expected_rtm_counts(MODEL, threshold=threshold)
    sel = simulated[:, 0] >= threshold
    # Monte Carlo SE of the selected groups' means is below 0.01 at these sizes.
    assert est.selected_mean == pytest.approx(simulated[sel, 0].mean(), abs=0.02)
    assert est.expected_after == pytest.approx(simulated[sel, 1].mean(), abs=0.02)


def test_top_share_rule_matches_simulation(simulated):
    est = et.rtm.expected_rtm_counts(MODEL, top=0.05)
    order = np.lexsort((np.random.default_rng(2).random(len(simulated)), -simulated[:, 0]))
    top = order[: int(0.05 * len(simulated))]
    assert est.inputs["selected_share"] == pytest.approx(0.05)
    assert est.selected_mean == pytest.approx(simulated[top, 0].mean(), abs=0.02)
    assert est.expected_after == pytest.approx(simulated[top, 1].mean(), abs=0.02)


def test_limits():
    none = et.rtm.CountModel(mean=0.3, dispersion=0.5, stability=0.0)
    assert et.rtm.expected_rtm_counts(none, threshold=3).expected_after == pytest.approx(0.3)
    # Stable rates and large counts: Poisson noise is negligible, so almost no regression.
    stable = et.rtm.CountModel(mean=1000, dispersion=2, stability=1.0)
    est = et.rtm.expected_rtm_counts(stable, threshold=1500)
    assert abs(est.relative_change) < 0.01
    # More stability, less regression.
    more = et.rtm.CountModel(mean=0.3, dispersion=0.5, stability=0.8)
    assert (et.rtm.expected_rtm_counts(more, threshold=2).change
            > et.rtm.expected_rtm_counts(MODEL, threshold=2).change)


def test_fit_recovers_parameters():
    """Method of moments on 200,000 simulated people x 3 periods (seed 4), within 5%."""
    truth = et.rtm.CountModel(mean=0.4, dispersion=0.8, stability=0.6)
    y = truth.simulate(200_000, periods=3, random_state=4)
    panel = pd.DataFrame({"person_id": np.repeat(np.arange(len(y)), 3),
                          "year": np.tile([0, 1, 2], len(y)), "n": y.ravel()})
    fit = et.rtm.fit_count_model(panel, "n", time="year")
    assert fit.mean == pytest.approx(0.4, rel=0.05)
    assert fit.dispersion == pytest.approx(0.8, rel=0.05)
    assert fit.stability == pytest.approx(0.6, rel=0.05)


def test_bad_input():
    with pytest.raises(ParameterError, match=r"'dispersion' parameter of CountModel"):
        et.rtm.CountModel(mean=0.3, dispersion=0, stability=0.5)
    with pytest.raises(ParameterError, match=r"'stability' parameter of CountModel"):
        et.rtm.CountModel(mean=0.3, dispersion=1, stability=1.2)
    with pytest.raises(ParameterError, match="Nobody in the population passes"):
        et.rtm.expected_rtm_counts(MODEL, threshold=500)
    with pytest.raises(ParameterError, match="exactly one selection rule"):
        et.rtm.expected_rtm_counts(MODEL)
    flat = pd.DataFrame({"person_id": [1, 1, 2, 2], "rel_period": [0, 1, 0, 1], "y": [1, 1, 1, 1]})
    with pytest.raises(SchemaError, match="not over-dispersed"):
        et.rtm.fit_count_model(flat, "y")
    with pytest.raises(SchemaError, match="unbalanced"):
        et.rtm.fit_count_model(flat.iloc[:3], "y")
