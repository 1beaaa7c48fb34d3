"""The student edition of the seminars: the instructor's notebooks with every solution replaced by a stub.

The committed notebooks are the instructor's. A task's solution sits between
nbgrader's markers, ``### BEGIN SOLUTION`` / ``### END SOLUTION``, inside the
body of the function or class the student writes, and extra checks for grading
between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``. nbgrader's own
preprocessors turn each solution into ``raise NotImplementedError()`` (a whole
markdown answer into "YOUR ANSWER HERE") and drop the hidden checks. The
notebook's last section, "## Solutions" (the exercises' worked answers), and
any other cell tagged ``solution`` are left out. The visible checks stay, so a
student's first run says which tasks are left.

    python -m botify.student_edition --out student     # what `make student` runs
"""

import argparse
import pathlib
import re
import shutil
import sys

import nbformat
from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions

from botify.notebook_runner import notebooks

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
TASK, CHECK = "task", "check"  # the tags of a task's cell and of the cell that checks it
SOLUTION = "solution"  # a whole cell of worked code outside the Solutions section: left out
SOLUTIONS = re.compile(r"^## Solutions\b", re.MULTILINE)  # the heading of the notebook's last section
SOLUTIONS_NOTE = ("## Solutions\n\nThe worked answers of the exercises are in the instructor edition; "
                  "your instructor shares them after the seminar.")


def student_notebook(notebook):
    """A copy of ``notebook`` with solutions stubbed, hidden checks and solution cells dropped, outputs
    cleared."""
    notebook = nbformat.from_dict(notebook)
    notebook.cells = [cell for cell in _before_solutions(notebook.cells)
                      if SOLUTION not in cell.metadata.get("tags", [])]
    resources = {}
    for step in (ClearSolutions(enforce_metadata=False), ClearHiddenTests(enforce_metadata=False),
                 ClearOutput()):
        try:
            notebook, resources = step.preprocess(notebook, resources)
        except RuntimeError as error:  # nbgrader's word for unbalanced markers
            raise ValueError(f"{error}: is a BEGIN without its END?") from None
    left = [marker for cell in notebook.cells for marker in MARKERS if marker in cell.source]
    if left:
        raise ValueError(f"a marker is left after stripping ({left[0]}): is a BEGIN without its END?")
    return notebook


def _before_solutions(cells):
    """The cells before the "## Solutions" heading (cut inside its cell), then a note on where they are."""
    for i, cell in enumerate(cells):
        heading = SOLUTIONS.search(cell.source) if cell.cell_type == "markdown" else None
        if heading:
            kept = cell.source[:heading.start()].rstrip()
            head = cells[:i] + ([nbformat.from_dict({**cell, "source": kept})] if kept else [])
            return head + [nbformat.v4.new_markdown_cell(SOLUTIONS_NOTE)]
    return cells


def tagged(notebook, tag):
    """The indices of the cells tagged ``tag``."""
    return [i for i, cell in enumerate(notebook.cells) if tag in cell.metadata.get("tags", [])]


def written_files(notebook):
    """The names of the files the notebook's ``%%writefile`` cells write (a student's plugin, say)."""
    return [cell.source.split("\n", 1)[0].split()[-1] for cell in notebook.cells
            if cell.cell_type == "code" and cell.source.startswith("%%writefile")]


def solutions(notebook):
    """How many solution regions ``notebook`` holds."""
    return sum(cell.source.count("### BEGIN SOLUTION") for cell in notebook.cells)


def build_week(path, folder):
    """Write the student edition of the notebook at ``path`` into ``folder``, with the week's other files.

    The folder gets everything of the week's but the instructor's notebook,
    its jupytext twin and the files its ``%%writefile`` cells write (all three
    hold solutions): data, scripts and figures come along.
    """
    path, folder = pathlib.Path(path), pathlib.Path(folder)
    instructor = nbformat.read(path, as_version=4)
    copy_week_without_solutions(path, instructor, folder)
    nbformat.write(student_notebook(instructor), folder / path.name)
    print(f"{folder / path.name}: {len(tagged(instructor, TASK))} tasks, "
          f"{solutions(instructor)} solutions stubbed")
    return folder / path.name


def copy_week_without_solutions(path, notebook, folder):
    """Copy the folder of the week's notebook at ``path`` into ``folder``, leaving out the notebook, its
    twin and the files ``notebook``'s ``%%writefile`` cells write."""
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(path.parent, folder, ignore=shutil.ignore_patterns(
        path.name, path.with_suffix(".py").name, *written_files(notebook), ".ipynb_checkpoints",
        "__pycache__", "log"))


def build(seminars="seminars", out="student"):
    """Write the student edition of every seminar into ``out`` (one folder per week); return the notebooks."""
    seminars, out = pathlib.Path(seminars), pathlib.Path(out)
    written = [build_week(path, out / path.parent.name) for path in notebooks(seminars)]
    if (seminars / "README.md").exists():
        shutil.copy(seminars / "README.md", out / "README.md")
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build the student edition of the seminar notebooks.")
    parser.add_argument("--seminars", type=pathlib.Path, default=pathlib.Path("seminars"))
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("student"))
    args = parser.parse_args(argv)
    try:
        build(args.seminars, args.out)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
