import subprocess
import sys

import pytest

from evaltools.cli import (
    check_parameters,
    main,
    notebook_path,
    parse_value,
    run_notebook,
    template_parameters,
)
from evaltools.exceptions import ParameterError


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("demo", "run", "templates"):
        assert command in out


def test_console_script_runs():
    out = subprocess.run([sys.executable, "-m", "evaltools.cli", "templates"],
                         capture_output=True, text=True, check=True).stdout
    assert "popp_matched_evaluation" in out


def test_parameter_values_are_read_as_literals():
    assert parse_value("24") == 24
    assert parse_value("-0.5") == -0.5
    assert parse_value("True") is True
    assert parse_value("[1, 2]") == [1, 2]
    assert parse_value("my data.parquet") == "my data.parquet"


def test_unknown_notebook_names_the_templates():
    with pytest.raises(ParameterError, match="no notebook 'nope'; the templates are: .*popp_matched"):
        notebook_path("nope")


def test_run_with_parameters(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["run", "regression_to_the_mean", "-p", "threshold", "3",
                 "-p", "outcome", "ae_visits", "-o", str(out)]) == 0
    assert "Report written to" in capsys.readouterr().out
    executed = out.with_suffix(".ipynb").read_text()
    assert "threshold = 3" in executed and 'outcome = \\"ae_visits\\"' in executed


def test_values_are_literals_only():
    assert parse_value("{'a': [1, None]}") == {"a": [1, None]}
    assert parse_value("'quoted'") == "quoted"
    # Names, calls, sets, tuples and expressions stay plain strings; nothing is run.
    for text in ["__import__('os').system('echo hi')", "{1, 2}", "(1, 2)", "1 + 2",
                 "open('/etc/passwd')", "[" * 5000, "b'bytes'", "{1: 'x'}"]:
        assert parse_value(text) == text


def test_template_parameters_are_read_without_running_the_cell():
    names = template_parameters(notebook_path("regression_to_the_mean"))
    assert {"threshold", "select_year", "persons_path"} <= set(names)
    assert names["threshold"] == "2"


@pytest.mark.parametrize("name, hint", [
    ("treshold", r"Did you mean 'threshold'\?"),
    ("__import__('os')", r"Its parameters are: data_start, events_path"),
    ("os.system", r"Its parameters are:"),
    ("threshold.__class__", r"Did you mean 'threshold'\?"),
])
def test_unknown_parameter_names_are_refused(tmp_path, name, hint):
    with pytest.raises(SystemExit, match=r"regression_to_the_mean has no parameter .*" + hint):
        main(["run", "regression_to_the_mean", "-p", name, "1", "-o", str(tmp_path / "r.html")])
    assert not (tmp_path / "r.ipynb").exists()  # refused before anything ran


def test_run_notebook_checks_names_from_python(tmp_path):
    with pytest.raises(ParameterError, match="has no parameter 'thresholds'. Did you mean 'threshold'"):
        run_notebook("regression_to_the_mean", tmp_path / "r.html", {"thresholds": 1})


def test_console_script_errors_without_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "evaltools.cli", "run", "regression_to_the_mean",
                           "-p", "treshold", "2", "-o", str(tmp_path / "r.html")],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "Did you mean 'threshold'?" in done.stderr


def test_failing_notebook_gives_a_message(tmp_path):
    with pytest.raises(SystemExit, match=r"(?s)regression_to_the_mean stopped in cell \d+ with "
                                         r"\w+Error.*executed notebook is at"):
        main(["run", "regression_to_the_mean", "-p", "persons_path",
              str(tmp_path / "missing.parquet"), "-o", str(tmp_path / "r.html")])


RTM = "regression_to_the_mean"


