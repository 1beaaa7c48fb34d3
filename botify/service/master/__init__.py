"""The ``botify serve`` master process: it starts Redis, loads the data, runs gunicorn and watches Redis.

Nothing here runs inside a web worker's request: workers are forks of this
process and only read what it shares with them (``botify.service.shared_page``).
"""
