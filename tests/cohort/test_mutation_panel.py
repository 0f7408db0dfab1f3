"""build_panel at every boundary, on both engines, against hand-computed cells and flows.

Each expected number below is worked out by hand from the documented definitions
(``build_panel`` docstring and DESIGN.md): period ``k`` covers
``[index + k periods, index + (k+1) periods)`` in calendar months (31 January + 1 month =
29 February 2020), weeks or days; ``window=(start, stop)`` is half-open; observation ends
the day after death or end of registration (the death day is observed); ``exposure`` is
the observed share of each period (days observed / days in the period). Cases are built
so that ``<`` for ``<=`` at any of these edges, a wrong denominator or a dropped term
changes a number.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, ExclusionWarning, SchemaError

ENGINES = ["pandas", "duckdb"]
COUNT = {"n": et.cohort.Measure()}
D = pd.Timestamp


def panel(persons, events, engine, **kwargs):
    kwargs.setdefault("measures", COUNT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExclusionWarning)
        return et.cohort.build_panel(persons, events, engine=engine, **kwargs)


def cells(result, column="n", key="person_id"):
    d = result.data
    return {(k, int(p)): v for k, p, v in zip(d[key], d["rel_period"], d[column], strict=True)}


def flow(result):
    return dict(zip(result.flow["step"], result.flow["n"], strict=True))


def events_of(pid_dates):
    pids, dates = zip(*pid_dates, strict=True)
    return pd.DataFrame({"person_id": list(pids), "event_date": pd.to_datetime(list(dates))})


# --- calendar-month periods: the first and last day of each period --------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_month_periods_at_their_edges(engine):
    # Index 2020-01-31: period -2 = [2019-11-30, 2019-12-31), -1 = [2019-12-31, 2020-01-31),
    # 0 = [01-31, 02-29), 1 = [02-29, 03-31) (month ends clip: 31 Jan + 1 month = 29 Feb).
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-01-31")]})
    events = events_of([(1, "2019-12-30"),  # last day of -2: outside window (-1, 2)
                        (1, "2019-12-31"),  # first day of -1
                        (1, "2020-01-30"), (1, "2020-01-30"),  # last day of -1 (twice)
                        (1, "2020-01-31"),  # index date: period 0
                        (1, "2020-02-28"),  # last day of period 0
                        (1, "2020-02-29"), (1, "2020-03-30"),  # first and last day of 1
                        (1, "2020-03-31")])  # first day of 2: outside the window
    with pytest.warns(DataWarning, match="1 exact duplicate"):
        res = panel(persons, events, engine, window=(-1, 2),
                    span=("2019-01-01", "2020-12-31"), duplicates="keep")
    assert cells(res) == {(1, -1): 3, (1, 0): 2, (1, 1): 2}
    # Periods of 31, 29 and 31 days, all observed.
    assert res.data["exposure"].tolist() == [1.0, 1.0, 1.0]
    f = flow(res)
    assert f["excluded: outside the window"] == 2
    assert f["events in the panel"] == 7


@pytest.mark.parametrize("engine", ENGINES)
def test_years_and_multi_month_steps(engine):
    # Years from index 2020-02-29: year 0 = [2020-02-29, 2021-02-28), year 1 from 2021-02-28.
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-02-29")]})
    events = events_of([(1, "2021-02-27"), (1, "2021-02-28"), (1, "2020-02-28")])
    res = panel(persons, events, engine, window=(-1, 2), period="year",
                span=("2018-01-01", "2022-12-31"))
    assert cells(res) == {(1, -1): 1, (1, 0): 1, (1, 1): 1}
    # Exposure with the span ending inside year 1 = [2021-02-28, 2022-02-28): 365 days,
    # observed through 2021-12-31 = 307 days.
    res = panel(persons, events, engine, window=(-1, 2), period="year",
                span=("2018-01-01", "2021-12-31"))
    assert res.data["exposure"].tolist() == pytest.approx([1.0, 1.0, 307 / 365])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("period, expected", [
    # Index 2020-01-08. Weeks: -1 = [01-01, 01-08), 0 = [01-08, 01-15), 1 = [01-15, 01-22).
    ("week", {(1, -1): 2, (1, 0): 2, (1, 1): 1}),
    # Days: -1 = 01-07, 0 = 01-08, 1 = 01-09 (window (-1, 2)).
    ("day", {(1, -1): 1, (1, 0): 1, (1, 1): 0}),
])
def test_week_and_day_periods_at_their_edges(engine, period, expected):
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-01-08")]})
    events = events_of([(1, "2019-12-31"), (1, "2020-01-01"), (1, "2020-01-07"),
                        (1, "2020-01-08"), (1, "2020-01-14"), (1, "2020-01-21"),
                        (1, "2020-01-22")])
    res = panel(persons, events, engine, window=(-1, 2), period=period,
                span=("2019-06-01", "2020-12-31"))
    assert cells(res) == expected
    n_in = sum(expected.values())
    assert flow(res)["events in the panel"] == n_in
    assert flow(res).get("excluded: outside the window", 0) == 7 - n_in


# --- death, end of registration and the span --------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_death_on_the_index_date(engine):
    # Person 1 dies on the index date 2020-03-10: period 0 = [03-10, 04-10) has 31 days of
    # which one (the death day) is observed; period -1 = [02-10, 03-10), 29 days, is whole.
    # The event on the death day counts; the one the day after is after death.
    persons = pd.DataFrame({"person_id": [1, 2],
                            "index_date": [D("2020-03-10"), D("2020-03-10")],
                            "death_date": [D("2020-03-10"), D("2020-03-09")]})
    events = events_of([(1, "2020-03-09"), (1, "2020-03-10"), (1, "2020-03-11"),
                        (2, "2020-03-01"), (2, "2020-03-05")])
    with pytest.warns(ExclusionWarning, match="index date after their death"):
        res = et.cohort.build_panel(persons, events, measures=COUNT, window=(-1, 2),
                                    engine=engine, span=("2020-01-01", "2020-12-31"))
    assert cells(res) == {(1, -1): 1, (1, 0): 1, (1, 1): 0}
    assert res.data["exposure"].tolist() == pytest.approx([1.0, 1 / 31, 0.0])
    f = flow(res)
    # Person 2 died the day before the index date: excluded, with both events.
    assert f["persons supplied"] == 2
    assert f["excluded: index date after death"] == 1
    assert f["persons in the panel"] == 1
    assert f["events supplied"] == 5
    assert f["excluded: person excluded above"] == 2
    assert f["excluded: after death or end of registration"] == 1
    assert f["events in the panel"] == 2
    assert "excluded: outside the window" not in f


@pytest.mark.parametrize("engine", ENGINES)
def test_end_of_registration_and_death_take_the_earlier(engine):
    # Index 2020-03-10, period 0 = [03-10, 04-10) of 31 days.
    # Person 1: registration ends 03-20 (11 days observed), no death.
    # Person 2: death 03-25, registration ends 04-05: death first (16 days).
    # Person 3: death 04-02, registration ends 03-15: end first (6 days).
    # Person 4: registration ends 03-09, the day before the index date: excluded.
    persons = pd.DataFrame({
        "person_id": [1, 2, 3, 4],
        "index_date": [D("2020-03-10")] * 4,
        "death_date": [pd.NaT, D("2020-03-25"), D("2020-04-02"), pd.NaT],
        "end_date": [D("2020-03-20"), D("2020-04-05"), D("2020-03-15"), D("2020-03-09")]})
    events = events_of([(1, "2020-03-20"), (1, "2020-03-21"), (2, "2020-03-25"),
                        (2, "2020-03-26"), (3, "2020-03-15"), (3, "2020-03-16"),
                        (4, "2020-03-01")])
    with pytest.warns(ExclusionWarning, match="end of registration"):
        res = et.cohort.build_panel(persons, events, measures=COUNT, window=(0, 1),
                                    engine=engine, span=("2020-01-01", "2020-12-31"))
    exposure = dict(zip(res.data["person_id"], res.data["exposure"], strict=True))
    assert exposure == pytest.approx({1: 11 / 31, 2: 16 / 31, 3: 6 / 31})
    assert cells(res) == {(1, 0): 1, (2, 0): 1, (3, 0): 1}
    f = flow(res)
    assert f["excluded: index date after end of registration"] == 1
    assert "excluded: index date after death" not in f
    assert f["excluded: after death or end of registration"] == 3
    assert f["excluded: person excluded above"] == 1
    assert f["persons in the panel"] == 3
    # death_col=None and end_col=None: nobody's observation ends early, nobody excluded.
    res = et.cohort.build_panel(persons, events, measures=COUNT, window=(0, 1), engine=engine,
                                span=("2020-01-01", "2020-12-31"), death_col=None,
                                end_col=None)
    assert res.data["exposure"].tolist() == [1.0] * 4
    assert res.data["n"].tolist() == [2, 2, 2, 0]


@pytest.mark.parametrize("engine", ENGINES)
def test_span_edges_cut_exposure_and_events(engine):
    # Span 2020-01-15 .. 2020-04-14. Index 2020-01-31; periods -1 = [12-31, 01-31) (31 days,
    # 16 observed from 01-15), 0 = [01-31, 02-29) (29, whole), 1 = [02-29, 03-31) (31,
    # whole), 2 = [03-31, 04-30) (30 days, 15 observed through 04-14).
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-01-31")]})
    events = events_of([(1, "2020-01-14"), (1, "2020-01-15"), (1, "2020-04-14"),
                        (1, "2020-04-15")])
    res = panel(persons, events, engine, window=(-1, 3), span=("2020-01-15", "2020-04-14"))
    assert res.data["exposure"].tolist() == pytest.approx([16 / 31, 1.0, 1.0, 15 / 30])
    assert cells(res) == {(1, -1): 1, (1, 0): 0, (1, 1): 0, (1, 2): 1}
    f = flow(res)
    assert f["excluded: outside the data span"] == 2
    assert f["events in the panel"] == 2
    # The inferred span runs from the first to the last event date (01-14 .. 04-15).
    res = panel(persons, events, engine, window=(-1, 3))
    assert res.data["exposure"].tolist() == pytest.approx([17 / 31, 1.0, 1.0, 16 / 30])
    assert res.data["n"].tolist() == [2, 0, 0, 2]
    assert res.meta["options"]["span"] == ("2020-01-14", "2020-04-15")


@pytest.mark.parametrize("engine", ENGINES)
def test_index_dates_at_the_span_edges(engine):
    events = events_of([(1, "2020-01-01"), (2, "2020-06-30")])
    at_edges = pd.DataFrame({"person_id": [1, 2],
                             "index_date": [D("2020-01-01"), D("2020-06-30")]})
    res = panel(at_edges, events, engine, window=(0, 1), period="day")
    assert res.data["n"].tolist() == [1, 1]
    assert res.data["exposure"].tolist() == [1.0, 1.0]
    for outside in ("2019-12-31", "2020-07-01"):
        persons = at_edges.assign(index_date=[D(outside), D("2020-03-01")])
        with pytest.raises(SchemaError, match="1 index date"):
            panel(persons, events, engine, window=(0, 1))


# --- key_col: units are person x index date ---------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_key_col_flow_counts_units_and_links(engine):
    # Person 1 offered at two index dates (units a, b), person 2 once (c), person 3's only
    # unit (d) is excluded (index after death). Person 1's unit e has its index after the
    # death date of that row, so only e is excluded and person 1 stays.
    units = pd.DataFrame({
        "unit_id": ["a", "b", "c", "d", "e"],
        "person_id": [1, 1, 2, 3, 1],
        "index_date": [D("2020-02-01"), D("2020-03-01"), D("2020-02-01"), D("2020-03-01"),
                       D("2020-06-01")],
        "death_date": [pd.NaT, pd.NaT, pd.NaT, D("2020-02-01"), D("2020-05-01")]})
    events = events_of([(1, "2020-02-15"),  # a: period 0; b: period -1 (outside (0, 1))
                        (1, "2020-03-01"),  # a: period 1 (outside); b: period 0
                        (2, "2020-01-31"),  # c: period -1 (outside)
                        (2, "2020-02-01"),  # c: period 0
                        (3, "2020-02-10")])  # d excluded: its person is excluded
    res = panel(units, events, engine, window=(0, 1), key_col="unit_id",
                span=("2020-01-01", "2020-12-31"))
    assert cells(res, key="unit_id") == {("a", 0): 1, ("b", 0): 1, ("c", 0): 1}
    assert res.data["person_id"].tolist() == [1, 1, 2]
    f = flow(res)
    assert f["persons supplied"] == 5
    assert f["excluded: index date after death"] == 2
    assert f["persons in the panel"] == 2
    assert f["units in the panel (person x index date)"] == 3
    assert f["events supplied"] == 5
    assert f["excluded: person excluded above"] == 1
    # Person 1's two events link to units a and b (4 links), person 2's to c (2).
    assert f["event-unit links (an event counts once per unit of its person)"] == 6
    assert f["excluded: outside the window"] == 3
    assert f["events in the panel"] == 3
    units_col = dict(zip(res.flow["step"], res.flow["unit"], strict=True))
    assert units_col["events in the panel"] == "event-unit links"
    assert units_col["units in the panel (person x index date)"] == "units"
    # Without key_col the rows would not be unique persons: refused.
    with pytest.raises(SchemaError):
        panel(units, events, engine, window=(0, 1))


@pytest.mark.parametrize("engine", [*ENGINES, "duckdb-file"])
def test_flow_of_duplicates_unknown_persons_and_missing_index(engine, tmp_path):
    persons = pd.DataFrame({"person_id": [1, 2, 3],
                            "index_date": [D("2020-02-01"), pd.NaT, D("2020-02-01")]})
    events = events_of([(1, "2020-02-03"), (1, "2020-02-03"), (1, "2020-02-03"),
                        (2, "2020-02-05"), (9, "2020-02-07"), (9, "2020-02-08"),
                        (3, "2020-01-10")])
    if engine == "duckdb-file":
        events.to_parquet(tmp_path / "events.parquet")
        events, engine = tmp_path / "events.parquet", "duckdb"
    with pytest.warns(DataWarning, match="2 exact duplicate"):
        res = panel(persons, events, engine, window=(0, 1), missing_index="drop",
                    unknown_persons="drop")
    f = flow(res)
    assert f == {"persons supplied": 3, "excluded: no index date": 1, "persons in the panel": 2,
                 "events supplied": 7, "excluded: exact duplicate rows": 2,
                 "excluded: person not in the persons table": 2,
                 "excluded: person excluded above": 1, "excluded: outside the window": 1,
                 "events in the panel": 1}
    assert cells(res) == {(1, 0): 1, (3, 0): 0}
    with pytest.warns(DataWarning, match="kept as separate events"):
        kept = panel(persons, events, engine, window=(0, 1), missing_index="drop",
                     unknown_persons="drop", duplicates="keep")
    assert cells(kept) == {(1, 0): 3, (3, 0): 0}
    assert "excluded: exact duplicate rows" not in flow(kept)
    assert flow(kept)["events in the panel"] == 3


# --- measure conditions at their boundaries -----------------------------------------------

WHERE_CASES = [
    # los on the five events: 1, 2, 3, missing, 2 (the last an 'ae' visit on 2020-02-20).
    ("los > 2", 1), ("los >= 2", 3), ("los < 2", 1), ("los <= 2", 3), ("los == 2", 2),
    ("los != 2", 2), ("not (los == 2)", 3), ("los is null", 1), ("los is not null", 4),
    ("los in [1, 3]", 2), ("los not in [1, 3]", 2), ("2 < los", 1), ("2 >= los", 3),
    ("event_date >= date '2020-02-10'", 3), ("event_date > date '2020-02-10'", 2),
    ("event_date < date '2020-02-10'", 2), ("event_date <= date '2020-02-10'", 3),
    ("setting == 'inpatient' and los >= 2", 2), ("setting == 'ae' or los < 2", 2),
    ("not setting == 'ae'", 4), ("los > cost", 2), ("los <= cost", 1),
    ("flag == 1", 2), ("flag != 1", 3), ("setting in ['ae', 'op']", 1),
    ("setting not in ['ae']", 4), ("method != 'elective'", 2),
    ("not (method == 'elective')", 4), ("method is null", 2),
]


@pytest.fixture(scope="module")
def where_case():
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-02-01")]})
    events = pd.DataFrame({
        "person_id": [1] * 5,
        "event_date": pd.to_datetime(["2020-02-01", "2020-02-09", "2020-02-10", "2020-02-11",
                                      "2020-02-20"]),
        "setting": ["inpatient", "inpatient", "inpatient", "inpatient", "ae"],
        "method": ["elective", "emergency", "emergency", None, None],
        "los": [1.0, 2.0, 3.0, np.nan, 2.0],
        "cost": [5.0, 1.5, 2.5, 4.0, np.nan],
        "flag": [True, False, True, False, False],
    })
    return persons, events


@pytest.mark.parametrize("engine", ENGINES)
def test_where_conditions_at_their_boundaries(where_case, engine):
    persons, events = where_case
    measures = {f"m{i}": et.cohort.Measure(w) for i, (w, _) in enumerate(WHERE_CASES)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = et.cohort.build_panel(persons, events, measures=measures, window=(0, 1),
                                    engine=engine)
    got = {w: int(res.data[f"m{i}"].iloc[0]) for i, (w, _) in enumerate(WHERE_CASES)}
    assert got == {w: n for w, n in WHERE_CASES}


@pytest.mark.parametrize("engine", ENGINES)
def test_sums_under_a_condition(where_case, engine):
    persons, events = where_case
    measures = {"los_ip": et.cohort.Measure("setting == 'inpatient' and los >= 2",
                                            value="los", agg="sum"),
                "cost_known": et.cohort.Measure("cost is not null", value="cost", agg="sum"),
                "cost_flag": et.cohort.Measure("flag == 1", value="cost", agg="sum")}
    res = et.cohort.build_panel(persons, events, measures=measures, window=(0, 1),
                                engine=engine)
    row = res.data.iloc[0]
    assert row["los_ip"] == 5.0  # 2 + 3
    assert row["cost_known"] == pytest.approx(13.0)  # 5 + 1.5 + 2.5 + 4
    assert row["cost_flag"] == pytest.approx(7.5)  # 5 + 2.5
    assert res.data["los_ip"].dtype == np.float64


@pytest.mark.parametrize("engine", ENGINES)
def test_where_on_text_dates_and_integer_columns(engine):
    persons = pd.DataFrame({"person_id": ["p1"], "index_date": ["2020-02-01"]})
    events = pd.DataFrame({"person_id": ["p1"] * 4,
                           "event_date": ["2020-02-01", "2020-02-02", "2020-02-03",
                                          "2020-02-04"],
                           "n_proc": [0, 1, 2, 3]})
    measures = {"two_plus": et.cohort.Measure("n_proc >= 2"),
                "procs": et.cohort.Measure("n_proc > 0", value="n_proc", agg="sum")}
    res = et.cohort.build_panel(persons, events, measures=measures, window=(0, 1),
                                engine=engine)
    assert res.data[["two_plus", "procs"]].iloc[0].tolist() == [2, 6]


# --- what the result reports --------------------------------------------------------------

def test_summary_rates_per_1000_and_rates_by_group():
    # Person 1 (treated) index 2020-02-01, person 2 (control) index 2020-03-01 with death
    # on 2020-03-15. Window (-1, 1) months, span 2020-01-01 .. 2020-12-31.
    persons = pd.DataFrame({"person_id": [1, 2], "index_date": [D("2020-02-01"),
                                                                 D("2020-03-01")],
                            "death_date": [pd.NaT, D("2020-03-15")], "treated": [1, 0]})
    events = events_of([(1, "2020-01-05"), (1, "2020-01-06"), (1, "2020-02-10"),
                        (2, "2020-02-20"), (2, "2020-03-14")])
    res = panel(persons, events, "pandas", window=(-1, 1), carry=["treated"],
                span=("2020-01-01", "2020-12-31"))
    # Exposure: person 1 periods [01-01, 02-01) 1.0 and [02-01, 03-01) 1.0; person 2
    # [02-01, 03-01) 1.0 and [03-01, 04-01): 15 of 31 days.
    assert res.data["exposure"].tolist() == pytest.approx([1.0, 1.0, 1.0, 15 / 31])
    s = res.summary()
    assert s.loc["n", "total"] == 5
    assert s.loc["n", "rate_before"] == pytest.approx(1000 * 3 / 2)
    assert s.loc["n", "rate_from_index"] == pytest.approx(1000 * 2 / (1 + 15 / 31))
    r = res.rates("n", by="treated").set_index(["rel_period", "treated"])
    assert r.loc[(0, 0), "rate"] == pytest.approx(1 / (15 / 31))
    assert r.loc[(-1, 1), "rate"] == pytest.approx(2.0)
    assert r.loc[(0, 1), "n"] == 1
    plain = res.rates("n").set_index("rel_period")
    assert plain.loc[-1, "rate"] == pytest.approx(3 / 2)
    assert plain.loc[0, "exposure"] == pytest.approx(1 + 15 / 31)


def test_summary_with_no_exposure_before_the_index_date():
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-01-01")]})
    events = events_of([(1, "2020-01-05")])
    res = panel(persons, events, "pandas", window=(-1, 1), span=("2020-01-01", "2020-12-31"))
    s = res.summary()
    assert np.isnan(s.loc["n", "rate_before"])
    assert s.loc["n", "rate_from_index"] == pytest.approx(1000.0)
    r = res.rates("n").set_index("rel_period")
    assert np.isnan(r.loc[-1, "rate"]) and r.loc[0, "rate"] == 1.0


@pytest.mark.parametrize("engine", ENGINES)
def test_key_col_carries_each_units_own_values(engine):
    # One person offered twice, once as treated and once as a control: carry follows the
    # unit, not the person.
    units = pd.DataFrame({"unit_id": [10, 11], "person_id": [1, 1], "treated": [1, 0],
                          "index_date": [D("2020-02-01"), D("2020-04-01")]})
    events = events_of([(1, "2020-02-10"), (1, "2020-04-10"), (1, "2020-04-11")])
    res = panel(units, events, engine, window=(0, 1), key_col="unit_id", carry=["treated"],
                span=("2020-01-01", "2020-12-31"))
    d = res.data.set_index("unit_id")
    assert d.loc[10, "treated"] == 1 and d.loc[11, "treated"] == 0
    assert d.loc[10, "n"] == 1 and d.loc[11, "n"] == 2
    assert res.rates("n", by="treated").set_index("treated")["n"].to_dict() == {0: 2, 1: 1}


@pytest.mark.parametrize("engine", ENGINES)
def test_flow_keeps_the_totals_when_nothing_is_in_the_panel(engine):
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-02-01")]})
    events = events_of([(1, "2020-01-10")])
    res = panel(persons, events, engine, window=(0, 1), span=("2020-01-01", "2020-12-31"))
    assert flow(res) == {"persons supplied": 1, "persons in the panel": 1,
                         "events supplied": 1, "excluded: outside the window": 1,
                         "events in the panel": 0}
    assert res.data["n"].tolist() == [0]
