"""THE file a student edits: every experiment botify knows. ``botify serve --experiment NAME`` picks one.

To add one, import the recommender class from its module (one line, like the
others) and add one ``Experiment`` line: a name, then the recommender of the
control ("C"), then those of the treatments ("T1", "T2", ... up to 7 in all).
Every event logs the user's treatment in every experiment listed here. A name
used twice, or anything that is not a Recommender class, fails at import.
Interleaved pairs (A and B, both heard by every listener) go in ``INTERLEAVED``.
"""

from botify.errors import ExperimentError
from botify.service.experiment import Experiment, Interleaved, index_by_name
from botify.service.recommenders.collaborative import Collaborative
from botify.service.recommenders.contextual import Contextual
from botify.service.recommenders.random_track import Random
from botify.service.recommenders.sticky_artist import StickyArtist
from botify.service.recommenders.top_pop import TopPop
from botify.service.recommenders.two_stage import TwoStage

EXPERIMENTS = [
    Experiment("AA", Random, Random),
    Experiment("STICKY_ARTIST", Random, StickyArtist),
    Experiment("TOP_POP", Random, TopPop),
    Experiment("COLLABORATIVE", Random, Collaborative),
    Experiment("CONTEXTUAL", StickyArtist, Contextual),
    Experiment("LEADERBOARD", Random, TopPop, StickyArtist, Collaborative, Contextual),
    Experiment("TWO_STAGE", Contextual, TwoStage),
]

# Interleaved("NAME", A, B): every listener hears both, a team draft per session decides whose track plays
# (botify/service/team_draft.py); `botify report` asks which of the two each listener preferred. Like control
# and treatment, A is the baseline and B the challenger: B's share above one half means B is preferred.
INTERLEAVED = [
    Interleaved("INTERLEAVED_STICKY_ARTIST", Random, StickyArtist),
    Interleaved("INTERLEAVED_TOP_POP", TopPop, Collaborative),
    Interleaved("INTERLEAVED_CONTEXTUAL", StickyArtist, Contextual),
]  # a new pair: one more Interleaved line above

DEFAULT = "AA"

BY_NAME = index_by_name(EXPERIMENTS + INTERLEAVED)


def find_experiment(name):
    """The experiment registered as ``name`` (plugins included); an ExperimentError listing the choices."""
    if name not in BY_NAME:
        raise ExperimentError(f"unknown experiment {name!r}; registered: {', '.join(BY_NAME)}")
    return BY_NAME[name]
