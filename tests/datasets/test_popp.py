"""The synthetic POPP cohort: reproducible, documented columns, regression to the mean."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.datasets import popp_checks
from evaltools.datasets.samples import POPP_SAMPLE
from evaltools.exceptions import ParameterError


def emergency_rates(persons, events):
    """Participants' emergency admissions per person-year before and after enrolment."""
    treated = persons[persons.treated == 1]
    panel = et.cohort.build_panel(treated, events, measures=et.cohort.STANDARD_MEASURES,
                                  window=(-12, 12), unknown_persons="drop")
    d = panel.data
    pre = d.rel_period < 0
    return [12 * d.loc[m, "emergency_admissions"].sum() / d.loc[m, "exposure"].sum()
            for m in (pre, ~pre)]


def test_same_random_state_same_tables():
    a = et.datasets.popp_synthetic(n_participants=40, n_pool=300, random_state=5)
    b = et.datasets.popp_synthetic(n_participants=40, n_pool=300, random_state=5)
    c = et.datasets.popp_synthetic(n_participants=40, n_pool=300, random_state=6)
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y)
    assert not a[1].equals(c[1])


def test_tables_follow_the_data_model():
    persons, events = et.datasets.popp_synthetic(n_participants=60, n_pool=600, random_state=2)
    assert persons.person_id.is_unique and len(persons) == 660
    assert persons.treated.sum() == 60
    assert persons.loc[persons.treated == 1, "index_date"].notna().all()
    assert persons.loc[persons.treated == 0, "index_date"].isna().all()
    assert (persons.loc[persons.treated == 1, "intervention_area"] == 1).all()
    assert (persons.age >= 65).all() and persons.imd_quintile.between(1, 5).all()
    assert persons.risk_score.between(0, 1).all()
    assert events.person_id.isin(persons.person_id).all()
    merged = events.merge(persons[["person_id", "death_date", "end_date"]], on="person_id")
    assert not (merged.event_date > merged.death_date).any()
    assert not (merged.event_date > merged.end_date).any()
    ip = events.setting == "inpatient"
    assert set(events.loc[ip, "method"]) == {"emergency", "elective"}
    assert events.loc[~ip, "method"].isna().all() and (events.loc[~ip, "los"] == 0).all()
    treated = persons[persons.treated == 1]
    assert not (treated.index_date > treated.death_date).any()


def test_no_effect_still_shows_a_large_fall():
    """With effect=0 participants' admissions fall after enrolment: regression to the mean.

    Seeded simulation (seed 11, 800 participants): the 12 months after enrolment have at
    least 30% fewer emergency admissions per person-year than the 12 months before.
    """
    persons, events = et.datasets.popp_synthetic(n_participants=800, n_pool=0, random_state=11)
    before, after = emergency_rates(persons, events)
    assert after / before < 0.7


def test_effect_parameter_scales_post_enrolment_admissions():
    """effect=-0.4 gives about 0.6 times the post-enrolment rate of effect=0.

    Two seeded simulations of 2,000 participants; the ratio's Monte Carlo standard error
    is about 0.03, so the tolerance of 0.1 is over three standard errors.
    """
    base = et.datasets.popp_synthetic(n_participants=2000, n_pool=0, random_state=21)
    treated = et.datasets.popp_synthetic(n_participants=2000, n_pool=0, effect=-0.4, random_state=21)
    ratio = emergency_rates(*treated)[1] / emergency_rates(*base)[1]
    assert ratio == pytest.approx(0.6, abs=0.1)


def test_pool_differs_from_participants():
    """The pool meets the services' risk threshold but is younger, less deprived, lower risk."""
    persons, _ = et.datasets.popp_synthetic(n_participants=300, n_pool=3000, random_state=4)
    assert (persons.risk_score >= 0.1).all()
    means = persons.groupby("treated")[["age", "risk_score", "imd_quintile"]].mean()
    assert means.loc[1, "age"] > means.loc[0, "age"] + 0.5
    assert means.loc[1, "risk_score"] > 1.2 * means.loc[0, "risk_score"]
    assert means.loc[1, "imd_quintile"] < means.loc[0, "imd_quintile"] - 0.3


def test_threshold_zero_takes_a_random_pool():
    persons, _ = et.datasets.popp_synthetic(n_participants=50, n_pool=2000, threshold=0,
                                            random_state=4)
    assert (persons.risk_score < 0.1).mean() > 0.2


