"""Grade a student's seminar notebook with the instructor's checks, hidden ones included.

Only the student's task cells are taken: they replace the solutions in the
instructor's notebook, which then runs top to bottom (errors allowed) in a copy
of the week's folder. A check cell that raised is a failed task, with its
"Task N.M: ..." sentence; one that ran through is a passed one. So a student who
edited or deleted a check in their copy gains nothing.

    python -m botify.notebook_grading student.ipynb --week seminars/01_ab_testing/01_ab_testing.ipynb \\
        -p EPISODES=400 --out graded/
"""

import argparse
import ast
import json
import pathlib
import sys
import tempfile

import nbformat

from botify.notebook_runner import cell_errors, execute
from botify.student_edition import CHECK, TASK, copy_week_without_solutions, tagged


def merged(instructor, student):
    """The instructor's notebook with its task cells' sources replaced by the student's, in order."""
    mine, theirs = tagged(instructor, TASK), tagged(student, TASK)
    if len(mine) != len(theirs):
        raise ValueError(f"the student's notebook has {len(theirs)} task cells, the week has {len(mine)}: "
                         "was it made from another week, or were cells' tags removed?")
    notebook = nbformat.from_dict(instructor)
    for i, j in zip(mine, theirs):
        notebook.cells[i].source = student.cells[j].source
    return notebook


def results(executed):
    """[{"check": cell index, "passed": bool, "message": str}] for every check cell of a run."""
    failed = {i: message if name == "CheckFailed" else f"{name}: {message}".rstrip(": ")
              for i, _, name, message in cell_errors(executed)}
    return [{"check": i, "passed": i not in failed,
             "message": failed.get(i) or _passed_lines(executed.cells[i])} for i in tagged(executed, CHECK)]


def _passed_lines(cell):
    text = "".join(output.get("text", "") for output in cell.outputs)
    return " ".join(line for line in text.splitlines() if line.startswith("✔")) or "ran without error"


def _folders_where_they_were(notebook, week_folder, parameters):
    """DATA and LOGS as the week's defaults say, made absolute: the run happens in a scratch copy."""
    defaults = {}
    for cell in tagged(notebook, "parameters"):
        for node in ast.parse(notebook.cells[cell].source).body:
            if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) in ("DATA", "LOGS"):
                defaults[node.targets[0].id] = str((week_folder / ast.literal_eval(node.value)).resolve())
    return {**defaults, **(parameters or {})}


def grade(student_path, week_path, parameters=None, out=None, timeout=1800):
    """Run the student's tasks under the week's checks; return the results (and write them under ``out``)."""
    week_path = pathlib.Path(week_path)
    instructor = nbformat.read(week_path, as_version=4)
    notebook = merged(instructor, nbformat.read(student_path, as_version=4))
    parameters = _folders_where_they_were(notebook, week_path.parent, parameters)
    copy = None if out is None else pathlib.Path(out) / pathlib.Path(student_path).name
    with tempfile.TemporaryDirectory(prefix="botify-notebook-grade-") as scratch:
        folder = pathlib.Path(scratch) / week_path.parent.name
        copy_week_without_solutions(week_path, instructor, folder)
        nbformat.write(notebook, folder / week_path.name)
        executed, _ = execute(folder / week_path.name, parameters, timeout=timeout, allow_errors=True,
                              out=copy)
    found = results(executed)
    if out is not None:
        (pathlib.Path(out) / "grade.json").write_text(json.dumps(found, indent=2, ensure_ascii=False))
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description="Grade a student's seminar notebook with the week's checks.")
    parser.add_argument("student", type=pathlib.Path, help="the student's notebook")
    parser.add_argument("--week", type=pathlib.Path, required=True, help="the week's instructor notebook")
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE",
                        help="override a parameter (a Python literal), e.g. -p EPISODES=400")
    parser.add_argument("--out", type=pathlib.Path, help="folder for the executed notebook and grade.json")
    args = parser.parse_args(argv)
    parameters = {name: ast.literal_eval(value) for name, value in (p.split("=", 1) for p in args.parameter)}
    try:
        found = grade(args.student, args.week, parameters, args.out)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for row in found:
        print(("passed  " if row["passed"] else "FAILED  ") + row["message"])
    print(f"{sum(row['passed'] for row in found)} of {len(found)} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
