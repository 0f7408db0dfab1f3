"""How a panel result shows itself (text, HTML, plot) and build_panel's checks of clashing
column names, read from the documented behaviour: the notes line about rates, the flow
as an HTML table without index or border, a line plot with point markers in an 8 x 4
inch figure (or on the axes given), and refusals naming build_panel."""

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools.exceptions import DataWarning, ExclusionWarning, ParameterError

matplotlib.use("Agg")
D = pd.Timestamp
COUNT = {"n": et.cohort.Measure()}


def small():
    persons = pd.DataFrame({"person_id": [1, 2], "index_date": [D("2020-02-03")] * 2,
                            "arm": ["a", "b"]})
    events = pd.DataFrame({"person_id": [1, 1, 2], "event_date": [D("2020-02-03")] * 2
                           + [D("2020-02-05")]})
    return persons, events


def result():
    persons, events = small()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return et.cohort.build_panel(persons, events, measures=COUNT, window=(0, 1),
                                     carry=["arm"], span=("2020-01-01", "2020-12-31"),
                                     duplicates="drop")


def test_notes_line_and_html_flow_table():
    res = result()
    lines = str(res).splitlines()
    assert ("Rates are per 1,000 person-periods of exposure (alive, registered, in span)."
            in [ln.strip() for ln in lines])
    html = res._repr_html_()
    flow_html = html.split("<strong>Flow</strong>")[1]
    assert '<table class="dataframe">' in flow_html and "border=" not in flow_html
    # No index column: the first header cell is 'step', and no row starts with a number.
    assert flow_html.index("<th>step</th>") < flow_html.index("<tbody>")
    assert "<th>0</th>" not in flow_html


def test_flow_row_of_duplicates_is_in_events():
    res = result()
    rows = {r.step: (r.n, r.unit) for r in res.flow.itertuples(index=False)}
    assert rows["excluded: exact duplicate rows"] == (1, "events")


def test_plot_figure_markers_and_given_axes():
    import matplotlib.pyplot as plt
    res = result()
    ax = res.plot("n")
    assert tuple(ax.figure.get_size_inches()) == (8.0, 4.0)
    data_lines = [ln for ln in ax.get_lines() if list(ln.get_xdata()) != [0, 0]]
    assert data_lines and all(ln.get_marker() == "o" for ln in data_lines)
    plt.close("all")
    fig, given = plt.subplots()
    plt.figure()  # another figure is now the current one: the lines must go on `given`
    out = res.plot("n", by="arm", ax=given)
    assert out is given and len(given.get_lines()) >= 3  # two groups and the index line
    with pytest.raises(ParameterError, match=r"PanelResult\.plot"):
        res.plot("n", ax=given, bogus_option=1)
    plt.close("all")


@pytest.mark.parametrize("kwargs, pair", [
    (dict(end_col="person_id"), ("end_col", "id_col")),
    (dict(event_date_col="person_id"), ("event_date_col", "id_col")),
    (dict(key_col="unit", end_col="unit"), ("end_col", "key_col")),
    (dict(key_col="unit", death_col="unit"), ("death_col", "key_col")),
    (dict(key_col="unit", index_col="unit"), ("index_col", "key_col")),
])
def test_clashing_column_names_are_refused(kwargs, pair):
    persons, events = small()
    with pytest.raises(ParameterError, match=rf"The '{pair[0]}' and '{pair[1]}' parameters "
                                             r"of build_panel both name column"):
        et.cohort.build_panel(persons, events, measures=COUNT, **kwargs)


def test_memory_limit_with_pandas_says_why():
    persons, events = small()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExclusionWarning)
        with pytest.warns(DataWarning, match=r"The 'memory_limit' parameter of build_panel is "
                                             r"ignored: it limits the DuckDB engine only "
                                             r"\(engine='pandas'\)\."):
            et.cohort.build_panel(persons, events.drop_duplicates(), measures=COUNT,
                                  window=(0, 1), memory_limit="1GB")


def test_pandas_engine_reads_a_csv_file(tmp_path):
    # ISO dates as text in a CSV file, read by the pandas engine: 2 events of person 1 on
    # the index day, 1 of person 2 two days later, all in period 0.
    persons, events = small()
    path = tmp_path / "events.csv"
    events.to_csv(path, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        res = et.cohort.build_panel(persons, path, measures=COUNT, window=(0, 1),
                                    duplicates="keep")
    assert res.data["n"].tolist() == [2, 1]


def test_object_column_of_numpy_datetimes_is_a_date():
    from evaltools.cohort.compile import pandas_kinds
    frame = pd.DataFrame({"d": pd.Series([np.datetime64("2020-01-01"), None], dtype=object)})
    assert pandas_kinds(frame, ["d"]) == {"d": "date"}
