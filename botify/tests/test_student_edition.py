"""The student edition: solutions become stubs, hidden checks go, outputs and solution files stay behind."""

import nbformat
import pytest

from botify.student_edition import build_week, student_notebook, written_files

TASK = '''def sessions_of(events):
    """The sessions."""
    ### BEGIN SOLUTION
    return sorted(events, key=lambda event: event["timestamp"])
    ### END SOLUTION
'''
CHECK = '''check_sessions(sessions_of)
### BEGIN HIDDEN TESTS
check_sessions(sessions_of, hidden=True)
### END HIDDEN TESTS
'''
ANSWER = "### BEGIN SOLUTION\nThe top-10 list loses because listeners tire of it.\n### END SOLUTION"
PLUGIN = '''%%writefile my_toppop.py
class MyTopPop:
    def recommend_next(self, user, prev_track, prev_track_time):
        ### BEGIN SOLUTION
        return self.pick(self.store.popularity("top_tracks")[:100])
        ### END SOLUTION
'''


def instructor():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(TASK, metadata={"tags": ["task"]}),
                      nbformat.v4.new_code_cell(CHECK, metadata={"tags": ["check"]}),
                      nbformat.v4.new_markdown_cell(ANSWER),
                      nbformat.v4.new_code_cell(PLUGIN, metadata={"tags": ["task"]}),
                      nbformat.v4.new_code_cell("same_artist_share(lists)", metadata={"tags": ["solution"]}),
                      nbformat.v4.new_markdown_cell("## Summary\n\n- sessions\n\n## Solutions\n\nThe list."),
                      nbformat.v4.new_code_cell("worked_answer()")]
    notebook.cells[1].outputs = [nbformat.v4.new_output("stream", text="✔ Task 1.1 passed\n")]
    return notebook


def test_solutions_become_stubs_hidden_checks_go_and_outputs_are_cleared():
    student = student_notebook(instructor())
    task, check, answer, plugin, summary, note = (cell.source for cell in student.cells)
    assert "def sessions_of(events):" in task and "raise NotImplementedError()" in task
    assert "sorted(events" not in task
    assert check.strip() == "check_sessions(sessions_of)"
    assert "listeners tire" not in answer and "YOUR ANSWER HERE" in answer
    assert "raise NotImplementedError()" in plugin and "top_tracks" not in plugin
    assert student.cells[1].outputs == []
    assert summary == "## Summary\n\n- sessions"  # the Solutions section and the tagged cell are left out
    assert note.startswith("## Solutions\n\nThe worked answers of the exercises are in the instructor")


def test_a_begin_without_its_end_is_refused():
    notebook = instructor()
    notebook.cells[0].source = TASK.replace("    ### END SOLUTION\n", "")
    with pytest.raises(ValueError, match="BEGIN without its END"):
        student_notebook(notebook)


def test_a_week_is_copied_without_the_instructors_notebook_twin_and_written_files(tmp_path):
    week = tmp_path / "seminars" / "02_popularity"
    week.mkdir(parents=True)
    nbformat.write(instructor(), week / "02_popularity.ipynb")
    for name in ("02_popularity.py", "my_toppop.py", "helper_data.csv"):
        (week / name).write_text("x")
    assert written_files(instructor()) == ["my_toppop.py"]
    path = build_week(week / "02_popularity.ipynb", tmp_path / "student" / "02_popularity")
    assert sorted(p.name for p in path.parent.iterdir()) == ["02_popularity.ipynb", "helper_data.csv"]
    assert "sorted(events" not in path.read_text()
