"""Recommenders, one per module; ``discover()`` finds every one, so adding a module is enough."""

import importlib
import inspect
import pkgutil

from botify.service.recommenders.base import Recommender
from botify.service.recommenders.collaborative import Collaborative
from botify.service.recommenders.contextual import Contextual
from botify.service.recommenders.random_track import Random
from botify.service.recommenders.sticky_artist import StickyArtist
from botify.service.recommenders.top_pop import TopPop

__all__ = ["Recommender", "Random", "TopPop", "StickyArtist", "Collaborative", "Contextual", "discover"]


def discover():
    """Every Recommender subclass defined in a module of this package: {class name: class}."""
    found = {}
    for module_info in pkgutil.iter_modules(__path__, __name__ + "."):
        module = importlib.import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Recommender) and cls is not Recommender and cls.__module__ == module.__name__:
                found[name] = cls
    return found
