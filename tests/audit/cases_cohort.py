"""Wrong inputs to the cohort builder, its engines, the datasets and the command line: every
parameter of every public function."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

import evaltools as et

from .catalogue import AE, MARKER, Case, popp
from .catalogue import cohort_panel as _panel
from .catalogue import cohort_panel_result as _panel_result
from .catalogue import cohort_prior as _prior
from .catalogue import participants as _part

M = et.cohort.Measure


@cache
def _sorted():
    return et.cohort.SortedEvents(popp()[1], AE)


@cache
def _files() -> dict[str, str]:
    """Event files written once: day-first CSV dates, text ids, an empty folder."""
    folder = Path(tempfile.mkdtemp(prefix="evaltools_audit_"))
    events = popp()[1]
    dayfirst = events.assign(event_date=events["event_date"].dt.strftime("%d/%m/%Y"))
    dayfirst.to_csv(folder / "dayfirst.csv", index=False)
    events.assign(person_id=events["person_id"].astype(str)).to_parquet(folder / "text_ids.parquet")
    events.assign(event_date=events["event_date"].dt.strftime("%Y%m%d").astype(int)).to_csv(
        folder / "int_dates.csv", index=False)
    (folder / "empty").mkdir()
    (folder / "zones").mkdir()
    aware = events.assign(event_date=events["event_date"].dt.tz_localize("Europe/London"))
    aware.to_parquet(folder / "zones" / "london.parquet")
    aware.assign(event_date=aware["event_date"].dt.tz_convert("America/New_York")).to_parquet(
        folder / "zones" / "new_york.parquet")
    return {"dayfirst": str(folder / "dayfirst.csv"), "text_ids": str(folder / "text_ids.parquet"),
            "int_dates": str(folder / "int_dates.csv"), "empty": str(folder / "empty"),
            "nothing": str(folder / "empty" / "*.parquet"),
            "zones": str(folder / "zones" / "*.parquet")}


def _file(name: str) -> str:
    return _files()[name]


def panel_cases() -> list[Case]:
    c = "cohort2"
    return [
        Case(c, "persons empty", lambda: _panel(persons=_part().iloc[:0]), ("persons", "empty")),
        Case(c, "persons None", lambda: _panel(persons=None), ("persons",)),
        Case(c, "all index dates missing, dropped", lambda: _panel(
            persons=_part().assign(index_date=pd.NaT), missing_index="drop"),
            ("index_date", "no person")),
        Case(c, "measures a list", lambda: _panel(measures=[M("setting == 'ae'")]),
             ("measures",)),
        Case(c, "measures values are strings", lambda: _panel(measures={"ae": "setting == 'ae'"}),
             ("measure", "ae")),
        Case(c, "measure named exposure", lambda: _panel(measures={"exposure": M()}),
             ("exposure",)),
        Case(c, "window as text", lambda: _panel(window="(-3, 3)"), ("window",)),
        Case(c, "window with inf", lambda: _panel(window=(-3, np.inf)), ("window",)),
        Case(c, "window of booleans", lambda: _panel(window=(False, True)), ("window",)),
        Case(c, "window None", lambda: _panel(window=None), ("window",)),
        Case(c, "period plural", lambda: _panel(period="months"), ("period",)),
        Case(c, "period a number", lambda: _panel(period=3), ("period",)),
        Case(c, "id_col None", lambda: _panel(id_col=None), ("id_col",)),
        Case(c, "id_col a list", lambda: _panel(id_col=["person_id"]), ("id_col",)),
        Case(c, "index_col is the id column", lambda: _panel(index_col="person_id"),
             ("index_col", "id_col")),
        Case(c, "key_col is the index column", lambda: _panel(key_col="index_date"),
             ("key_col", "index_col")),
        Case(c, "event_date_col a text column", lambda: _panel(event_date_col="setting"),
             ("setting",)),
        Case(c, "engine in capitals", lambda: _panel(engine="DuckDB"), ("engine",)),
        Case(c, "key_col with a missing value", lambda: _panel(
            persons=_part().assign(visit=lambda d: np.where(d.index > 0, d.index, np.nan)),
            key_col="visit"), ("visit",)),
        Case(c, "key_col repeated", lambda: _panel(
            persons=_part().assign(visit=1), key_col="visit"), ("visit",)),
        Case(c, "death_col missing", lambda: _panel(death_col="died"), ("died",)),
        Case(c, "end_col integer dates", lambda: _panel(
            persons=_part().assign(end_date=20100101), end_col="end_date"), ("end_date",)),
        Case(c, "death_col day-first text", lambda: _panel(
            persons=_part().assign(death_date="31/12/2009"), death_col="death_date"),
            ("death_date",)),
        Case(c, "span a single string", lambda: _panel(span="2005-01-01"), ("span",)),
        Case(c, "span of None", lambda: _panel(span=(None, None)), ("span",)),
        Case(c, "span of integers", lambda: _panel(span=(1, 2)), ("span",)),
        Case(c, "span of three", lambda: _panel(
            span=("2003-01-01", "2008-01-01", "2010-01-01")), ("span",)),
        Case(c, "span not dates", lambda: _panel(span=("start", "end")), ("span",)),
        Case(c, "carry a string", lambda: _panel(carry="treated"), ("carry",)),
        Case(c, "carry the id column", lambda: _panel(carry=["person_id"]),
             ("carry", "person_id")),
        Case(c, "carry a measure name", lambda: _panel(
            persons=_part().assign(ae=1), carry=["ae"]), ("carry", "ae")),
        Case(c, "unknown_persons a bool", lambda: _panel(unknown_persons=True),
             ("unknown_persons",)),
        Case(c, "memory_limit a number", lambda: _panel(engine="duckdb", memory_limit=3),
             ("memory_limit",)),
        Case(c, "memory_limit with the pandas engine", lambda: _panel(memory_limit="2GB"),
             ("memory_limit",)),
        Case(c, "duplicates None", lambda: _panel(duplicates=None), ("duplicates",)),
        Case(c, "progress 1", lambda: _panel(progress=1), ("progress",)),
        Case(c, "negative amounts summed", lambda: _panel(
            measures={"bed_days": M(value="los", agg="sum")},
            events=popp()[1].assign(los=-1)), ("los",)),
    ]


def file_cases() -> list[Case]:
    c = "cohort2"
    return [
        Case(c, "duckdb: CSV with day-first dates", lambda: _panel(
            engine="duckdb", events=_file("dayfirst")), ("event_date",)),
        Case(c, "pandas: CSV with day-first dates", lambda: _panel(events=_file("dayfirst")),
             ("event_date",)),
        Case(c, "duckdb: glob that matches nothing", lambda: _panel(
            engine="duckdb", events=_file("nothing")), ("events", "no file")),
        Case(c, "pandas: glob that matches nothing", lambda: _panel(events=_file("nothing")),
             ("events", "no file")),
        Case(c, "duckdb: parquet with text ids", lambda: _panel(
            engine="duckdb", events=_file("text_ids")), ("person_id",)),
        Case(c, "pandas: parquet with text ids", lambda: _panel(events=_file("text_ids")),
             ("person_id",)),
        Case(c, "duckdb: CSV with integer dates", lambda: _panel(
            engine="duckdb", events=_file("int_dates")), ("event_date",)),
        Case(c, "duckdb: parquet files in two time zones", lambda: _panel(
            engine="duckdb", events=_file("zones")), ("event_date",)),
        Case(c, "duckdb: a folder", lambda: _panel(engine="duckdb", events=_file("empty")),
             ("events",)),
        Case(c, "duckdb: URL", lambda: _panel(
            engine="duckdb", events="https://example.invalid/events.parquet"),
            ("events", "url", "local")),
        Case(c, "duckdb: file URL to the marker", lambda: _panel(
            engine="duckdb", events=f"file://{MARKER}"), ("events", "url")),
        Case(c, "pandas: URL", lambda: _panel(events="https://example.invalid/events.csv"),
             ("events", "url", "local")),
        Case(c, "prior_use duckdb: CSV with day-first dates", lambda: _prior(
            engine="duckdb", events=_file("dayfirst")), ("event_date",)),
    ]


def measure_cases() -> list[Case]:
    c = "cohort2"
    where = [("infinite number", "los > 1e999", ("where", "1e999")),
             ("text vs date column", "event_date > '2005-01-01'", ("event_date",)),
             ("mixed in-list", "setting in ['ae', 1]", ("setting", "in")),
             ("NUL character", "setting == 'ae'\x00", ("where",)),
             ("hex number", "los >= 0x10", ("where", "0x10")),
             ("impossible date", "event_date > date '2005-02-30'", ("where", "2005-02-30")),
             ("number vs text id", "person_id == 'abc'", ("person_id",)),
             ("python true", "setting == 'ae' or True", ("True",))]
    cases = [Case(c, f"where {label}", lambda w=w: _panel(measures={"m": M(w)}), names)
             for label, w, names in where]
    cases += [
        Case(c, "Measure where a number", lambda: M(where=123), ("where",)),
        Case(c, "Measure where bytes", lambda: M(where=b"setting == 'ae'"), ("where",)),
        Case(c, "Measure value empty", lambda: M(value="", agg="sum"), ("value",)),
        Case(c, "Measure value a number", lambda: M(value=5, agg="sum"), ("value",)),
        Case(c, "Measure count with value", lambda: M(value="los"), ("value",)),
        Case(c, "Measure agg None", lambda: M(agg=None), ("agg",)),
        Case(c, "Measure agg in capitals", lambda: M(value="los", agg="SUM"), ("agg",)),
    ]
    return cases


def prior_cases() -> list[Case]:
    c = "cohort2"
    ids, day = _part()["person_id"], np.datetime64("2006-04-01")
    return [
        Case(c, "prior_use months True", lambda: _prior(months=True), ("months",)),
        Case(c, "prior_use months text", lambda: _prior(months="12"), ("months",)),
        Case(c, "prior_use months float", lambda: _prior(months=12.0), ("months",)),
        Case(c, "prior_use unknown_persons unknown", lambda: _prior(unknown_persons="skip"),
             ("unknown_persons",)),
        Case(c, "prior_use span reversed", lambda: _prior(span=("2010-01-01", "2000-01-01")),
             ("span",)),
        Case(c, "prior_use span text", lambda: _prior(span="abc"), ("span",)),
        Case(c, "prior_use measures empty", lambda: _prior(measures={}), ("measures",)),
        Case(c, "prior_use event_date_col is the id column", lambda: _prior(
            event_date_col="person_id"), ("event_date_col",)),
        Case(c, "prior_use engine unknown", lambda: _prior(engine="spark"), ("engine",)),
        Case(c, "prior_use persons not a table", lambda: _prior(persons=[1, 2]), ("persons",)),
        Case(c, "SortedEvents events not a table", lambda: et.cohort.SortedEvents(
            "events.parquet", AE), ("events",)),
        Case(c, "SortedEvents measures a list", lambda: et.cohort.SortedEvents(
            popp()[1], [M()]), ("measures",)),
        Case(c, "SortedEvents id_col typo", lambda: et.cohort.SortedEvents(
            popp()[1], AE, id_col="pid"), ("pid",)),
        Case(c, "SortedEvents.prior months zero", lambda: _sorted().prior(ids, day, months=0),
             ("months",)),
        Case(c, "SortedEvents.prior months negative", lambda: _sorted().prior(
            ids, day, months=-12), ("months",)),
        Case(c, "SortedEvents.prior day-first text dates", lambda: _sorted().prior(
            ids, "01/04/2006"), ("index_dates", "date")),
        Case(c, "SortedEvents.prior lengths differ", lambda: _sorted().prior(
            ids, np.array(["2006-04-01", "2006-05-01"], dtype="M8[D]")),
            ("index_dates", "person_ids")),
        Case(c, "SortedEvents.window reversed", lambda: _sorted().window(
            ids, np.datetime64("2007-01-01"), np.datetime64("2006-01-01")), ("start", "stop")),
        Case(c, "SortedEvents.prior person_ids None", lambda: _sorted().prior(None, day),
             ("person_ids",)),
        Case(c, "SortedEvents.prior text ids for number ids", lambda: _sorted().prior(
            ids.astype(str), day), ("person_id", "dtype")),
        Case(c, "rates by a column with missing values", lambda: _panel(
            persons=_part().assign(treated=lambda d: d["treated"].astype(float).where(
                d.index > 2)), carry=["treated"]).rates("ae", by="treated"), ("treated",)),
        Case(c, "SortedEvents.prior integer dates", lambda: _sorted().prior(ids, 13000),
             ("index_dates",)),
        Case(c, "check_tables measures a string", lambda: et.cohort.check_tables(
            _part(), popp()[1], measures="standard"), ("measures",)),
        Case(c, "check_tables persons a path", lambda: et.cohort.check_tables(
            "persons.parquet", popp()[1]), ("persons",)),
        Case(c, "check_tables events a path", lambda: et.cohort.check_tables(
            _part(), "events.parquet"), ("events",)),
        Case(c, "check_tables persons empty", lambda: et.cohort.check_tables(
            _part().iloc[:0], popp()[1]), ("persons",)),
        Case(c, "prior_use events empty", lambda: _prior(events=popp()[1].iloc[:0]),
             ("events",)),
        Case(c, "check_tables index_col typo", lambda: et.cohort.check_tables(
            _part(), popp()[1], index_col="index"), ("index",)),
    ]


def result_cases() -> list[Case]:
    c = "cohort2"
    return [
        Case(c, "plot by unknown column", lambda: _panel_result().plot("ae", by="arm"),
             ("arm",)),
        Case(c, "rates by a number", lambda: _panel_result().rates("ae", by=5), ("by",)),
        Case(c, "rates by rel_period", lambda: _panel_result().rates("ae", by="rel_period"),
             ("by", "rel_period")),
        Case(c, "plot ax not an Axes", lambda: _panel_result().plot("ae", ax="left"), ("ax",)),
        Case(c, "plot measure None", lambda: _panel_result().plot(None), ("measure",)),
        Case(c, "tidy of a panel", lambda: _panel_result().tidy(), ("tidy", "PanelResult")),
    ]


def dataset_cases() -> list[Case]:
    c, ds = "datasets2", et.datasets
    return [
        Case(c, "popp: n_participants fractional", lambda: ds.popp_synthetic(10.5, 100),
             ("n_participants",)),
        Case(c, "popp: n_participants True", lambda: ds.popp_synthetic(True, 100),
             ("n_participants",)),
        Case(c, "popp: effect NaN", lambda: ds.popp_synthetic(10, 100, effect=np.nan),
             ("effect",)),
        Case(c, "popp: effect inf", lambda: ds.popp_synthetic(10, 100, effect=np.inf),
             ("effect",)),
        Case(c, "popp: selection_share above 0.5", lambda: ds.popp_synthetic(
            10, 100, selection_share=0.9), ("selection_share",)),
        Case(c, "popp: random_state negative", lambda: ds.popp_synthetic(
            10, 100, random_state=-1), ("random_state",)),
        Case(c, "popp: random_state float", lambda: ds.popp_synthetic(
            10, 100, random_state=1.5), ("random_state",)),
        Case(c, "area_rollout: cohort share above 1", lambda: ds.area_rollout(
            20, cohorts={2007: 1.5}), ("cohorts",)),
        Case(c, "area_rollout: cohort year outside the panel", lambda: ds.area_rollout(
            20, cohorts={1990: 0.5}), ("cohorts", "1990")),
        Case(c, "area_rollout: cohort year text", lambda: ds.area_rollout(
            20, cohorts={"2007": 0.5}), ("cohorts",)),
        Case(c, "area_rollout: cohorts a list", lambda: ds.area_rollout(
            20, cohorts=[2007, 2009]), ("cohorts",)),
        Case(c, "area_rollout: effect text", lambda: ds.area_rollout(
            20, effect_per_year="big"), ("effect_per_year",)),
        Case(c, "area_rollout: effect NaN", lambda: ds.area_rollout(
            20, effect_per_year=np.nan), ("effect_per_year",)),
        Case(c, "area_rollout: huge", lambda: ds.area_rollout(10**9), ("n_areas",)),
        Case(c, "sample_path: a number", lambda: ds.sample_path(5), ("name",)),
    ]


def cli_cases() -> list[Case]:
    from evaltools import cli

    c = "cli"
    rtm = "regression_to_the_mean"

    def path():
        return cli.notebook_path(rtm)

    out = str(Path(tempfile.gettempdir()) / "evaltools_audit_report.html")
    return [
        Case(c, "notebook_path unknown", lambda: cli.notebook_path("nope"), ("nope",)),
        Case(c, "notebook_path None", lambda: cli.notebook_path(None), ("notebook",)),
        Case(c, "template_parameters missing file", lambda: cli.template_parameters(
            Path("/nonexistent/x.ipynb")), ("x.ipynb", "notebook")),
        Case(c, "check_parameters unknown name", lambda: cli.check_parameters(
            path(), [("treshold", "2")]), ("treshold",)),
        Case(c, "check_parameters hostile name", lambda: cli.check_parameters(
            path(), [(f"__import__('os').system('touch {MARKER}')", "1")]), ("no parameter",)),
        Case(c, "check_parameters name twice", lambda: cli.check_parameters(
            path(), [("threshold", "2"), ("threshold", "3")]), ("threshold",)),
        Case(c, "check_parameters malformed pair", lambda: cli.check_parameters(
            path(), [("threshold",)]), ("threshold", "pair")),
        Case(c, "check_parameters text for a number", lambda: cli.check_parameters(
            path(), [("threshold", "high")]), ("threshold",)),
        Case(c, "check_parameters infinite value", lambda: cli.check_parameters(
            path(), [("threshold", "1e999")]), ("threshold",)),
        Case(c, "check_parameters URL for a path", lambda: cli.check_parameters(
            path(), [("events_path", "https://example.invalid/e.parquet")]), ("events_path",)),
        Case(c, "run_notebook parameters a string", lambda: cli.run_notebook(
            rtm, out, "threshold=2"), ("parameters",)),
        Case(c, "run_notebook parameter a set", lambda: cli.run_notebook(
            rtm, out, {"threshold": {1, 2}}), ("threshold",)),
        Case(c, "run_notebook timeout negative", lambda: cli.run_notebook(
            rtm, out, timeout=-1), ("timeout",)),
        Case(c, "run_notebook progress text", lambda: cli.run_notebook(
            rtm, out, progress="no"), ("progress",)),
        Case(c, "run_notebook output folder not writable", lambda: cli.run_notebook(
            rtm, "/proc/evaltools_nope/r.html"), ("output",)),
        Case(c, "run_notebook output is a notebook", lambda: cli.run_notebook(
            rtm, str(Path(tempfile.gettempdir()) / "evaltools_audit.ipynb")), ("output",)),
    ]


def data_cases() -> list[Case]:
    """Tables and values that look right at a glance."""
    c, ev = "cohort2", popp()[1]
    day = np.array(["2020-01-31"], dtype="M8[D]")
    mixed = _part().assign(person_id=lambda d: d["person_id"].astype(object).where(
        d.index > 0, d["person_id"].astype(str)))
    return [
        Case(c, "literal spelled unlike the data", lambda: _panel(
            measures={"ae": M("setting == 'AE'")}), ("ae", "AE")),
        Case(c, "duckdb: literal spelled unlike the data", lambda: _panel(
            engine="duckdb", measures={"ae": M("setting == 'A&E'")}), ("A&E",)),
        Case(c, "ids of another scheme", lambda: _panel(
            persons=_part().assign(person_id=lambda d: d["person_id"] - 100000)),
            ("person_id",)),
        Case(c, "prior_use ids of another scheme", lambda: _prior(
            persons=_part().assign(person_id=lambda d: d["person_id"] - 100000)),
            ("person_id",)),
        Case(c, "persons ids text and numbers mixed", lambda: _panel(persons=mixed),
             ("person_id",)),
        Case(c, "events with a repeated column", lambda: _panel(
            events=pd.concat([ev, ev[["setting"]]], axis=1)), ("setting",)),
        Case(c, "window of 100,000 months", lambda: _panel(window=(-10**5, 10**5)),
             ("window",)),
        Case(c, "window of a million days", lambda: _panel(window=(-10**6, 1), period="day"),
             ("window",)),
        Case(c, "add_months by 1.5", lambda: et.cohort.add_months(day, 1.5), ("months",)),
        Case(c, "add_months of integers", lambda: et.cohort.add_months(np.array([18000]), 1),
             ("dates",)),
        Case(c, "Period step zero", lambda: et.cohort.Period("month", 0), ("step",)),
        Case(c, "Period step negative", lambda: et.cohort.Period("week", -2), ("step",)),
    ]


def cases() -> list[Case]:
    return [*panel_cases(), *file_cases(), *measure_cases(), *prior_cases(), *result_cases(),
            *data_cases(), *dataset_cases(), *cli_cases()]
