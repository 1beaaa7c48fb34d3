"""Progress bars that still read right once the run is over, in a terminal and in a saved notebook.

In a terminal this is tqdm's bar. In a notebook tqdm draws a widget, and the
widget's plain-text twin (all that GitHub, nbviewer or an executed copy of the
notebook can show) is written once, when the bar appears: "day 0: 0%| 0/3000"
forever. The notebook bar here re-sends its display when it closes, so the
saved text is the bar's final state: "100%| 3000/3000", or where a day cut
short stopped.
"""

from tqdm.auto import tqdm


def progress_bar(**options):
    """A tqdm bar (same options); in a notebook, one whose saved text is updated when it closes."""
    if any(cls.__module__ == "tqdm.notebook" for cls in tqdm.__mro__):
        return _notebook_bar_class()(**options)
    return tqdm(**options)


def _notebook_bar_class():
    from IPython.display import display

    class NotebookBar(tqdm):
        """tqdm's notebook widget, displayed under an id so that closing it can update what was saved."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **{**kwargs, "display": False})
            self.handle = None if self.disable else display(self.container, display_id=True)
            self.displayed = True

        def close(self):
            super().close()
            if self.handle is not None:
                handle, self.handle = self.handle, None
                handle.update(self.container)

    return NotebookBar
