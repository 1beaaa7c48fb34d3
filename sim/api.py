"""The one-call Python API for notebooks: ``sim.simulate(...)`` returns episode stats.

Example (seminar 1)::

    import sim
    episodes = sim.simulate(world="data", agent="remote", url="http://127.0.0.1:5000",
                            episodes=1000, days=1, seed=0)
    episodes.groupby("day")["time"].mean()

Interrupting a run (Ctrl-C, a notebook's "interrupt kernel") returns the
sessions that finished, with ``episodes.attrs["partial"]`` True.
"""

from sim.errors import OutputError
from sim.runner import run_days

COLUMNS = ["day", "episode", "user", "interest", "time", "tracks"]


def simulate(world="data", agent="random", episodes=1000, days=1, processes=1, seed=0, url=None,
             config=None, progress=True, first_day=0):
    """Episode stats as a DataFrame (columns: day, episode, user, interest, time, tracks).

    ``frame.attrs`` holds ``failed`` (sessions dropped after service errors),
    ``retried`` (requests sent again), ``stopped`` (why a day stopped early),
    ``partial`` (True when a day played fewer sessions than asked: interrupted
    or stopped early) and ``why_partial`` (which day, why, how many sessions).
    """
    results = run_days(world, agent, episodes, days, processes, seed, url, config, progress,
                       first_day=first_day)
    return _episodes_frame(results)


def _episodes_frame(results):
    """One row per finished episode of the DayResults; the run's trouble goes to ``attrs``."""
    import pandas as pd

    frame = pd.DataFrame([row for result in results for row in result.rows], columns=COLUMNS)
    frame.attrs.update(
        failed=sum(r.failed for r in results), retried=sum(r.retried for r in results),
        stopped="; ".join(r.stopped for r in results if r.stopped),
        partial=any(r.partial for r in results),
        why_partial="; ".join(f"day {r.day} {r.why_partial}" for r in results if r.partial),
    )
    return frame


def write_episodes_csv(results, path):
    """Write one row per episode, plus ``partial`` (its day ended early); returns the row count."""
    frame = _episodes_frame(results)
    frame["partial"] = [result.partial for result in results for _ in result.rows]
    try:
        frame.to_csv(path, index=False)
    except OSError as error:  # only the write to the path the user gave
        raise OutputError(f"cannot write {path}: {error.strerror}") from None
    return len(frame)
