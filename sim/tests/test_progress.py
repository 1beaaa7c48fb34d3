"""Progress bars: tqdm's in a terminal; in a notebook, a widget whose saved text ends in its final state."""

import nbformat
import pytest
from nbclient import NotebookClient
from tqdm.std import tqdm as terminal_tqdm

from sim.progress import progress_bar

CELL = """
from sim.progress import progress_bar
with progress_bar(total=40, desc="day 0", unit="session") as bar:
    bar.update(40)
try:
    with progress_bar(total=40, desc="day 1", unit="session") as bar:
        bar.update(15)
        raise KeyboardInterrupt
except KeyboardInterrupt:
    pass
"""


def test_outside_a_notebook_the_bar_is_tqdms():
    with progress_bar(total=3, disable=True) as bar:
        bar.update(3)
    assert isinstance(bar, terminal_tqdm)


@pytest.mark.notebook
def test_a_saved_notebook_shows_each_bar_as_it_ended_not_as_it_began():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(CELL)]
    NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    texts = [output["data"]["text/plain"] for output in notebook.cells[0].outputs
             if output["output_type"] == "display_data"]
    assert len(texts) == 2
    assert "100%" in texts[0] and "40/40" in texts[0]
    assert "15/40" in texts[1] and "0%" not in texts[1].split("|")[0]
