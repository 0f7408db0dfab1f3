"""Known attack shapes get an evaltools error, and none of them runs anything.

Every payload tries to create a marker file in the test's tmp_path (through Python or
through DuckDB's COPY); the test asserts both that an evaltools error was raised and that
the marker does not exist. Then one table of tiny cases (expression, events, expected
mask) runs unchanged on every engine, so "the engines agree" is a test.
"""

import numpy as np
import pandas as pd
import pytest

import evaltools as et
from evaltools._shared import covariate_matrix
from evaltools.cli import main, parse_value
from evaltools.exceptions import EvaltoolsInputError


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "PWNED"
    yield str(path)
    assert not path.exists(), "a payload ran"


def cohort():
    persons = pd.DataFrame({"person_id": [1, 2], "index_date": pd.to_datetime(
        ["2020-03-01", "2020-04-01"])})
    events = pd.DataFrame({"person_id": [1, 2, 2], "event_date": pd.to_datetime(
        ["2020-02-01", "2020-04-02", "2020-05-01"]), "setting": ["ae", "inpatient", "ae"],
        "los": [0, 2, 0]})
    return persons, events


def build(where=None, engine="pandas", **kwargs):
    persons, events = cohort()
    kwargs.setdefault("events", events)
    measures = {"m": et.cohort.Measure(where)} if where is not None else {"m": et.cohort.Measure()}
    return et.cohort.build_panel(persons, measures=measures, window=(-2, 2), engine=engine,
                                 **kwargs)


WHERE_PAYLOADS = [
    # pandas.eval shapes: escaped quotes, @ references, dunders, look-alike identifiers
    "setting == 'x\\' or __import__(\"os\").system(\"touch {m}\") or \\'' ",
    "setting == 'x' or @pd.io.common.os.system('touch {m}')",
    "@__builtins__['__import__']('os').system('touch {m}') == 0",
    "setting.__class__.__mro__[1].__subclasses__() == 1",
    "__import__('os').system('touch {m}') == 0",
    "ｓｅｔｔｉｎｇ.__class__ == 1",
    "setting == 'ae' or ｓetting.__init__.__globals__['os'].system('touch {m}') == 0",
    "setting == `x`",
    "(lambda: __import__('os').system('touch {m}'))() == 0",
    "[c for c in ().__class__.__base__.__subclasses__()] == 1",
    # SQL shapes: comments hiding subqueries, stacked statements, COPY, read_text
    "setting == 'ae' -- ' or 1 == 1",
    "setting == 'ae') OR (SELECT count(*) FROM read_text('/etc/passwd')) > 0 --",
    "setting == 'ae' /* */ OR length((SELECT content FROM read_text('/etc/passwd'))) > 0",
    "1=1); COPY (SELECT 1) TO '{m}'; --",
    "setting == 'ae'; COPY (SELECT 42) TO '{m}'",
    "setting = 'ae' OR 1=1",
    "setting == 'a''e' OR setting == 'ae'; COPY (SELECT 1) TO '{m}' --'",
    "setting in (SELECT setting FROM read_csv('{m}'))",
]


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
@pytest.mark.parametrize("payload", WHERE_PAYLOADS)
def test_where_payloads_refused(payload, engine, marker):
    with pytest.raises(EvaltoolsInputError, match="'where' parameter of Measure"):
        build(payload.format(m=marker), engine=engine)


def test_quotes_inside_strings_are_only_text(marker):
    """A payload inside a properly quoted string is a string to compare, nothing more."""
    text = f"x'); COPY (SELECT 1) TO '{marker}'; --"
    where = "setting == '" + text.replace("'", "''") + "'"
    for engine in ("pandas", "duckdb"):
        assert build(where, engine=engine).data["m"].sum() == 0


@pytest.mark.parametrize("path", [
    "ev.parquet'); COPY (SELECT 1) TO '{m}'; --",
    "ev.parquet'; COPY (SELECT 1) TO '{m}'; SELECT '",
    "x'); SELECT * FROM read_text('/etc/passwd'); --",
])
def test_stacked_statements_in_paths(path, marker):
    with pytest.raises(EvaltoolsInputError, match="events file"):
        build(engine="duckdb", events=path.format(m=marker))


