"""Loading the data folder into Redis: the catalog, the artifacts, ``botify upload`` into a running service.

The master uses it at start and after Redis lost its data; ``botify upload``
uses it from any process. Web workers only read what it wrote (``store.py``).
"""
