"""sim: the hidden world of tracks and listeners that sends traffic to botify.

It knows botify only as a URL and shares nothing with it but the public
catalog file; the world's embeddings and tastes stay hidden.
"""

__version__ = "0.1.0"

_LAZY = {
    "simulate": "sim.api",
    "load_world": "sim.world",
    "ListeningEnv": "sim.env",
    "BatchListeners": "sim.vectorised",
}


def __getattr__(name):
    """Import the public API on first use, so ``sim --help`` stays fast."""
    if name not in _LAZY:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_LAZY[name]), name)
