"""sim: the hidden world of tracks and listeners that sends traffic to botify.

It knows botify only as a URL and shares nothing with it but the public
catalog file; the world's embeddings and tastes stay hidden.
"""

__version__ = "0.1.0"
