"""Progress bars: tqdm's in a terminal; in a notebook, a widget whose saved text ends in its final state; an
early-stopped training bar ends full, saying where it stopped."""

import io

import nbformat
import pytest
from nbclient import NotebookClient

from botify.progress_bars import stopped_early

CELL = """
from botify.progress_bars import progress_bar, stopped_early
with progress_bar(total=30, desc="lightfm", unit="epoch") as bar:
    bar.update(5)
    stopped_early(bar, 5, 30)
for _ in progress_bar(range(4), desc="top-k"):
    pass
"""


def test_an_early_stop_closes_the_text_bar_full_and_says_where_it_stopped():
    from tqdm import tqdm

    shown = io.StringIO()
    with tqdm(total=30, desc="contextual", file=shown) as bar:
        bar.update(5)
        stopped_early(bar, 5, 30)
    last = shown.getvalue().split("\r")[-1]
    assert "contextual: stopped early at epoch 5/30" in last and "100%" in last and "5/5" in last


def test_an_early_stop_leaves_the_notebook_bar_green_not_red():
    from tqdm.notebook import tqdm

    with tqdm(total=30, desc="contextual") as bar:
        bar.update(5)
        stopped_early(bar, 5, 30)
    drawn = bar.container.children[1]
    assert (drawn.bar_style, drawn.max, drawn.value) == ("success", 5, 5)



@pytest.mark.notebook
def test_a_saved_notebook_shows_each_bar_as_it_ended_not_as_it_began():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(CELL)]
    NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    texts = [output["data"]["text/plain"] for output in notebook.cells[0].outputs
             if output["output_type"] == "display_data"]
    assert len(texts) == 2
    assert "stopped early at epoch 5/30" in texts[0] and "5/5" in texts[0]
    assert "100%" in texts[1] and "4/4" in texts[1]
