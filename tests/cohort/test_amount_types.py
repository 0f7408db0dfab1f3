"""Summed amounts in the types a careless extract gives them: nullable with NA, durations,
complex numbers, magnitudes whose totals overflow. Each is answered with the column named,
on both engines, and a nullable column without NA sums as its plain twin does."""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import SchemaError

COST = {"cost": et.cohort.Measure(value="cost", agg="sum")}
LOS = {"los": et.cohort.Measure(value="los", agg="sum")}
ENGINES = ["pandas", "duckdb"]


def build(persons, events, measures, **kwargs):
    return et.cohort.build_panel(persons, events, measures=measures, window=(-1, 3), **kwargs)


@pytest.mark.parametrize("engine", ENGINES)
def test_nullable_amount_with_na_is_named(small_case, engine):
    persons, events = small_case
    events = events.assign(cost=events["cost"].astype("Float64").mask(events.index == 0))
    with pytest.raises(SchemaError, match=r"sums column 'cost', which is missing for 1"):
        build(persons, events, COST, engine=engine)


def test_nullable_amount_without_na_sums_like_float(small_case):
    persons, events = small_case
    plain = build(persons, events, LOS).data
    nullable = build(persons, events.assign(los=events["los"].astype("Int64")), LOS).data
    assert np.allclose(plain["los"], nullable["los"])


@pytest.mark.parametrize("engine", ENGINES)
def test_durations_are_refused(small_case, engine):
    persons, events = small_case
    events = events.assign(los=pd.to_timedelta(events["los"], unit="D"))
    with pytest.raises(SchemaError, match=r"Column 'los' of the events table holds durations.*"
                                          r"\.dt\.days"):
        build(persons, events, LOS, engine=engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_complex_amounts_are_refused(small_case, engine):
    persons, events = small_case
    with pytest.raises(SchemaError, match=r"Column 'cost' of the events table holds complex"):
        build(persons, events.assign(cost=events["cost"] + 1j), COST, engine=engine)


def test_complex_column_not_summed_is_refused_by_duckdb(small_case):
    persons, events = small_case
    with pytest.raises(SchemaError, match=r"Column\(s\) \['z'\] of the events table hold "
                                          r"complex numbers, which engine='duckdb' cannot read"):
        build(persons, events.assign(z=1j), LOS, engine="duckdb")


@pytest.mark.parametrize("engine", ENGINES)
def test_amounts_whose_totals_overflow_are_refused(small_case, engine):
    persons, events = small_case
    with pytest.raises(SchemaError, match=r"Column 'cost' of the events table has 7 value\(s\) "
                                          r"larger than 1e\+150"):
        build(persons, events.assign(cost=1e300), COST, engine=engine)


def test_a_single_measure_for_the_dict_is_refused(small_case):
    persons, events = small_case
    with pytest.raises(et.exceptions.ParameterError,
                       match=r"'measures' parameter of build_panel must be a non-empty dict"):
        build(persons, events, et.cohort.Measure("setting == 'ae'"))
