"""One day of sessions over spawned worker processes, and a clean stop of them.

Each worker plays one DayTask and sends its sessions through its own pipe as
they end (in batches at most ``BATCH_SECONDS`` old), so the parent always
holds the finished ones, and a worker that dies is an end of file at once,
never a hang. When the parent is interrupted (Ctrl-C, or SIGTERM in
``sim run``) it stops reading and terminates the workers, killing any still
there after ``GRACE`` seconds; the day keeps the sessions received (a
stopped worker's retry and churn counts are lost) and is marked interrupted.

Only JSON crosses the process boundary, never pickle: the worker gets its
task as JSON text, and each message it sends is one JSON document
(``send_bytes``): ``["sessions", [row or null, ...]]`` batches, then
``["done", {DayResult fields, rows empty}]`` or ``["error", {type,
user_error, message, trace}]``. The parent raises a worker's user error again
as the same :mod:`sim.errors` class (looked up by name there only), with its
one-line message and the worker's traceback as its cause; any other error
becomes a RuntimeError whose message holds the worker's traceback.

Workers ignore SIGINT: a Ctrl-C in a terminal reaches the whole process group,
and the parent alone decides how the day ends. On Linux a worker also gets
SIGTERM when its parent dies, even by SIGKILL, so no worker outlives its run.
"""

import ctypes
import dataclasses
import json
import multiprocessing
import os
import signal
import sys
import time
import traceback
from multiprocessing import connection, resource_tracker

import numpy as np

from sim import errors
from sim.config import ListenerConfig
from sim.interrupts import signal_name
from sim.simulation import DayResult, DayTask, Simulation

GRACE = 2.0  # seconds a terminated worker gets to leave before it is killed
BATCH_SECONDS, BATCH_ROWS = 0.1, 200  # a worker sends its sessions at least this often
PR_SET_PDEATHSIG = 1  # prctl option from <linux/prctl.h>


def run_parallel_day(tasks, bar):
    """Run one day's tasks, one worker process each; returns the day's DayResult, rows by episode."""
    context = multiprocessing.get_context("spawn")
    pipes = [context.Pipe(duplex=False) for _ in tasks]
    workers = [context.Process(target=_work, args=(_dumps(dataclasses.asdict(task)), writer, os.getpid()),
                               daemon=True)
               for task, (_, writer) in zip(tasks, pipes)]
    day = DayResult(day=tasks[0].day, rows=[], planned=sum(task.episodes for task in tasks))
    try:
        try:
            _start(workers, [writer for _, writer in pipes])
            _collect(workers, [reader for reader, _ in pipes], day, bar)
        finally:
            _end(workers)
    except KeyboardInterrupt as interrupt:
        day.interrupted = signal_name(interrupt)
    finally:
        for reader, _ in pipes:
            reader.close()
    day.rows.sort(key=lambda row: row["episode"])
    return day


def _start(workers, writers):
    """Start the workers with SIGINT blocked, so they never see a Ctrl-C before they ignore it."""
    resource_tracker.ensure_running()  # launched later, inside start(), it would unblock SIGINT
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        for worker, writer in zip(workers, writers):
            worker.start()
            writer.close()  # the worker holds the only write end: its death reads as an end of file
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _collect(workers, readers, day, bar):
    """Add each worker's sessions and report to ``day`` until every worker has reported."""
    waiting = dict(zip(readers, workers))
    while waiting:
        for reader in connection.wait(list(waiting)):
            if _take(day, _receive(reader, waiting[reader], day.day), bar):
                del waiting[reader]


def _receive(reader, worker, day):
    """The worker's next message, decoded; a worker that ended without its report fails the day."""
    try:
        return json.loads(reader.recv_bytes())
    except EOFError:
        worker.join(GRACE)
        raise RuntimeError(f"worker process {worker.pid} ended (exit code {worker.exitcode}) "
                           f"before reporting day {day}") from None


