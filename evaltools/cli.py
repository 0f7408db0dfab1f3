"""The ``evaltools`` command: run the templated notebooks and render HTML reports.

    evaltools demo                       render the POPP template on the sample data
    evaltools run NOTEBOOK -p NAME VALUE -o report.html
    evaltools templates                  list the templates
"""

from __future__ import annotations

import argparse
import ast
import difflib
import math
import os
import re
import sys
from pathlib import Path

from ._shared.calls import checked_call
from .exceptions import EvaltoolsInputError, ParameterError
from .validation import check_bool, check_number

__all__ = ["main", "run_notebook", "notebook_path", "parse_value", "template_parameters",
           "check_parameters", "DEMO_NOTEBOOK", "NotebookError"]

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
DEMO_NOTEBOOK = "popp_matched_evaluation"


class NotebookError(RuntimeError):
    """A template notebook stopped with an error while it ran."""


@checked_call
def notebook_path(name: str | Path) -> Path:
    """A template by name (``popp_matched_evaluation``) or a path to any notebook.

    >>> notebook_path("popp_matched_evaluation").suffix
    '.ipynb'
    """
    if not isinstance(name, (str, Path)) or not str(name):
        raise ParameterError(f"The 'notebook' parameter must be a template name or a path to "
                             f"a notebook (a non-empty str). Got {name!r} instead.")
    path = Path(name)
    if path.suffix == ".ipynb" and path.is_file():
        return path
    candidate = NOTEBOOKS / f"{path.stem}.ipynb"
    if path.suffix in ("", ".ipynb") and path.name == path.stem + path.suffix \
            and str(path.parent) == "." and candidate.is_file():
        return candidate
    known = ", ".join(sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))) or "none found"
    raise ParameterError(f"There is no notebook {str(name)!r}; the templates are: {known}. "
                         "Fix: pass a template name or the path of an existing .ipynb file.")


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_LITERAL_TYPES = (bool, int, float, str, type(None))


def _plain(value) -> bool:
    """Numbers, strings, booleans, None, and lists and dicts of them."""
    if isinstance(value, _LITERAL_TYPES):
        return True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def parse_value(text: str):
    """Read a parameter value as a literal (number, string, bool, None, list, dict); anything
    else (names, calls, sets, tuples, expressions) stays the plain string it was.

    Values are read with ``ast.literal_eval``, which never runs code.

    >>> parse_value("12"), parse_value("0.2"), parse_value("None"), parse_value("data.csv")
    (12, 0.2, None, 'data.csv')
    >>> parse_value("__import__('os').system('x')")
    "__import__('os').system('x')"
    """
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text
    return value if _plain(value) else text


@checked_call
def template_parameters(path: str | Path) -> dict[str, str]:
    """Names assigned in a notebook's ``parameters`` cell, with their default's source text.

    The cell is parsed with ``ast``, never executed.

    >>> sorted(template_parameters(notebook_path("regression_to_the_mean")))[:2]
    ['data_start', 'events_path']
    """
    import nbformat

    path = notebook_path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except (OSError, ValueError, AttributeError, KeyError) as err:
        raise ParameterError(f"The notebook {str(path)!r} cannot be read as a Jupyter notebook "
                             f"({type(err).__name__}). Fix: pass a .ipynb file.") from None
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    names: dict[str, str] = {}
    for cell in cells:
        try:
            tree = ast.parse(cell.source)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
            raise ParameterError(f"The parameters cell of {path.name} is not valid Python "
                                 f"({getattr(err, 'msg', type(err).__name__)}).") from None
        for node in tree.body:
            targets = (node.targets if isinstance(node, ast.Assign) else
                       [node.target] if isinstance(node, ast.AnnAssign) else [])
            for target in targets:
                if isinstance(target, ast.Name):
                    names[target.id] = ast.get_source_segment(cell.source, node.value) or ""
    return names


@checked_call
def check_parameters(path: str | Path, pairs: list[tuple[str, str]]) -> dict:
    """``-p NAME VALUE`` pairs -> parameters, refusing names the template does not define,
    names given twice and values of another type than the template's default.

    >>> check_parameters(notebook_path("regression_to_the_mean"), [("threshold", "3")])
    {'threshold': 3}
    """
    path = notebook_path(path)
    known = template_parameters(path)
    params: dict = {}
    for pair in pairs:
        if (not isinstance(pair, (tuple, list)) or len(pair) != 2
                or not all(isinstance(p, str) for p in pair)):
            raise ParameterError(f"Each parameter must be a (NAME, VALUE) pair of strings, as "
                                 f"given by -p NAME VALUE. Got {pair!r} instead.")
        name, text = pair
        _check_name(name, known, path)
        if name in params:
            raise ParameterError(f"The parameter {name!r} of {path.stem} is given twice. Fix: "
                                 "give each -p NAME once.")
        params[name] = _typed(name, parse_value(text), text, known[name], path)
    return params


def _default(source: str):
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None  # an expression: no type to hold the value to