def test_lookback_changes_who_is_picked():
    """A 3-month look-back picks people whose admissions are more recent than a 24-month one."""
    def recent_share(lookback):
        persons, events = et.datasets.popp_synthetic(n_participants=400, n_pool=0,
                                                     lookback=lookback, random_state=9)
        rates = popp_checks.monthly_rates(persons[persons.treated == 1], events)
        return rates.admissions.loc[-3:-1].sum() / rates.admissions.loc[-24:-1].sum()

    assert recent_share(3) > recent_share(24) + 0.05


def test_committed_sample_matches_its_generator():
    persons, events = et.datasets.load_popp_sample()
    fresh = et.datasets.popp_synthetic(**POPP_SAMPLE)
    pd.testing.assert_frame_equal(persons, fresh[0])
    pd.testing.assert_frame_equal(events, fresh[1])
    size = sum(et.datasets.sample_path(f).stat().st_size
               for f in ("popp_persons.parquet", "popp_events.parquet"))
    assert size < 5e6


def test_bad_arguments():
    with pytest.raises(ParameterError, match=r"'effect' parameter of popp_synthetic must be a "
                                             r"float in \(-1, 10\]. Got -1.5"):
        et.datasets.popp_synthetic(effect=-1.5)
    with pytest.raises(ParameterError, match=r"'n_participants'"):
        et.datasets.popp_synthetic(n_participants=0)
    with pytest.raises(ParameterError, match=r"'lookback' parameter of popp_synthetic must be "
                                             r"an int in \[1, 36\]. Got 0"):
        et.datasets.popp_synthetic(lookback=0)
    with pytest.raises(ParameterError, match=r"'threshold' parameter of popp_synthetic must be "
                                             r"a float in \[0, 1\). Got 1"):
        et.datasets.popp_synthetic(threshold=1)


def test_sorted_and_typed():
    persons, events = et.datasets.popp_synthetic(n_participants=20, n_pool=100, random_state=8)
    assert persons.person_id.is_monotonic_increasing
    assert np.issubdtype(events.event_date.dtype, np.datetime64)
    assert (events.groupby("person_id").event_date.apply(lambda s: s.is_monotonic_increasing)).all()


def test_data_dictionary_lists_exactly_the_sample_columns():
    """data_samples/README.md documents every column of the committed sample, no more."""
    import re

    text = et.datasets.sample_path("README.md").read_text()
    persons, events = et.datasets.load_popp_sample()
    for heading, table in (("### persons", persons), ("### events", events)):
        section = text.split(heading)[1].split("###")[0]
        documented = [c for c in re.findall(r"^\| (\w+) \|", section, flags=re.M)
                      if c != "column"]
        assert documented == list(table.columns), heading
    assert f"{len(persons):,} rows" in text


@pytest.mark.parametrize("bad", [-1, 1.5, "1", True])
def test_random_state_is_checked(bad):
    with pytest.raises(ParameterError, match=r"'random_state' parameter of popp_synthetic must "
                                             r"be None, a non-negative int"):
        et.datasets.popp_synthetic(n_participants=5, n_pool=5, random_state=bad)


def test_random_state_accepts_a_generator():
    a = et.datasets.popp_synthetic(n_participants=10, n_pool=20,
                                   random_state=np.random.default_rng(4))
    b = et.datasets.popp_synthetic(n_participants=10, n_pool=20, random_state=4)
    pd.testing.assert_frame_equal(a[1], b[1])


@pytest.mark.parametrize("name, message", [
    ("../../etc/passwd", "must be a file name in data_samples/"),
    (".hidden", "must be a file name"),
    ("nope.csv", "There is no sample file 'nope.csv'; the samples are: "),
])
def test_sample_path_refuses_other_places(name, message):
    with pytest.raises(ParameterError, match=message):
        et.datasets.sample_path(name)


def test_popp_synthetic_refuses_sizes_it_cannot_hold():
    with pytest.raises(ParameterError, match=r"would simulate 2,000,000,200 people .* the "
                                             r"limit is 2,000,000"):
        et.datasets.popp_synthetic(10**8, 100)


@pytest.mark.parametrize("effect", [np.inf, np.nan, 11])
def test_effect_must_be_finite_and_plausible(effect):
    with pytest.raises(ParameterError, match=r"'effect' parameter of popp_synthetic must be a "
                                             r"float in \(-1, 10\]"):
        et.datasets.popp_synthetic(10, 100, effect=effect)


def test_sample_path_name_must_be_text():
    with pytest.raises(ParameterError, match=r"'name' parameter of sample_path must be a file "
                                             r"name \(str\). Got 5"):
        et.datasets.sample_path(5)