def test_library_functions_raise_evaltools_errors_and_main_exits(tmp_path):
    with pytest.raises(ParameterError, match=r"'notebook' parameter must be a template name"):
        notebook_path(None)
    with pytest.raises(ParameterError, match=r"no notebook 'dir/regression_to_the_mean.ipynb'"):
        notebook_path("dir/regression_to_the_mean.ipynb")  # not the template of that name
    with pytest.raises(ParameterError, match=r"no notebook '/nonexistent/x.ipynb'"):
        template_parameters("/nonexistent/x.ipynb")
    bad = tmp_path / "bad.ipynb"
    bad.write_text("not json")
    with pytest.raises(ParameterError, match=r"cannot be read as a Jupyter notebook"):
        template_parameters(bad)
    with pytest.raises(SystemExit, match=r"^evaltools: There is no notebook 'nope'"):
        main(["run", "nope", "-o", str(tmp_path / "r.html")])


@pytest.mark.parametrize("pairs, message", [
    ([("threshold", "2"), ("threshold", "3")], r"'threshold' of regression_to_the_mean is given "
                                               r"twice"),
    ([("threshold",)], r"\(NAME, VALUE\) pair of strings.*Got \('threshold',\)"),
    ([("threshold", "high")], r"'threshold' of regression_to_the_mean takes an int \(its default "
                              r"is 2\). Got 'high'"),
    ([("threshold", "True")], r"takes an int .* Got True"),
    ([("threshold", "1e999")], r"'threshold' .* must be a literal: a finite number"),
    ([("threshold", "[1, float('nan')]")], r"takes an int"),
])
def test_check_parameters_refuses(pairs, message):
    with pytest.raises(ParameterError, match=message):
        check_parameters(notebook_path(RTM), pairs)


def test_check_parameters_types_follow_the_defaults():
    params = check_parameters(notebook_path(RTM), [("threshold", "2.5"), ("outcome", "2020"),
                                                   ("persons_path", "p.parquet")])
    # A number for a numeric default; text stays text where the default is text.
    assert params == {"threshold": 2.5, "outcome": "2020", "persons_path": "p.parquet"}


@pytest.mark.parametrize("kwargs, message", [
    ({"parameters": "threshold=2"}, r"'parameters' parameter of run_notebook must be a dict"),
    ({"parameters": {"threshold": {1, 2}}}, r"'threshold' .* must be a literal"),
    ({"parameters": {"threshold": float("inf")}}, r"'threshold' .* must be a literal"),
    ({"parameters": {"outcome": 3}}, r"'outcome' of regression_to_the_mean takes a str"),
    ({"timeout": -1}, r"'timeout' parameter of run_notebook must be an int in \[1, 86400\]"),
    ({"progress": "no"}, r"'progress' parameter of run_notebook must be True or False"),
    ({"output": "report.ipynb"}, r"'output' parameter of run_notebook must be the path of an "
                                 r"\.html report"),
])
def test_run_notebook_checks_everything_before_running(tmp_path, kwargs, message):
    args = {"output": tmp_path / "r.html", **kwargs}
    if not str(args["output"]).startswith(str(tmp_path)):
        args["output"] = tmp_path / args["output"]
    with pytest.raises(ParameterError, match=message):
        run_notebook(RTM, **args)
    assert not list(tmp_path.glob("*.ipynb"))  # nothing ran


def test_run_notebook_output_folder_must_be_writable():
    with pytest.raises(ParameterError, match=r"'output' parameter of run_notebook names a folder "
                                             r"that cannot be created \(/proc/nope\)"):
        run_notebook(RTM, "/proc/nope/r.html")


def test_hostile_parameters_cell_is_refused_not_run(tmp_path):
    import nbformat

    for source in ["x = " + "(" * 5000 + ")" * 5000, "x = 1\x00", "x = (1"]:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]})]
        path = tmp_path / "hostile.ipynb"
        nbformat.write(nb, path)
        with pytest.raises(ParameterError, match=r"parameters cell of hostile.ipynb is not valid "
                                                 r"Python"):
            template_parameters(path)


def test_path_parameters_refuse_urls(tmp_path):
    with pytest.raises(ParameterError, match=r"'persons_path' of regression_to_the_mean must be a "
                                             r"local file path. Got the URL"):
        check_parameters(notebook_path(RTM), [("persons_path", "https://example.org/p.csv")])
    with pytest.raises(ParameterError, match=r"'events_path' .* local file path"):
        run_notebook(RTM, tmp_path / "r.html", {"events_path": "s3://bucket/e.parquet"})
