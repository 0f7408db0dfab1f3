"""Every rating rule, the claim record, method statements and side-by-side tables."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ParameterError

RIGOROUS = dict(baseline_equivalence=True, attrition=0.1, sample_size=500,
                significant_positive=True)


@pytest.mark.parametrize("kwargs,level", [
    (dict(design="rct", logic_model=False), 0),
    (dict(design="none"), 1),
    (dict(design="before_after"), 1.5),                         # no impact shown
    (dict(design="before_after", significant_positive=True), 2),
    (dict(design="quasi_experimental", **{**RIGOROUS, "baseline_equivalence": False}), 2),
    (dict(design="rct", **{**RIGOROUS, "attrition": 0.5}), 2),
    (dict(design="rct", **{**RIGOROUS, "attrition": None}), 2),
    (dict(design="rct", **{**RIGOROUS, "sample_size": 30}), 2),
    (dict(design="rct", **RIGOROUS, valid_measures=False), 2),
    (dict(design="quasi_experimental", **RIGOROUS), 3),
    (dict(design="rct", **RIGOROUS, replications=1), 3),        # replicated, not long-term
    (dict(design="rct", **RIGOROUS, replications=1, long_term=True), 4),
    (dict(design="quasi_experimental", **RIGOROUS, replications=2, independent=True), 4),
])
def test_rating_rules(kwargs, level):
    rating = et.evidence.rate_design(**kwargs)
    assert rating.level == level
    assert rating.reasons
    assert (rating.to_raise == []) == (level == 4)


def test_before_after_is_told_about_regression_to_the_mean():
    r = et.evidence.rate_design(design="before_after", significant_positive=True)
    assert any("regression to the mean" in why for why in r.reasons)
    assert any("comparison group" in step for step in r.to_raise)


def test_bad_design():
    with pytest.raises(ParameterError, match=r"'design' parameter of rate_design"):
        et.evidence.rate_design(design="anecdote")


def test_evidence_claim_renders():
    claim = et.evidence.EvidenceClaim(
        programme="POPP", claim="47% fall in overnight stays", design="before_after",
        rating=et.evidence.rate_design(design="before_after", significant_positive=True),
        rtm_share_explained=0.85, claimed_saving_per_pound=1.2, audited_saving_per_pound=0.18,
        findings=["No fall against matched controls."])
    md = claim.to_markdown()
    assert "| Share of the claimed fall from regression to the mean | 85% |" in md
    assert "Level 2" in claim._repr_html_()
    assert claim.to_dict()["rating"].startswith("Level 2")


def test_method_statement_and_compare():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=200)})
    df["treated"] = (rng.random(200) < 0.3).astype(int)
    df["y"] = df.x + rng.normal(size=200)
    m = et.match(df, "treated", ["x"], caliper=0.2, random_state=5)
    text = et.reporting.method_statement(m)
    assert "matched" in text and "caliper = 0.2" in text and "seed was 5" in text
    assert "treated supplied: " in text and "no unmeasured confounding" in text
    effect = et.estimate_att(m, "y")
    assert "estimated" in et.reporting.method_statement(effect)
    table = et.compare([effect, et.estimate_att(m, "y", se="robust")], ["cluster", "robust"])
    assert list(table.index.get_level_values(0)) == ["cluster", "robust"]


@pytest.mark.parametrize("flag", ["logic_model", "baseline_equivalence", "significant_positive",
                                  "preregistered", "long_term", "independent",
                                  "valid_measures"])
@pytest.mark.parametrize("value", ["no", "False", 0, 1, None])
def test_rating_refuses_boolean_looking_values(flag, value):
    with pytest.raises(ParameterError, match=rf"'{flag}' parameter of rate_design must be True "
                                             r"or False"):
        et.evidence.rate_design(design="rct", **{flag: value})


def test_rating_refuses_a_comparison_that_is_not_text():
    with pytest.raises(ParameterError, match=r"'comparison' parameter of rate_design"):
        et.evidence.rate_design(design="rct", comparison=3)


@pytest.mark.parametrize("call,match", [
    (lambda: et.reporting.compare([]), r"'results' parameter of compare must be a non-empty"),
    (lambda: et.reporting.compare([1, 2]), r"'results\[0\]' parameter of compare must be an "
                                           r"evaltools result .* Got int 1"),
    (lambda: et.reporting.compare([et.rtm.expected_rtm_normal(0, 1, 0.5, 1)], ["a", "b"]),
     r"'names' parameter of compare must give one name per result \(1\)"),
    (lambda: et.reporting.method_statement("x"), r"'result' parameter of method_statement "
                                                 r"must be an evaltools result"),
], ids=["empty", "not-results", "names-length", "statement-text"])
def test_reporting_bad_input(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


def test_method_statement_names_the_estimand_of_an_effect():
    rng = np.random.default_rng(4)
    df = pd.DataFrame({"treated": rng.integers(0, 2, 200), "age": rng.normal(70, 8, 200)})
    df["y"] = 0.1 * df["age"] + df["treated"] + rng.normal(0, 1, 200)
    w = et.weighting.ipw(df, treatment="treated", covariates=["age"], estimand="ATE")
    text = et.reporting.method_statement(et.estimate_att(w, "y"))
    assert text.startswith("The average effect in the whole sample was estimated")
