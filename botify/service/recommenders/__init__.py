"""Recommenders, one per module; ``discover()`` finds every one, so adding a module is enough.

The registry (``botify/service/registry.py``) imports each class from its own
module; this package exports only the base class and the finder.
"""

import importlib
import inspect
import pkgutil

from botify.service.recommenders.base import Answer, Recommender

__all__ = ["Answer", "Recommender", "discover"]


def discover():
    """Every Recommender subclass defined in a module of this package: {class name: class}."""
    found = {}
    for module_info in pkgutil.iter_modules(__path__, __name__ + "."):
        module = importlib.import_module(module_info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Recommender) and cls is not Recommender and cls.__module__ == module.__name__:
                found[name] = cls
    return found
