"""The one-call Python API for notebooks: ``sim.simulate(...)`` returns episode stats.

Example (seminar 1)::

    import sim
    episodes = sim.simulate(world="data", agent="remote", url="http://127.0.0.1:5000",
                            episodes=1000, days=1, seed=0)
    episodes.groupby("day")["time"].mean()
"""

import dataclasses

from tqdm.auto import tqdm

from sim.agents import agent_class
from sim.config import ListenerConfig
from sim.runner import DayResult, DayTask, Simulation, run_parallel_day, split

COLUMNS = ["day", "episode", "user", "interest", "time", "tracks"]


def run_days(world="data", agent="random", episodes=1000, days=1, processes=1, seed=0, url=None,
             config=None, progress=True, between_days=None, first_day=0):
    """Simulate ``days`` days of ``episodes`` sessions each; returns one DayResult per day.

    Days are numbered from ``first_day``: separate runs that continue a story
    (traffic day, then an A/B day) pass 0, then 1, and get fresh sessions.
    ``between_days(day)`` is called before every day after the first; it returns
    False to stop early (the CLI's interactive prompt).
    """
    config = config or ListenerConfig()
    _check_arguments(world, agent, episodes, days, processes, url, first_day)
    simulation = None
    if processes == 1:
        simulation = Simulation(world, agent, seed, url=url, config=config)
    results, churned = [], []
    for day in range(first_day, first_day + days):
        if day > first_day and between_days is not None and between_days(day) is False:
            break
        with tqdm(total=episodes, desc=f"day {day}", unit="session", disable=not progress) as bar:
            if simulation is not None:
                result = simulation.run_day(day, 0, episodes, tick=lambda: bar.update(1))
            else:
                tasks = [DayTask(str(world), agent, url, dataclasses.asdict(config), day, p, processes, first,
                                 count, seed, churned)
                         for p, (first, count) in enumerate(split(episodes, processes))]
                result = _merge(run_parallel_day(tasks, bar))
        churned = churned + result.churned
        results.append(result)
    return results


def _check_arguments(world, agent, episodes, days, processes, url, first_day):
    from sim.cli import UsageError

    if episodes < 1 or days < 1 or processes < 1 or first_day < 0:
        raise UsageError("episodes, days and processes must be at least 1, the first day at least 0")
    if processes > 1 and not isinstance(world, (str, bytes)) and not hasattr(world, "__fspath__"):
        raise UsageError("several processes need the world as a folder path, not a loaded World")
    if processes > 1 and agent == "console":
        raise UsageError("the console agent needs a person at one terminal: use --processes 1")
    agent_class(agent)  # an unknown agent fails here once, not in every worker
    if agent == "remote":
        from sim.agents.remote import RemoteAgent

        RemoteAgent(url or "http://127.0.0.1:5000").check()


def _merge(parts):
    merged = DayResult(day=parts[0].day, rows=[row for part in parts for row in part.rows])
    merged.failed = sum(part.failed for part in parts)
    merged.retried = sum(part.retried for part in parts)
    merged.stopped = "; ".join(part.stopped for part in parts if part.stopped)
    merged.churned = sorted(u for part in parts for u in part.churned)
    merged.rows.sort(key=lambda row: row["episode"])
    return merged


def simulate(world="data", agent="random", episodes=1000, days=1, processes=1, seed=0, url=None,
             config=None, progress=True, first_day=0):
    """Episode stats as a DataFrame (columns: day, episode, user, interest, time, tracks).

    ``frame.attrs`` holds ``failed`` (sessions dropped after service errors),
    ``retried`` (requests sent again) and ``stopped`` (why a day stopped early).
    """
    import pandas as pd

    results = run_days(world, agent, episodes, days, processes, seed, url, config, progress,
                       first_day=first_day)
    frame = pd.DataFrame([row for result in results for row in result.rows], columns=COLUMNS)
    frame.attrs.update(
        failed=sum(r.failed for r in results), retried=sum(r.retried for r in results),
        stopped="; ".join(r.stopped for r in results if r.stopped),
    )
    return frame