def _typed(name: str, value, text: str | None, default_source: str, path: Path):
    """The value checked against the type of the template's default (text stays text where
    the default is text; numbers must be finite)."""
    default = _default(default_source)
    if isinstance(default, str) and text is not None and not isinstance(value, str):
        value = text  # -p outcome 2020 means the text '2020'
    if not _plain(value) or not _finite(value):
        raise ParameterError(f"The parameter {name!r} of {path.stem} must be a literal: a "
                             "finite number, a string, True/False, None, or a list or dict of "
                             f"those. Got {value!r} instead.")
    if name.endswith("_path") and isinstance(value, str) and _URL.match(value):
        raise ParameterError(f"The parameter {name!r} of {path.stem} must be a local file "
                             f"path. Got the URL {value!r} instead; evaltools never reads over "
                             "the network. Fix: copy the file into the secure environment.")
    kinds = {bool: (bool,), int: (int, float), float: (int, float), str: (str,),
             list: (list,), dict: (dict,)}
    want = kinds.get(type(default))
    wrong = want is not None and value is not None and (
        not isinstance(value, want) or isinstance(value, bool) != (type(default) is bool))
    if wrong:
        kind = type(default).__name__
        raise ParameterError(f"The parameter {name!r} of {path.stem} takes "
                             f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} (its default is "
                             f"{default_source}). "
                             f"Got {value!r} instead.")
    return value


def _finite(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


def _check_name(name: str, known: dict, path: Path) -> None:
    if not isinstance(name, str) or name not in known:
        listed = ", ".join(sorted(known)) or "none"
        near = difflib.get_close_matches(str(name), list(known), n=1)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        raise ParameterError(f"{path.stem} has no parameter {name!r}.{hint} Its "
                             f"parameters are: {listed}.")


def _check_run(source: Path, output, parameters, timeout, progress) -> dict:
    """Every argument of run_notebook, before anything runs."""
    if not isinstance(output, (str, Path)) or Path(output).suffix.lower() not in (".html",
                                                                                  ".htm"):
        raise ParameterError(f"The 'output' parameter of run_notebook must be the path of an "
                             f".html report. Got {output!r} instead. Fix: e.g. "
                             "'reports/popp.html' (the executed notebook is kept beside it).")
    folder = Path(output).resolve().parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ParameterError(f"The 'output' parameter of run_notebook names a folder that "
                             f"cannot be created ({folder}): {err.strerror}. Fix: choose a "
                             "writable folder.") from None
    if not os.access(folder, os.W_OK):
        raise ParameterError(f"The 'output' parameter of run_notebook names a folder that is "
                             f"not writable ({folder}). Fix: choose a writable folder.")
    if parameters is not None and not isinstance(parameters, dict):
        raise ParameterError(f"The 'parameters' parameter of run_notebook must be a dict of "
                             f"{{name: value}} or None. Got {parameters!r} instead. Fix: e.g. "
                             "{'threshold': 3}.")
    check_number(timeout, "timeout", "run_notebook", low=1, high=86_400, integer=True)
    check_bool(progress, "progress", "run_notebook")
    known = template_parameters(source)
    checked = {}
    for name, value in (parameters or {}).items():
        _check_name(name, known, source)
        checked[name] = _typed(name, value, None, known[name], source)
    return checked


@checked_call
def run_notebook(notebook: str | Path, output: str | Path, parameters: dict | None = None, *,
                 timeout: int = 1200, progress: bool = True) -> Path:
    """Execute a notebook with papermill and write it as a standalone HTML report.

    The executed notebook is kept next to the report (``.ipynb``) for auditing. Everything
    is checked before anything runs: parameter names must be the template's, values
    literals of the default's type (finite numbers; no URLs for ``*_path``), ``output`` an
    ``.html`` path in a writable folder, ``timeout`` an int of seconds in [1, 86400]. Wrong
    arguments raise :class:`~evaltools.exceptions.ParameterError`; a notebook that fails
    raises :class:`NotebookError` (the ``evaltools`` command turns both into a message).

    Examples
    --------
    >>> run_notebook("popp_matched_evaluation", "reports/popp.html",
    ...              {"n_participants": 300})  # doctest: +SKIP
    """
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    source = notebook_path(notebook)
    parameters = _check_run(source, output, parameters, timeout, progress)
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    executed = output.with_suffix(".ipynb")
    try:
        pm.execute_notebook(str(source), str(executed), parameters=parameters,
                            kernel_name="python3", progress_bar=progress,
                            execution_timeout=timeout, cwd=str(NOTEBOOKS))
    except pm.PapermillExecutionError as err:
        raise NotebookError(f"{source.stem} stopped in cell {err.exec_count} with "
                            f"{err.ename}: {err.evalue}\nThe executed notebook is at "
                            f"{executed}.") from None
    body, _ = HTMLExporter().from_notebook_node(nbformat.read(executed, as_version=4))
    output.write_text(body, encoding="utf-8")
    return output


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="evaltools",
        description="Evaluate health, social-care and community programmes: templated "
                    "analyses rendered to HTML reports.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="render the POPP matched-control template on the "
                                       "sample data and print the report's path")
    demo.add_argument("-o", "--output", default="reports/popp_demo.html")
    run = sub.add_parser("run", help="execute a template notebook with parameters and render "
                                     "it to HTML")
    run.add_argument("notebook", help="template name (see 'evaltools templates') or path")
    run.add_argument("-p", "--parameter", nargs=2, action="append", default=[],
                     metavar=("NAME", "VALUE"), help="a parameter of the notebook (repeatable)")
    run.add_argument("-o", "--output", required=True, help="path of the HTML report")
    sub.add_parser("templates", help="list the template notebooks")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``evaltools`` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _command(parser, args)
    except (EvaltoolsInputError, NotebookError) as err:
        raise SystemExit(f"evaltools: {err}") from None


def _command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if args.command == "demo":
        path = run_notebook(DEMO_NOTEBOOK, args.output)
    elif args.command == "run":
        params = check_parameters(notebook_path(args.notebook), args.parameter)
        path = run_notebook(args.notebook, args.output, params)
    elif args.command == "templates":
        for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
            print(nb.stem)
        return 0
    else:
        parser.print_help()
        return 0
    print(f"Report written to {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