@pytest.mark.parametrize("limit", [
    "1GB'; COPY (SELECT 1) TO '{m}'; --",
    "1GB; COPY (SELECT 1) TO '{m}'",
    "1GB' ; SET enable_external_access = true; --",
])
def test_stacked_statements_in_memory_limit(limit, marker):
    with pytest.raises(EvaltoolsInputError, match="memory_limit"):
        build(engine="duckdb", memory_limit=limit.format(m=marker))


@pytest.mark.parametrize("name", [
    "__import__('os').system('touch {m}')", "os.system", "threshold.__class__",
    "threshold; import os", "__builtins__",
])
def test_hostile_cli_names(name, marker, tmp_path):
    with pytest.raises(SystemExit, match="has no parameter"):
        main(["run", "regression_to_the_mean", "-p", name.format(m=marker), "1",
              "-o", str(tmp_path / "r.html")])


def test_hostile_cli_values_stay_text(marker):
    for text in ["__import__('os').system('touch {m}')", "open('{m}', 'w')",
                 "[x for x in ().__class__.__bases__]"]:
        assert parse_value(text.format(m=marker)) == text.format(m=marker)


@pytest.mark.parametrize("formula", [
    "treated ~ __import__('os').system('touch {m}')",
    "~ age + I(__import__('os').system('touch {m}'))",
    "~ age.__class__",
    "~ np.os.system('touch {m}')",
    "~ I(open('{m}', 'w'))",
    "~ I((lambda: 1)())",
    "~ C(region, levels=__import__('os').system('touch {m}'))",
])
def test_hostile_formulas(formula, marker):
    data = pd.DataFrame({"treated": [0, 1, 1, 0], "age": [70.0, 80, 75, 82],
                         "region": ["n", "s", "n", "s"]})
    with pytest.raises(EvaltoolsInputError):
        covariate_matrix(data, formula.format(m=marker), func="match")


# --- one specification, every engine ------------------------------------------------------

SPEC_EVENTS = pd.DataFrame({
    "setting": ["inpatient", "ae", None, "inpatient", "outpatient"],
    "method": ["emergency", None, "elective", "elective", None],
    "los": [3.0, np.nan, 1.0, 0.0, 10.5],
    "n": [1, 2, 3, -4, 5],
    "d": pd.to_datetime(["2020-01-30", "2020-01-31 23:00", None, "2020-02-01", "2021-06-01"],
                        format="ISO8601"),
    "code": ["O'Brien", "x", 'a"b', "", "ñ"],
    "flag": [True, False, True, False, False],
})

