"""The ``evaltools`` command: run the templated notebooks and render HTML reports.

    evaltools demo                       render the POPP template on the sample data
    evaltools run NOTEBOOK -p NAME VALUE -o report.html
    evaltools templates                  list the templates
"""

from __future__ import annotations

import argparse
import ast
import difflib
import sys
from pathlib import Path

__all__ = ["main", "run_notebook", "notebook_path", "parse_value", "template_parameters",
           "check_parameters", "DEMO_NOTEBOOK"]

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
DEMO_NOTEBOOK = "popp_matched_evaluation"


def notebook_path(name: str) -> Path:
    """A template by name (``popp_matched_evaluation``) or a path to any notebook.

    >>> notebook_path("popp_matched_evaluation").suffix
    '.ipynb'
    """
    path = Path(name)
    if path.suffix == ".ipynb" and path.exists():
        return path
    candidate = NOTEBOOKS / f"{path.stem}.ipynb"
    if candidate.exists():
        return candidate
    known = ", ".join(sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))) or "none found"
    raise SystemExit(f"evaltools: no notebook {name!r}; templates: {known}.")


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


def template_parameters(path: Path) -> dict[str, str]:
    """Names assigned in a notebook's ``parameters`` cell, with their default's source text.

    The cell is parsed with ``ast``, never executed.

    >>> sorted(template_parameters(notebook_path("regression_to_the_mean")))[:2]
    ['data_start', 'events_path']
    """
    import nbformat

    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    names: dict[str, str] = {}
    for cell in cells:
        try:
            tree = ast.parse(cell.source)
        except SyntaxError as err:
            raise SystemExit(f"evaltools: the parameters cell of {path.name} is not valid "
                             f"Python ({err.msg}).") from None
        for node in tree.body:
            targets = (node.targets if isinstance(node, ast.Assign) else
                       [node.target] if isinstance(node, ast.AnnAssign) else [])
            for target in targets:
                if isinstance(target, ast.Name):
                    names[target.id] = ast.get_source_segment(cell.source, node.value) or ""
    return names


def check_parameters(path: Path, pairs: list[tuple[str, str]]) -> dict:
    """``-p NAME VALUE`` pairs -> parameters, refusing names the template does not define."""
    known = template_parameters(path)
    params = {}
    for name, value in pairs:
        _check_name(name, known, path)
        params[name] = parse_value(value)
    return params


def _check_name(name: str, known: dict, path: Path) -> None:
    if name not in known:
        listed = ", ".join(sorted(known)) or "none"
        near = difflib.get_close_matches(str(name), list(known), n=1)
        hint = f" Did you mean {near[0]!r}?" if near else ""
        raise SystemExit(f"evaltools: {path.stem} has no parameter {name!r}.{hint} Its "
                         f"parameters are: {listed}.")


def run_notebook(notebook: str | Path, output: str | Path, parameters: dict | None = None, *,
                 timeout: int = 1200, progress: bool = True) -> Path:
    """Execute a notebook with papermill and write it as a standalone HTML report.

    The executed notebook is kept next to the report (``.ipynb``) for auditing.

    Examples
    --------
    >>> run_notebook("popp_matched_evaluation", "reports/popp.html",
    ...              {"n_participants": 300})  # doctest: +SKIP
    """
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    source = notebook_path(str(notebook))
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    executed = output.with_suffix(".ipynb")
    parameters = dict(parameters or {})
    known = template_parameters(source)
    for name in parameters:
        _check_name(name, known, source)
    try:
        pm.execute_notebook(str(source), str(executed), parameters=parameters,
                            kernel_name="python3", progress_bar=progress,
                            execution_timeout=timeout, cwd=str(NOTEBOOKS))
    except pm.PapermillExecutionError as err:
        raise SystemExit(f"evaltools: {source.stem} stopped in cell {err.exec_count} with "
                         f"{err.ename}: {err.evalue}\nThe executed notebook is at {executed}."
                         ) from None
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
