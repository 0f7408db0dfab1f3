"""The ``evaltools`` command: run the templated notebooks and render HTML reports.

    evaltools demo                       render the POPP template on the sample data
    evaltools run NOTEBOOK -p NAME VALUE -o report.html
    evaltools templates                  list the templates
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

__all__ = ["main", "run_notebook", "notebook_path", "DEMO_NOTEBOOK"]

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


def parse_value(text: str):
    """Read a parameter value as a Python literal (number, bool, None, list), else a string.

    >>> parse_value("12"), parse_value("0.2"), parse_value("None"), parse_value("data.csv")
    (12, 0.2, None, 'data.csv')
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


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
    pm.execute_notebook(str(source), str(executed), parameters=parameters or {},
                        kernel_name="python3", progress_bar=progress,
                        execution_timeout=timeout, cwd=str(NOTEBOOKS))
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
        params = {name: parse_value(value) for name, value in args.parameter}
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
