"""Wrong inputs to economics, evidence, disclosure and reporting: messages name the argument,
options that change nothing are reported, and work that would never finish is refused."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import evaltools as et  # noqa: E402
from evaltools.exceptions import DataWarning, ParameterError, SchemaError  # noqa: E402

BC = dict(unit_cost=2000.0, people=500, cost=250_000.0, years=3)
PAY = dict(tariff=1000.0, service_cost=5000.0, people=100)
GOOD_CLAIM = dict(programme="Falls service", claim="47% fewer bed days", design="before_after")


def test_present_value_refuses_more_years_than_it_discounts():
    with pytest.raises(ParameterError, match=r"'flows' parameter of present_value has "
                                             r"200,000 yearly amounts; the limit is 100,000"):
        et.economics.present_value(np.ones(200_000))


def test_benefit_cost_effect_outside_its_interval():
    with pytest.raises(ParameterError, match=r"effect estimate 0.5 lies outside its interval"):
        et.economics.benefit_cost((0.5, 0.1, 0.3), **BC)


def test_drop_off_with_one_year_is_reported():
    one_year = {**BC, "years": 1}
    with pytest.warns(DataWarning, match=r"benefit_cost: drop_off=0.3 is ignored with years=1"):
        with_drop = et.economics.benefit_cost(0.2, **one_year, drop_off=0.3)
    assert with_drop.ratio == et.economics.benefit_cost(0.2, **one_year).ratio
    with pytest.warns(DataWarning, match=r"break_even_effect: drop_off"):
        et.economics.break_even_effect(**one_year, drop_off=0.3)


@pytest.mark.parametrize("kind", ["matched2", None, 3])
def test_baseline_kind_is_an_option(kind):
    with pytest.raises(ParameterError, match=r"'baseline_kind' parameter of outcome_payments "
                                             r"must be one of 'given', 'historic'"):
        et.economics.outcome_payments([50.0, 45], [60.0, 60], **PAY, baseline_kind=kind)


def _no_estimate_results():
    ec = et.economics
    table = pd.DataFrame({"a": [12, 3, 40], "b": [25, 30, 8]}, index=["x", "y", "z"])
    return [ec.outcome_payments([50.0, 45], [60.0, 60], **PAY),
            et.evidence.rate_design(design="rct"), et.disclosure.suppress(table),
            et.sensitivity.e_value(1.5), et.sensitivity.rosenbaum_bounds([1.0, 2, -0.5, 3])]


@pytest.mark.parametrize("result", _no_estimate_results(), ids=lambda r: type(r).__name__)
def test_results_without_standard_errors_say_so(result):
    name = type(result).__name__
    for method in (result.tidy, result.conf_int):
        with pytest.raises(ParameterError, match=rf"{name} holds no estimates with standard "
                                                 r"errors.*use \.summary\(\)"):
            method()


def test_payments_plot_checks_axes_and_options():
    op = et.economics.outcome_payments([50.0, 45], [60.0, 60], **PAY)
    with pytest.raises(ParameterError, match=r"'ax' parameter of OutcomePayments.plot"):
        op.plot(ax=3)
    with pytest.raises(ParameterError, match=r"\['bogus'\] passed to OutcomePayments.plot"):
        op.plot(bogus=1)


def test_rate_design_reports_options_the_design_ignores():
    with pytest.warns(DataWarning, match=r"comparison='matched' \(a 'before_after' design has "
                                         r"no comparison group\)"):
        et.evidence.rate_design(design="before_after", comparison="matched")
    with pytest.warns(DataWarning, match=r"significant_positive=True \(design='none'"):
        rating = et.evidence.rate_design(design="none", significant_positive=True)
    assert rating.level == 1


@pytest.mark.parametrize("change,match", [
    (dict(programme=None), r"'programme' parameter of EvidenceClaim must be a non-empty str"),
    (dict(claim="  "), r"'claim' parameter of EvidenceClaim must be a non-empty str"),
    (dict(source=2019), r"'source' parameter of EvidenceClaim"),
    (dict(design="anecdote"), r"'design' parameter of EvidenceClaim must be one of 'rct'"),
    (dict(rating="Level 3"), r"'rating' parameter of EvidenceClaim must be a DesignRating"),
    (dict(rtm_share_explained="47%"), r"'rtm_share_explained' parameter of EvidenceClaim"),
    (dict(audited_saving_per_pound=np.inf), r"'audited_saving_per_pound' parameter"),
    (dict(findings="RTM explains it"), r"'findings' parameter of EvidenceClaim must be a list"),
])
def test_evidence_claim_checks_its_fields(change, match):
    with pytest.raises(ParameterError, match=match):
        et.evidence.EvidenceClaim(**{**GOOD_CLAIM, **change})


def test_evidence_claim_accepts_a_full_record():
    claim = et.evidence.EvidenceClaim(**GOOD_CLAIM, rating=et.evidence.rate_design(
        design="before_after", significant_positive=True), rtm_share_explained=0.9,
        findings=("RTM explains most of it",))
    assert "90%" in claim.to_markdown() and claim.findings == ["RTM explains most of it"]


def test_suppress_refuses_repeated_labels_and_bad_count_col():
    table = pd.DataFrame({"a": [12, 3, 40], "b": [25, 30, 8]}, index=["x", "y", "z"])
    with pytest.raises(SchemaError, match=r"repeats column label\(s\) \['a'\]"):
        et.disclosure.suppress(table.set_axis(["a", "a"], axis=1))
    with pytest.raises(SchemaError, match=r"index of the table table repeats 1 label"):
        et.disclosure.suppress(table.set_axis(["x", "x", "z"]))
    with pytest.raises(ParameterError, match=r"'count_col' parameter of suppress"):
        et.disclosure.suppress(table.reset_index(), count_col=["a"])


def test_suppress_refuses_audits_that_would_take_hours():
    """1,600 cells of 1..7 would each need linear programmes: refused up front, quickly;
    without secondary suppression nothing is audited and the table is processed."""
    big = pd.DataFrame(np.random.default_rng(0).integers(1, 8, (40, 40)))
    with pytest.raises(ParameterError, match=r"audit 1,600 small cells of a 40 x 40 table .* "
                                             r"limit is 1,000"):
        et.disclosure.suppress(big)
    assert et.disclosure.suppress(big, secondary=False, margins=False).mask.all().all()


def test_suppress_threshold_named_when_nothing_protects():
    table = pd.DataFrame({"a": [12, 3, 40], "b": [25, 30, 8]}, index=["x", "y", "z"])
    with pytest.raises(et.disclosure.DisclosureError, match=r"threshold=1000000000"):
        et.disclosure.suppress(table, 10**9)


@pytest.mark.parametrize("values,hidden,lower,match", [
    (np.array([3, 20]), np.array([True, False]), 0, r"'values' parameter .* 2-D"),
    (np.array([[np.nan, 2], [3, 4]]), np.ones((2, 2), bool), 0, r"1 non-finite"),
    (np.array([[3, 20], [25, 30]]), np.array([[True, False]]), 0, r"'hidden' .* shape \(1, 2\)"),
    (np.array([[3, 20], [25, 30]]), np.array([[1, 0], [0, 0]]), 0, r"'hidden' .* dtype int"),
    (np.array([[3, 20], [25, 30]]), np.eye(2, dtype=bool), -1, r"'lower' parameter"),
])
def test_interval_audits_check_their_arrays(values, hidden, lower, match):
    for func in (et.disclosure.feasible_intervals, et.disclosure.cycle_intervals):
        with pytest.raises(ParameterError, match=match):
            func(values, hidden, lower=lower)


def test_compare_names_and_results():
    a = et.rtm.expected_rtm_normal(0, 1, 0.5, 1)
    with pytest.raises(ParameterError, match=r"'names' parameter of compare repeats \['x'\]"):
        et.compare([a, a], names=["x", "x"])
    with pytest.raises(ParameterError, match=r"'names' parameter .* Got 5 instead"):
        et.compare([a], names=5)
    with pytest.raises(ParameterError, match=r"'results\[0\]' parameter of compare"):
        et.compare([et.rtm.RTMEstimate])


def test_suppress_names_publication_options_that_defeat_it():
    table = pd.DataFrame({"a": [12, 3, 40], "b": [25, 30, 8]}, index=["x", "y", "z"])
    with pytest.warns(DataWarning, match=r"secondary=False with margins=True publishes totals"):
        et.disclosure.suppress(table, secondary=False)
    with pytest.warns(DataWarning, match=r"rounding=1000 rounds every count \(largest 40\) "
                                         r"to 0"):
        et.disclosure.suppress(table, rounding=1000)


def test_benefit_cost_reports_simulation_options_it_does_not_use():
    with pytest.warns(DataWarning, match=r"n_sim=500 ignored: method='delta'"):
        delta = et.economics.benefit_cost((0.2, 0.05), **BC, method="delta", n_sim=500)
    assert delta.ratio == et.economics.benefit_cost((0.2, 0.05), **BC, method="delta").ratio
    with pytest.warns(DataWarning, match=r"random_state=3 ignored: the effect is a bare number"):
        et.economics.benefit_cost(0.2, **BC, random_state=3)


def test_outcome_payments_periods_are_bounded():
    with pytest.raises(ParameterError, match=r"'outcomes' parameter of outcome_payments has "
                                             r"100,000 periods \(plus lag 5\)"):
        et.economics.outcome_payments(np.zeros(100_000), 1.0, **PAY, lag=5)


def test_suppress_warns_about_totals_already_in_the_table():
    t = pd.DataFrame({"a": [12, 3], "b": [25, 30]}, index=["x", "y"])
    with_totals = pd.concat([t, t.sum().to_frame("All").T])
    with pytest.warns(DataWarning, match=r"already has total row\(s\) or column\(s\) \['All'\]"):
        et.disclosure.suppress(with_totals)
