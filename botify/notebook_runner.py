"""Running and checking the seminar notebooks (``seminars/NN_topic/NN_topic.ipynb``).

A notebook's ``parameters``-tagged cell holds its course-size defaults; a run
may override some of them, papermill-style: a cell tagged
``injected-parameters`` is inserted right after it. Notebooks execute on this
interpreter's own kernel, whatever kernel name their metadata gives. A
committed notebook has no outputs and matches its jupytext twin (``.py``).

    python -m botify.notebook_runner seminars/01_ab_testing/01_ab_testing.ipynb --out executed/
"""

import argparse
import ast
import pathlib
import sys
import time

import jupytext
import nbformat
from nbclient import NotebookClient

KERNEL = "botify"  # the name in the notebooks' metadata, which `make kernel` registers
PARAMETERS, INJECTED = "parameters", "injected-parameters"


def notebooks(root="seminars"):
    """Every seminar notebook, in course order."""
    return sorted(pathlib.Path(root).glob("[0-9][0-9]_*/[0-9][0-9]_*.ipynb"))


def parameter_names(notebook):
    """The names the ``parameters`` cell assigns."""
    tree = ast.parse(_parameters_cell(notebook).source)
    return {target.id for node in tree.body if isinstance(node, ast.Assign)
            for target in node.targets if isinstance(target, ast.Name)}


def inject(notebook, parameters):
    """Insert a cell after the ``parameters`` cell that assigns ``parameters`` (only names it defines)."""
    unknown = set(parameters) - parameter_names(notebook)
    if unknown:
        raise ValueError(f"not parameters of this notebook: {', '.join(sorted(unknown))}")
    lines = [f"{name} = {value!r}" for name, value in parameters.items()]
    cell = nbformat.v4.new_code_cell("# Injected parameters\n" + "\n".join(lines),
                                     metadata={"tags": [INJECTED]})
    position = notebook.cells.index(_parameters_cell(notebook)) + 1
    notebook.cells.insert(position, cell)
    return notebook


def execute(path, parameters=None, timeout=1800, out=None, allow_errors=False):
    """Run a notebook top to bottom in its own folder; return (executed notebook, seconds).

    A failing cell raises nbclient's CellExecutionError naming the cell, unless
    ``allow_errors``: then every cell runs and the errors stay in the outputs.
    """
    path = pathlib.Path(path)
    notebook = inject(nbformat.read(path, as_version=4), parameters or {})
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            resources={"metadata": {"path": str(path.parent)}})
    started = time.monotonic()
    try:
        client.execute()
    finally:
        if out is not None:
            pathlib.Path(out).parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook, out)
    return notebook, time.monotonic() - started


def cell_errors(notebook):
    """[(cell index, its tags, exception name, message)] of every executed cell that raised."""
    return [(i, cell.metadata.get("tags", []), output.ename, output.evalue)
            for i, cell in enumerate(notebook.cells) if cell.cell_type == "code"
            for output in cell.get("outputs", []) if output.output_type == "error"]


def problems(path):
    """What is wrong with a committed notebook (an empty list when nothing is)."""
    path = pathlib.Path(path)
    notebook = nbformat.read(path, as_version=4)
    found = []
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    if any(cell.get("outputs") or cell.get("execution_count") for cell in code_cells):
        found.append(f"{path}: has outputs; clear them before committing (jupyter nbconvert --clear-output)")
    if notebook.metadata.get("kernelspec", {}).get("name") != KERNEL:
        found.append(f"{path}: the kernel must be {KERNEL!r} (make kernel registers it)")
    if not any(PARAMETERS in cell.metadata.get("tags", []) for cell in notebook.cells):
        found.append(f"{path}: no cell tagged {PARAMETERS!r}")
    twin = path.with_suffix(".py")
    if not twin.exists():
        found.append(f"{path}: no jupytext twin {twin.name} (jupytext --set-formats ipynb,py:percent)")
    elif _cells(jupytext.read(twin)) != _cells(notebook):
        found.append(f"{path}: out of sync with {twin.name} (jupytext --sync {path})")
    return found


def _cells(notebook):
    return [(cell.cell_type, cell.source.strip(), sorted(cell.metadata.get("tags", [])))
            for cell in notebook.cells]


def _parameters_cell(notebook):
    for cell in notebook.cells:
        if PARAMETERS in cell.metadata.get("tags", []):
            return cell
    raise ValueError(f"no cell tagged {PARAMETERS!r}")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run seminar notebooks top to bottom and time them.")
    parser.add_argument("paths", nargs="*", type=pathlib.Path, help="notebooks (default: every seminar)")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("executed"),
                        help="folder for the executed copies (default: executed/)")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="override a parameter (a Python literal), e.g. -p EPISODES=500")
    args = parser.parse_args(argv)
    parameters = {name: ast.literal_eval(value) for name, value in (p.split("=", 1) for p in args.parameter)}
    for path in args.paths or notebooks():
        _, seconds = execute(path, parameters, out=args.out / path.name)
        print(f"{path}: {seconds / 60:.1f} min -> {args.out / path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
