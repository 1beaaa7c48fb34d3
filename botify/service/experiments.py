"""THE place where experiments are registered. ``botify serve --experiment NAME`` picks the active one.

Add an experiment with one line: a name, then the recommender of the control
("C"), then those of the treatments ("T1", "T2", ... up to 7 in all). Every
event logs the treatment of the user in every experiment listed here.
"""

from botify.service.experiment import Experiment
from botify.service.recommenders import Collaborative, Contextual, Random, StickyArtist, TopPop

EXPERIMENTS = [
    Experiment("AA", Random, Random),
    Experiment("STICKY_ARTIST", Random, StickyArtist),
    Experiment("TOP_POP", Random, TopPop),
    Experiment("COLLABORATIVE", Random, Collaborative),
    Experiment("CONTEXTUAL", StickyArtist, Contextual),
    Experiment("LEADERBOARD", Random, TopPop, StickyArtist, Collaborative, Contextual),
]

DEFAULT = "AA"


def by_name():
    return {experiment.name: experiment for experiment in EXPERIMENTS}