def _take(day, message, bar):
    """Add one worker message to ``day``; True if it was the worker's final report."""
    kind, payload = message
    if kind == "error":
        error, cause = _worker_error(payload)
        raise error from cause
    if kind == "done":
        payload = DayResult(**payload)
        day.retried += payload.retried
        day.stopped = "; ".join(filter(None, [day.stopped, payload.stopped]))
        day.churned = sorted(day.churned + payload.churned)
        return True
    day.rows.extend(row for row in payload if row is not None)
    day.failed += payload.count(None)
    bar.update(len(payload))
    return False


def _end(workers):
    """Leave no worker behind: SIGTERM those started, SIGKILL any still there after GRACE seconds."""
    started = [worker for worker in workers if worker.pid is not None]
    for worker in started:
        worker.terminate()
    deadline = time.monotonic() + GRACE
    for worker in started:
        worker.join(max(0.0, deadline - time.monotonic()))
        if worker.exitcode is None:
            worker.kill()
            worker.join()


def _worker_error(error):
    """(exception, cause) the parent raises for a worker's ``error`` message (see ``_error_fields``).

    A user error is rebuilt as its class, looked up by name in :mod:`sim.errors`
    only, with its own one-line message and the worker's traceback as its
    cause; any other error is a RuntimeError whose message holds the traceback.
    """
    trace = f"in a worker process:\n{error['trace']}"
    cls = getattr(errors, error["user_error"] or "", None)
    if isinstance(cls, type) and issubclass(cls, errors.SimError):
        return cls(error["message"]), RuntimeError(trace)
    return RuntimeError(f"{error['type']}: {error['message']}\n{trace}"), None


def _work(task, writer, parent):
    """Worker entry point: play one share of a day, sending its sessions, then a report or the error.

    ``task`` is a DayTask as JSON text, so nothing is unpickled on the way in.
    """
    _ignore_ctrl_c()
    _die_with_parent(parent)
    sender = _Sender(writer)
    try:
        task = DayTask(**json.loads(task))
        simulation = Simulation(task.world, task.agent, task.seed, task.process, task.url,
                                ListenerConfig(**task.config), task.churned, task.processes)
        part = simulation.run_day(task.day, task.first_episode, task.episodes, on_session=sender.add)
    except Exception as error:  # not handled here: the parent raises it again, with this traceback
        _send(writer, ["error", _error_fields(error)])
    else:
        sender.flush()
        _send(writer, ["done", dataclasses.asdict(dataclasses.replace(part, rows=[]))])


def _error_fields(error):
    """What the parent needs to raise ``error`` again: names, message and this worker's traceback.

    ``user_error`` is the nearest :mod:`sim.errors` class the error is, by name (None if it is no SimError).
    """
    user_error = next((cls.__name__ for cls in type(error).__mro__
                       if cls.__module__ == errors.__name__ and issubclass(cls, errors.SimError)), None)
    return {"type": f"{type(error).__module__}.{type(error).__qualname__}", "user_error": user_error,
            "message": str(error), "trace": traceback.format_exc()}


def _dumps(value):
    """``value`` as JSON text; numpy scalars (a seed or count a notebook passed) become Python numbers."""
    return json.dumps(value, default=_plain)


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _send(writer, message):
    """Send one message to the parent as a JSON document (never pickle)."""
    writer.send_bytes(_dumps(message).encode())


class _Sender:
    """Batches a worker's finished sessions (None: dropped) so the parent is no bottleneck."""

    def __init__(self, writer):
        self.writer, self.batch, self.sent = writer, [], time.monotonic()

    def add(self, row):
        self.batch.append(row)
        if len(self.batch) >= BATCH_ROWS or time.monotonic() - self.sent >= BATCH_SECONDS:
            self.flush()

    def flush(self):
        if self.batch:
            _send(self.writer, ["sessions", self.batch])
        self.batch, self.sent = [], time.monotonic()


def _ignore_ctrl_c():
    """The parent coordinates the stop; a Ctrl-C that came while starting is dropped with the unblock."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _die_with_parent(parent):
    """On Linux, have the kernel send SIGTERM when the parent dies, even by SIGKILL.

    Strictly, when the parent's thread that started this worker ends: the
    parent starts and waits for its workers in one thread.
    """
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGTERM), ctypes.c_ulong(0), ctypes.c_ulong(0),
                  ctypes.c_ulong(0)) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)
