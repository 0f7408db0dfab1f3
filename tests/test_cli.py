import subprocess
import sys

import pytest

from evaltools.cli import main, notebook_path, parse_value, run_notebook, template_parameters
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
