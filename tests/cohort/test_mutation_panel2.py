"""What build_panel records about a run (meta["options"], the progress bar) and the
optional death / end-of-registration columns, worked out from the ``build_panel``
docstring: ``death_col``/``end_col`` "auto" use the data model's ``death_date`` /
``end_date`` when the persons table has them, and the span is the one given or the
events' first and last day."""

import warnings

import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import ExclusionWarning

D = pd.Timestamp
COUNT = {"n": et.cohort.Measure()}


def events_():
    return pd.DataFrame({"person_id": [1, 1, 2], "event_date": [D("2020-02-03"),
                                                                D("2020-02-20"),
                                                                D("2020-03-10")]})


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_meta_options_record_the_resolved_run(engine):
    persons = pd.DataFrame({"person_id": [1, 2], "index_date": [D("2020-02-03")] * 2,
                            "death_date": [D("2020-02-10"), pd.NaT]})
    res = et.cohort.build_panel(persons, events_(), measures=COUNT, window=[0, 2],
                                period="month", engine=engine)
    o = res.meta["options"]
    assert o["window"] == (0, 2) and isinstance(o["window"], tuple)
    assert (o["period"], o["engine"], o["id_col"], o["index_col"], o["event_date_col"],
            o["key_col"], o["death_col"], o["end_col"]) == (
        "month", engine, "person_id", "index_date", "event_date", None, "death_date", None)
    assert o["measures"] is COUNT
    # Span inferred from the events: first 2020-02-03, last 2020-03-10.
    assert o["span"] == ("2020-02-03", "2020-03-10")
    # Months from the index date 02-03: period 0 = [02-03, 03-03) (29 days), 1 = [03-03,
    # 04-03) (31 days); observation ends the day after the span's last day (03-11).
    # Person 1 dies 02-10: the event of 02-20 is after death; observed 02-03..02-10 (8 of
    # 29 days) in period 0, nothing in period 1. Person 2: period 0 whole, period 1
    # observed 03-03..03-10 (8 of 31 days), with the event of 03-10.
    assert res.data["n"].tolist() == [1, 0, 0, 1]
    assert res.data["exposure"].tolist() == pytest.approx([8 / 29, 0, 1, 8 / 31])
    assert dict(zip(res.flow["step"], res.flow["n"], strict=True))[
        "excluded: after death or end of registration"] == 1


def test_auto_columns_absent_and_named_explicitly():
    persons = pd.DataFrame({"person_id": [1, 2], "index_date": [D("2020-02-03")] * 2,
                            "died": [D("2020-02-10"), pd.NaT],
                            "left": [pd.NaT, D("2020-02-29")]})
    res = et.cohort.build_panel(persons, events_(), measures=COUNT, window=(0, 2))
    assert res.meta["options"]["death_col"] is None and res.meta["options"]["end_col"] is None
    assert res.data["n"].tolist() == [2, 0, 0, 1]
    res = et.cohort.build_panel(persons, events_(), measures=COUNT, window=(0, 2),
                                death_col="died", end_col="left")
    o = res.meta["options"]
    assert (o["death_col"], o["end_col"]) == ("died", "left")
    # Person 2 leaves the register on 02-29: the event of 03-10 is after the end; period 0
    # [02-03, 03-03) observed 02-03..02-29 (27 of 29 days), period 1 none.
    assert res.data["n"].tolist() == [1, 0, 0, 0]
    assert res.data["exposure"].tolist() == pytest.approx([8 / 29, 0, 27 / 29, 0])


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_progress_bar_only_when_asked_for_a_small_table(engine, capsys):
    persons = pd.DataFrame({"person_id": [1, 2], "index_date": [D("2020-02-03")] * 2})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExclusionWarning)
        et.cohort.build_panel(persons, events_(), measures=COUNT, window=(0, 1),
                              engine=engine)
        assert "build_panel" not in capsys.readouterr().err  # 3 events: below 1,000,000
        et.cohort.build_panel(persons, events_(), measures=COUNT, window=(0, 1),
                              engine=engine, progress=True)
        assert "build_panel: 100%" in capsys.readouterr().err
        et.cohort.build_panel(persons, events_(), measures=COUNT, window=(0, 1),
                              engine=engine, progress=False)
        assert "build_panel" not in capsys.readouterr().err


@pytest.mark.parametrize("engine", ["pandas", "duckdb", "duckdb-file"])
def test_unknown_persons_are_counted_by_event_and_named(engine, tmp_path):
    # Two events of person 9, who is not in the persons table: 2 events, one id shown.
    persons = pd.DataFrame({"person_id": [1], "index_date": [D("2020-02-03")]})
    events = pd.DataFrame({"person_id": [1, 9, 9], "event_date": [D("2020-02-03"),
                                                                  D("2020-02-04"),
                                                                  D("2020-02-05")]})
    if engine == "duckdb-file":
        events.to_parquet(tmp_path / "events.parquet")
        events = tmp_path / "events.parquet"
    with pytest.raises(et.exceptions.SchemaError,
                       match=r"has 2 event\(s\) for persons not in the persons table, e\.g\. "
                             r"person_id \[9\]\."):
        et.cohort.build_panel(persons, events, measures=COUNT, window=(0, 1),
                              engine=engine.split("-")[0])
