import subprocess
import sys

import pytest

from evaltools.cli import main, notebook_path, parse_value


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
    with pytest.raises(SystemExit, match="no notebook 'nope'; templates: .*popp_matched"):
        notebook_path("nope")


def test_run_with_parameters(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["run", "regression_to_the_mean", "-p", "threshold", "3",
                 "-p", "measure", "ae_visits", "-o", str(out)]) == 0
    assert "Report written to" in capsys.readouterr().out
    executed = out.with_suffix(".ipynb").read_text()
    assert "threshold = 3" in executed and 'measure = \\"ae_visits\\"' in executed
