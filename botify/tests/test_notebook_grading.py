"""Grading a student's seminar notebook: their task cells run under the week's own checks, hidden ones too."""

import json

import nbformat
import pytest

from botify.notebook_grading import grade, merged

TASK = '''def double(x):
    """Twice x."""
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION
'''
CHECK = '''from botify.teaching import check, passed
check(double(2) == 4, f"Task 1.1: double(2) should be 4; yours is {double(2)}")
### BEGIN HIDDEN TESTS
check(double(-3) == -6, f"Task 1.1: double(-3) should be -6; yours is {double(-3)}")
### END HIDDEN TESTS
passed("Task 1.1", "double doubles")
'''


def week():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell('DATA = "../../data"', metadata={"tags": ["parameters"]}),
                      nbformat.v4.new_code_cell(TASK, metadata={"tags": ["task"]}),
                      nbformat.v4.new_code_cell(CHECK, metadata={"tags": ["check"]})]
    return notebook


def handed_in(body, check="pass  # the student emptied the check"):
    notebook = week()
    notebook.cells[1].source = f'def double(x):\n    {body}\n'
    notebook.cells[2].source = check
    return notebook


def test_the_students_task_cells_replace_the_solutions_and_nothing_else_of_theirs_is_kept():
    notebook = merged(week(), handed_in("return x + x"))
    assert "return x + x" in notebook.cells[1].source and "BEGIN HIDDEN TESTS" in notebook.cells[2].source
    with pytest.raises(ValueError, match="has 0 task cells, the week has 1"):
        merged(week(), nbformat.v4.new_notebook())


@pytest.mark.slow
@pytest.mark.parametrize("body, passed, said", [
    ("return x + x", True, "✔ Task 1.1 passed: double doubles"),
    ("return 4", False, "Task 1.1: double(-3) should be -6; yours is 4"),  # only the hidden check sees it
    ("raise NotImplementedError()", False, "NotImplementedError"),
])
def test_a_handed_in_notebook_is_graded_by_the_weeks_checks(tmp_path, body, passed, said):
    folder = tmp_path / "seminars" / "01_week"
    folder.mkdir(parents=True)
    nbformat.write(week(), folder / "01_week.ipynb")
    nbformat.write(handed_in(body), tmp_path / "student.ipynb")
    found = grade(tmp_path / "student.ipynb", folder / "01_week.ipynb", out=tmp_path / "graded")
    assert [(row["passed"], said in row["message"]) for row in found] == [(passed, True)]
    assert json.loads((tmp_path / "graded" / "grade.json").read_text()) == found
