"""Wrong inputs found by a hostile reading of economics and evidence: amounts typed as text,
sums that overflow, a declining schedule of no years, an impossible sample size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ParameterError, SchemaError


def test_service_cost_as_text_is_refused():
    with pytest.raises(ParameterError, match=r"'service_cost' parameter of outcome_payments must "
                                             "be numbers, not text"):
        et.economics.outcome_payments([1.0, 2], [2.0, 2], tariff=100.0, service_cost="50",
                                      people=10)


def test_flows_as_text_list_are_refused():
    with pytest.raises(ParameterError, match=r"'flows' parameter of present_value must be "
                                             "numbers, not text"):
        et.economics.present_value(["100", "100"])


def test_numeric_flows_still_work():
    # 100 now and 100 in a year at 3.5%: 100 + 100 / 1.035 (Green Book discounting).
    assert et.economics.present_value(np.array([100.0, 100.0])) == pytest.approx(
        100 + 100 / 1.035)


def test_present_value_that_overflows_is_refused():
    with pytest.raises(ParameterError, match=r"'flows' parameter of present_value holds amounts "
                                             "too large to add up"):
        et.economics.present_value([1e308, 1e308, 1e308])


def test_declining_schedule_of_no_years_is_refused():
    with pytest.raises(ParameterError, match=r"'years' parameter of declining_schedule must be "
                                             r"an int in \[1, "):
        et.economics.declining_schedule(0)


def test_one_year_of_declining_discounting_is_undiscounted():
    # Year 0 is never discounted, so one year of factors is [1.0] on any schedule.
    assert et.economics.discount_factors(1, "declining").tolist() == [1.0]


def test_rate_design_sample_size_beyond_any_population_is_refused():
    with pytest.raises(ParameterError, match=r"'sample_size' parameter of rate_design"):
        et.evidence.rate_design(design="rct", sample_size=1e300)


def test_dates_durations_and_true_false_are_not_amounts():
    with pytest.raises(ParameterError, match=r"'flows' parameter of present_value must be real "
                                             "amounts"):
        et.economics.present_value(pd.to_timedelta([1, 2], unit="D"))
    with pytest.raises(ParameterError, match=r"'outcomes' parameter of outcome_payments must be "
                                             "real amounts"):
        et.economics.outcome_payments([True, False], [2.0, 2], tariff=100.0,
                                      service_cost=50.0, people=10)


def test_suppress_refuses_complex_counts():
    with pytest.raises(SchemaError, match=r"suppress needs numeric counts; column\(s\) "
                                          r"\['a'\].*complex128"):
        et.disclosure.suppress(pd.DataFrame({"a": [12, 3]}, dtype=complex))


def test_benefit_cost_amounts_that_overflow_are_refused():
    with pytest.raises(ParameterError, match=r"'unit_cost' and 'people' parameter\(s\) of "
                                             "benefit_cost give amounts too large"):
        et.economics.benefit_cost(0.2, unit_cost=1e300, people=10**9, cost=1.0)
    with pytest.raises(ParameterError, match=r"'cost' parameter\(s\) of benefit_cost"):
        et.economics.benefit_cost(0.2, unit_cost=2000.0, people=500, cost=5e-324)


def test_evidence_markdown_escapes_html_and_table_pipes():
    claim = et.evidence.EvidenceClaim(programme="<script>alert(1)</script>", claim="a | b",
                                      design="rct", findings=["<b>x</b>"])
    md = claim.to_markdown()
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "| Claim | a \\| b |" in md and "- &lt;b&gt;x&lt;/b&gt;" in md
