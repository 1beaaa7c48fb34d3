"""What the master knows about the data, shared with its workers through one page of memory.

The master (``supervisor.py``) watches Redis and writes here: ready, reloading,
Redis down, with a reason, the catalog's size and a generation number that
changes at every (re)load. Workers are forks of the master and read the same
page at every request, for free: no extra Redis round trip tells them that
Redis lost its data. Each worker also marks its slot once it has booted, so
``/health`` can say "starting: 1 of 2 workers ready".

One writer (the master) for the state, one slot per worker: no locks needed.
"""

import mmap
import struct

from botify.service.discovery import pid_alive

STARTING, READY, RELOADING, REDIS_DOWN, STOPPING = range(5)
STATE_NAMES = {STARTING: "starting", READY: "ready", RELOADING: "reloading", REDIS_DOWN: "Redis unreachable",
               STOPPING: "stopping"}

_FIELD = struct.Struct("q")  # each number is one aligned 8-byte word
_STATE_AT, _GENERATION_AT, _SIZE_AT, _REASON_AT = 0, 8, 16, 24
_REASON_BYTES = 256
_SLOTS = 64
_SLOTS_AT = _REASON_AT + _REASON_BYTES


class SharedPage:
    """A shared anonymous page: create it in the master before gunicorn forks the workers."""

    def __init__(self):
        self.page = mmap.mmap(-1, _SLOTS_AT + _SLOTS * _FIELD.size)  # MAP_SHARED | MAP_ANONYMOUS

    def publish(self, state, reason="", generation=None, catalog_size=None):
        """Master only. Reason and numbers first, the state last: a reader checks the state first."""
        self.page[_REASON_AT:_SLOTS_AT] = reason.encode()[:_REASON_BYTES].ljust(_REASON_BYTES, b"\0")
        if catalog_size is not None:
            _FIELD.pack_into(self.page, _SIZE_AT, catalog_size)
        if generation is not None:
            _FIELD.pack_into(self.page, _GENERATION_AT, generation)
        _FIELD.pack_into(self.page, _STATE_AT, state)

    @property
    def state(self):
        return _FIELD.unpack_from(self.page, _STATE_AT)[0]

    @property
    def generation(self):
        return _FIELD.unpack_from(self.page, _GENERATION_AT)[0]

    @property
    def catalog_size(self):
        return _FIELD.unpack_from(self.page, _SIZE_AT)[0]

    @property
    def reason(self):
        return bytes(self.page[_REASON_AT:_SLOTS_AT]).rstrip(b"\0").decode(errors="replace")

    def describe(self):
        """'ready', or why not, e.g. 'the embedded Redis exited (code -9); restarting it'."""
        if self.state == READY:
            return "ready"
        return self.reason or STATE_NAMES.get(self.state, "unknown")

    def worker_booted(self, age, pid):
        """A worker marks slot ``age % 64`` (gunicorn numbers every spawned worker) once it can serve."""
        _FIELD.pack_into(self.page, _SLOTS_AT + (age % _SLOTS) * _FIELD.size, pid)

    def worker_exited(self, age, pid):
        at = _SLOTS_AT + (age % _SLOTS) * _FIELD.size
        if _FIELD.unpack_from(self.page, at)[0] == pid:
            _FIELD.pack_into(self.page, at, 0)

    def workers_ready(self):
        """How many booted workers are still alive."""
        pids = [_FIELD.unpack_from(self.page, _SLOTS_AT + i * _FIELD.size)[0] for i in range(_SLOTS)]
        return sum(1 for pid in pids if pid and pid_alive(pid))

