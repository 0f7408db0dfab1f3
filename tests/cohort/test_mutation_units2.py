"""The persons' side of the flow (step, count and unit of every row) and messages naming
the persons table, worked out by hand from the ``build_panel`` docstring: persons without
an index date or with an index date after death / end of registration are excluded and
counted in persons; with ``key_col`` the panel's units are person x index date."""

import warnings

import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ExclusionWarning, SchemaError

D = pd.Timestamp


def build(persons, **kwargs):
    events = pd.DataFrame({"person_id": [1, 2], "event_date": [D("2020-02-03"),
                                                               D("2020-02-04")]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExclusionWarning)
        return et.cohort.build_panel(persons, events, measures={"n": et.cohort.Measure()},
                                     window=(0, 1), span=("2020-01-01", "2020-12-31"),
                                     unknown_persons="drop", **kwargs)


def test_persons_flow_rows_with_their_units():
    # Person 1 kept; 2 dies before the index date; 3 leaves the register before it; 4 has
    # no index date. Persons 2 to 4 are excluded, each counted once, in persons.
    persons = pd.DataFrame({
        "person_id": [1, 2, 3, 4],
        "index_date": [D("2020-02-01"), D("2020-02-01"), D("2020-02-01"), pd.NaT],
        "death_date": [pd.NaT, D("2020-01-31"), pd.NaT, pd.NaT],
        "end_date": [pd.NaT, pd.NaT, D("2020-01-15"), pd.NaT]})
    res = build(persons, death_col="death_date", end_col="end_date", missing_index="drop")
    rows = [tuple(r) for r in res.flow.itertuples(index=False) if r.unit == "persons"]
    assert rows == [("persons supplied", 4, "persons"),
                    ("excluded: no index date", 1, "persons"),
                    ("excluded: index date after death", 1, "persons"),
                    ("excluded: index date after end of registration", 1, "persons"),
                    ("persons in the panel", 1, "persons")]


def test_units_flow_row_with_key_col():
    # Person 1 offered at two index dates: 1 person, 2 units.
    persons = pd.DataFrame({"unit_id": [10, 11], "person_id": [1, 1],
                            "index_date": [D("2020-02-01"), D("2020-03-01")]})
    res = build(persons, key_col="unit_id")
    rows = [tuple(r) for r in res.flow.itertuples(index=False)
            if r.unit in ("persons", "units")]
    assert rows == [("persons supplied", 2, "persons"),
                    ("persons in the panel", 1, "persons"),
                    ("units in the panel (person x index date)", 2, "units")]


@pytest.mark.parametrize("column", ["death_date", "end_date"])
def test_bad_end_dates_name_the_persons_table(column):
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-02-01")],
                            column: [20200301]})
    kwargs = {"death_col" if column == "death_date" else "end_col": column}
    with pytest.raises(SchemaError, match=rf"Column '{column}' of the persons table holds "
                                          r"numbers"):
        build(persons, **kwargs)


def test_data_warnings_point_at_the_callers_line():
    # A warning about the data names the user's own line (this file), not a line inside
    # evaltools, whichever public function raised it.
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-02-01")]})
    events = pd.DataFrame({"person_id": [1, 1], "event_date": [D("2020-02-03")] * 2})
    with pytest.warns(et.exceptions.DataWarning, match="1 exact duplicate") as caught:
        et.cohort.build_panel(persons, events, measures={"n": et.cohort.Measure()},
                              window=(0, 1), span=("2020-01-01", "2020-12-31"))
    dup = [w for w in caught if "exact duplicate" in str(w.message)]
    assert dup[0].filename == __file__
