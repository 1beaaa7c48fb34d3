"""Progress bars that read right once the work is over: in a terminal, and in a saved notebook.

In a notebook tqdm draws a widget whose plain-text twin, all that GitHub,
nbviewer or an executed copy can show, is written once, when the bar appears
("lightfm: 0%| 0/30" forever). These bars send their display again when they
close, so the saved text is the final state. sim has the same helper
(``sim.progress``): the two packages never import each other.
"""

from tqdm.auto import tqdm


def progress_bar(iterable=None, **options):
    """A tqdm bar (same arguments); in a notebook, one whose saved text is updated when it closes."""
    if any(cls.__module__ == "tqdm.notebook" for cls in tqdm.__mro__):
        return _notebook_bar_class()(iterable, **options)
    return tqdm(iterable, **options)


def stopped_early(bar, epoch, epochs):
    """End an epoch bar at ``epoch`` as complete, saying it stopped early: a notebook then shows a full
    (not a red, broken-off) bar that reads "stopped early at epoch 5/30"."""
    if bar.disable:
        return
    name = bar.desc.removesuffix(": ")
    bar.set_description(f"{name}: stopped early at epoch {epoch}/{epochs}", refresh=False)
    bar.total = epoch
    drawn = getattr(bar, "container", None)  # tqdm.notebook's widget keeps a maximum of its own
    if drawn is not None:
        drawn.children[1].max = epoch
    bar.refresh()


def _notebook_bar_class():
    from IPython.display import display

    class NotebookBar(tqdm):
        """tqdm's notebook widget, displayed under an id so that closing it updates what was saved."""

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