SPEC = [  # expression, expected mask over the five events
    ("setting == 'inpatient'", [1, 0, 0, 1, 0]),
    ("setting != 'inpatient'", [0, 1, 0, 0, 1]),          # null is not 'not inpatient'
    ("not (setting == 'inpatient')", [0, 1, 1, 0, 1]),    # ... but not is plain negation
    ("setting in ['ae', 'outpatient']", [0, 1, 0, 0, 1]),
    ("setting not in ['ae', 'outpatient']", [1, 0, 0, 1, 0]),
    ("not setting in ['ae', 'outpatient']", [1, 0, 1, 1, 0]),
    ("setting is null", [0, 0, 1, 0, 0]),
    ("SETTING IS NOT NULL" .replace("SETTING", "setting"), [1, 1, 0, 1, 1]),
    ("method is null or los > 2", [1, 1, 0, 0, 1]),
    ("los >= 1", [1, 0, 1, 0, 1]),
    ("los < 1", [0, 0, 0, 1, 0]),                         # NaN is null
    ("los is null", [0, 1, 0, 0, 0]),
    ("not (los > 2)", [0, 1, 1, 1, 0]),
    ("n > -5 and n <= 2", [1, 1, 0, 1, 0]),
    ("n == 2.0", [0, 1, 0, 0, 0]),
    ("n in [1, 5]", [1, 0, 0, 0, 1]),
    ("los < n", [0, 0, 1, 0, 0]),
    ("d < date '2020-01-31'", [1, 0, 0, 0, 0]),
    ("d <= date '2020-01-31'", [1, 1, 0, 0, 0]),          # dates compare by day
    ("d == date '2020-01-31'", [0, 1, 0, 0, 0]),
    ("d in [date '2020-02-01', date '2021-06-01']", [0, 0, 0, 1, 1]),
    ("d is null", [0, 0, 1, 0, 0]),
    ("code == 'O''Brien'", [1, 0, 0, 0, 0]),
    ('code == "a""b"', [0, 0, 1, 0, 0]),
    ("code == ''", [0, 0, 0, 1, 0]),
    ("code == 'ñ'", [0, 0, 0, 0, 1]),
    ("code > 'a'", [0, 1, 1, 0, 1]),
    ("method == 'elective' and not (setting == 'inpatient')", [0, 0, 1, 0, 0]),
    ("(setting == 'ae' or setting == 'outpatient') and not los is null", [0, 0, 0, 0, 1]),
    ("flag == 1", [1, 0, 1, 0, 0]),
    ("flag == 2", [0, 0, 0, 0, 0]),
]


def _spec_mask(expression, engine, tmp_path):
    """Each event belongs to its own person, so the panel's count is the event's mask."""
    n = len(SPEC_EVENTS)
    events = SPEC_EVENTS.assign(person_id=np.arange(n),
                                event_date=pd.Timestamp("2020-06-01"))
    persons = pd.DataFrame({"person_id": np.arange(n),
                            "index_date": pd.Timestamp("2020-01-01")})
    if engine == "duckdb-parquet":
        events.to_parquet(tmp_path / "spec.parquet")
        events = tmp_path / "spec.parquet"
    panel = et.cohort.build_panel(persons, events, measures={"m": et.cohort.Measure(expression)},
                                  window=(0, 1), period="year", span=("2020-01-01", "2021-12-31"),
                                  engine=engine.split("-")[0])
    return panel.data.sort_values("person_id")["m"].tolist()


@pytest.mark.parametrize("engine", ["pandas", "duckdb", "duckdb-parquet"])
# ASCII ids: pytest escapes the others again when it collects twice in one process (mutmut).
@pytest.mark.parametrize("expression, expected", SPEC,
                         ids=[e.encode("ascii", "replace").decode() for e, _ in SPEC])
def test_spec(expression, expected, engine, tmp_path):
    assert _spec_mask(expression, engine, tmp_path) == expected


@pytest.mark.parametrize("value", [
    'a\\"; import os; os.system("touch {m}") #', "x'''\nimport os\n'''", "\u2028os.system('x')",
    "{m}\\", '"""; open("{m}", "w"); """',
])
def test_cli_text_values_reach_the_notebook_as_one_string(value, marker):
    """What papermill writes into the notebook for a text parameter is a single assignment of
    exactly that text, never code."""
    import ast

    from papermill.translators import translate_parameters

    from evaltools.cli import check_parameters, notebook_path

    text = value.format(m=marker)
    params = check_parameters(notebook_path("regression_to_the_mean"), [("outcome", text)])
    source = translate_parameters("python3", "python", params, "Parameters")
    tree = ast.parse(source)
    assert len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign)
    assert ast.literal_eval(tree.body[0].value) == params["outcome"]  # quotes may be read
    assert params["outcome"] in (text, text[3:-3])


@pytest.mark.parametrize("path", ["https://example.org/e.parquet", "s3://bucket/e/*.parquet",
                                  "file:///etc/passwd", "http://127.0.0.1:9/{m}.csv"])
@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_events_urls_are_refused_before_any_read(path, engine, marker):
    with pytest.raises(EvaltoolsInputError, match="must be a local file path"):
        build(engine=engine, events=path.format(m=marker))
