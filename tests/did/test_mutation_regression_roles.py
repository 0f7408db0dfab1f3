"""Every column role of the regression DiD functions is named in its messages: a missing
column and a non-name each say which parameter gave them (found by mutation testing)."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import EvaltoolsWarning, ParameterError, SchemaError


@pytest.fixture(scope="module")
def panel():
    d = pd.DataFrame([(u, t) for u in range(1, 7) for t in range(1, 7)], columns=["u", "t"])
    d["cohort"] = d.u.map({1: 3, 2: 3, 3: 5, 4: 5, 5: 0, 6: 0})
    d["d"] = ((d.cohort > 0) & (d.t >= d.cohort)).astype(int)
    d["group"] = (d.cohort > 0).astype(int)
    d["post"] = (d.t >= 3).astype(int)
    d["y"] = d.u + 0.5 * d.t - 2 * d.d + np.sin(np.arange(len(d)))
    d["n"] = 3 + d.t % 2
    d["years"] = 1.0
    d["area"] = (d.u + 1) // 2
    return d


CALLS = {
    "did_2x2": (et.did.did_2x2, dict(outcome="n", treatment="group", post="post", unit="u",
                                     cluster="area", exposure="years", family="poisson")),
    "twfe": (et.did.twfe, dict(outcome="y", unit="u", time="t", treatment="d",
                               cluster="area")),
    "event_study": (et.did.event_study, dict(outcome="y", unit="u", time="t",
                                             cohort="cohort", cluster="area")),
    "bacon_decomposition": (et.did.bacon_decomposition, dict(outcome="y", unit="u", time="t",
                                                             treatment="d")),
}
CASES = [(f, role) for f, (_, kw) in CALLS.items() for role in kw if role != "family"]
MATCHED_ROLES = ["outcome", "unit", "time", "exposure", "weights", "subclass", "treatment"]


@pytest.mark.parametrize("func, role", CASES, ids=[f"{f}-{r}" for f, r in CASES])
def test_missing_column_names_its_parameter(panel, func, role):
    call, kw = CALLS[func]
    with pytest.raises(SchemaError, match=rf"no column \['zz'\] \(the '{role}' parameter of "
                                          rf"{func}\)"):
        call(panel, **(kw | {role: "zz"}))


@pytest.mark.parametrize("func, role", CASES, ids=[f"{f}-{r}" for f, r in CASES])
def test_non_name_names_its_parameter(panel, func, role):
    call, kw = CALLS[func]
    with pytest.raises(ParameterError, match=rf"The '{role}' parameter of {func} must be one "
                                             "column name"):
        call(panel, **(kw | {role: ["y", "n"]}))


@pytest.fixture(scope="module")
def matched_pair():
    panel = pd.DataFrame({"match_id": np.repeat([1, 2, 3, 4], 2), "rel_period": [-1, 0] * 4,
                          "y": [4.0, 1, 3, 3, 4, 2, 2, 2], "exposure": 1.0})
    matched = pd.DataFrame({"match_id": [1, 2, 3, 4], "treated": [1, 0, 1, 0],
                            "weights": 1.0, "subclass": [1, 1, 2, 2]})
    return panel, matched


@pytest.mark.parametrize("role", MATCHED_ROLES)
def test_matched_did_roles_are_named(matched_pair, role):
    panel, matched = matched_pair
    with pytest.raises(SchemaError, match=rf"no column \['zz'\] \(the '{role}' parameter of "
                                          "matched_did\\)"):
        et.did.matched_did(panel, matched, pre=(-1, 0), post=(0, 1),
                           **({"outcome": "y"} | {role: "zz"}))
    with pytest.raises(ParameterError, match=f"The '{role}' parameter of matched_did must be "
                                             "one column name"):
        et.did.matched_did(panel, matched, pre=(-1, 0), post=(0, 1),
                           **({"outcome": "y"} | {role: ["y", "n"]}))


def test_constant_gaussian_outcome_with_exposure_is_refused(panel):
    with pytest.warns(EvaltoolsWarning), pytest.raises(SchemaError, match="is 5 in all 36"):
        et.did.did_2x2(panel.assign(y=5.0), outcome="y", treatment="group", post="post",
                       exposure="years")
