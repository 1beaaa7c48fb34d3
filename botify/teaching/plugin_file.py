"""A recommender task's plugin file, read before anything serves it: the class it declares, and a planted
store to ask that class questions whose answers are known.

Weeks 2, 3 and 4 each ask for a recommender written from ``Recommender`` in a
``%%writefile my_*.py`` cell, with the built-in one as the experiment's
control. The file is imported here (not registered in the service), so a
mistake is one sentence before a single request is served.
"""

import importlib.util
import pathlib

from botify.teaching import CheckFailed, check


def recommender_of(task, plugin, experiment, builtin, artifact=None, kind=None):
    """The class of the T1 arm of ``experiment`` in ``plugin``, checked: an ``Experiment(experiment,
    builtin, My<builtin>)`` line, a class written from ``Recommender`` (not from ``builtin``), and, when
    given, the ``artifact`` name and ``kind`` it declares."""
    from botify.service.recommenders.base import Recommender

    path = pathlib.Path(plugin).resolve()
    check(path.is_file(), f"{task}: there is no {path.name}: run the %%writefile cell above first")
    spec = importlib.util.spec_from_file_location(f"teaching_check_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except NotImplementedError:
        raise CheckFailed(f"{task}: the class in {path.name} is not written yet (it still raises "
                          "NotImplementedError)") from None
    except Exception as error:
        raise CheckFailed(f"{task}: {path.name} does not import: {type(error).__name__}: {error}") from None
    base, yours = builtin.__name__, f"My{builtin.__name__}"
    found = {e.name: e for e in getattr(module, "EXPERIMENTS", []) if hasattr(e, "recommenders")}
    check(experiment in found, f"{task}: {path.name} should list Experiment({experiment!r}, {base}, "
                               f"{yours}) in EXPERIMENTS; it lists {', '.join(found) or 'nothing'}")
    arms = found[experiment].recommenders
    check(len(arms) == 2 and arms[0] is builtin,
          f"{task}: the experiment should be Experiment({experiment!r}, {base}, {yours}): the built-in "
          f"{base} is the control, yours the treatment; it has {', '.join(a.__name__ for a in arms)}")
    mine = arms[1]
    check(issubclass(mine, Recommender) and not issubclass(mine, builtin),
          f"{task}: write {mine.__name__} from Recommender (botify.service.recommenders.base), not by "
          f"inheriting the built-in {base}")
    if artifact is not None:
        check(mine.ARTIFACT == artifact and mine.ARTIFACT_KIND == kind,
              f"{task}: {mine.__name__} should declare ARTIFACT = {artifact!r} and ARTIFACT_KIND = {kind!r} "
              f"(the uploaded lists' name and kind); it has {mine.ARTIFACT!r} and {mine.ARTIFACT_KIND!r}")
    return mine


class ListStore:
    """What a recommender sees of Redis in a planted case: the lists of one artifact, by key (a listener or
    a track), and every (artifact, key) it was asked for in ``asked``."""

    def __init__(self, name, lists, catalog_size):
        self.name, self.lists, self.size, self.asked = name, lists, catalog_size, []

    def tracks_for(self, name, key):
        self.asked.append((name, int(key)))
        return list(self.lists[key]) if name == self.name and key in self.lists else None

    def catalog_size(self):
        return self.size

    def artist_tracks_of(self, track):
        return [track]

    def popularity(self, name):
        return None
