"""Run days of listening sessions, in this process or in several, and collect their results.

``run_days`` is the loop behind ``sim run`` and ``sim.simulate``: one day
after another, each played by one ``Simulation`` (``sim.simulation``) or by
worker processes (``sim.workers``). With one process the agent lives across
days (a learning agent keeps learning); with several, each day builds fresh
agents in fresh processes. Ctrl-C (or SIGTERM in ``sim run``) ends the run;
the day it hit keeps its finished sessions and is marked partial.
"""

import dataclasses

from sim.agents import agent_class
from sim.config import ListenerConfig
from sim.errors import ArgumentError
from sim.interrupts import signal_name
from sim.progress import progress_bar
from sim.simulation import DayResult, DayTask, Simulation, split
from sim.workers import run_parallel_day


def run_days(world="data", agent="random", episodes=1000, days=1, processes=1, seed=0, url=None,
             config=None, progress=True, between_days=None, first_day=0):
    """Simulate ``days`` days of ``episodes`` sessions each; returns one DayResult per day.

    Days are numbered from ``first_day``: separate runs that continue a story
    (traffic day, then an A/B day) pass 0, then 1, and get fresh sessions.
    ``between_days(day)`` is called before every day after the first; it returns
    False to stop early (the CLI's interactive prompt). A KeyboardInterrupt ends
    the run: the day it hit comes last, marked ``interrupted``, with the
    sessions that finished (none if it hit before the day's first session).
    """
    config = config or ListenerConfig()
    _check_arguments(world, agent, episodes, days, processes, url, first_day)
    player, results = _DayPlayer(world, agent, episodes, processes, seed, url, config, progress), []
    for day in range(first_day, first_day + days):
        try:
            if day > first_day and between_days is not None and between_days(day) is False:
                break
        except KeyboardInterrupt as interrupt:
            results.append(DayResult(day=day, rows=[], planned=episodes, interrupted=signal_name(interrupt)))
            break
        results.append(player.play(day, churned=[u for r in results for u in r.churned]))
        if results[-1].interrupted:
            break
    return results


def _check_arguments(world, agent, episodes, days, processes, url, first_day):
    if episodes < 1 or days < 1 or processes < 1 or first_day < 0:
        raise ArgumentError("episodes, days and processes must be at least 1, the first day at least 0")
    if processes > 1 and not isinstance(world, (str, bytes)) and not hasattr(world, "__fspath__"):
        raise ArgumentError("several processes need the world as a folder path, not a loaded World")
    if processes > 1 and agent == "console":
        raise ArgumentError("the console agent needs a person at one terminal: use --processes 1")
    agent_class(agent)  # an unknown agent fails here once, not in every worker
    if agent == "remote":
        from sim.agents.remote import RemoteAgent

        RemoteAgent(url or "http://127.0.0.1:5000").check()


class _DayPlayer:
    """Plays one day at a time: in this process with one Simulation kept across days, or in workers."""

    def __init__(self, world, agent, episodes, processes, seed, url, config, progress):
        self.world, self.agent, self.episodes, self.processes = world, agent, episodes, processes
        self.seed, self.url, self.config, self.progress = seed, url, config, progress
        self.simulation = None

    def play(self, day, churned):
        """The day's DayResult; an interruption before or after its sessions marks it too."""
        result = DayResult(day=day, rows=[], planned=self.episodes)
        try:
            with progress_bar(total=self.episodes, desc=f"day {day}", unit="session",
                              disable=not self.progress) as bar:
                result = self._sessions(day, churned, bar)
        except KeyboardInterrupt as interrupt:
            result.interrupted = signal_name(interrupt)
        return result

    def _sessions(self, day, churned, bar):
        if self.processes > 1:
            return run_parallel_day(self._tasks(day, churned), bar)
        if self.simulation is None:
            self.simulation = Simulation(self.world, self.agent, self.seed, url=self.url, config=self.config)
        return self.simulation.run_day(day, 0, self.episodes, on_session=lambda row: bar.update(1))

    def _tasks(self, day, churned):
        config = dataclasses.asdict(self.config)
        return [DayTask(str(self.world), self.agent, self.url, config, day, p, self.processes, first, count,
                        self.seed, churned)
                for p, (first, count) in enumerate(split(self.episodes, self.processes))]
