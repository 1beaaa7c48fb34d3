"""Run days of listening sessions, in this process or in several, and collect episode stats.

Seeds: process ``p`` on day ``d`` draws users and listens with
``default_rng([seed, d, p])`` and its agent is seeded from ``[seed, p]``, so
the same seed and process count give the same sessions. Process ``p`` of
``P`` serves only users ``u % P == p``, so no user is in two sessions at once.
With one process the agent lives across days (a learning agent keeps
learning); with several, each day builds fresh agents in fresh processes.

A session whose requests fail even after the remote agent's retries is
dropped and counted; after ``MAX_CONSECUTIVE_FAILURES`` failed sessions in a
row a process stops its day, so a dead service never hangs a run.
"""

import dataclasses
import queue as queues
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from sim.agents import make_agent
from sim.config import ListenerConfig
from sim.episodes import play_session, session_stats
from sim.listener import ListenerModel
from sim.population import Population
from sim.world import World, load_world

MAX_CONSECUTIVE_FAILURES = 10


@dataclasses.dataclass
class DayTask:
    """What one process simulates on one day."""

    world: str
    agent: str
    url: str | None
    config: dict
    day: int
    process: int
    processes: int
    first_episode: int
    episodes: int
    seed: int
    churned: list


@dataclasses.dataclass
class DayResult:
    day: int
    rows: list
    failed: int = 0
    retried: int = 0
    stopped: str = ""  # why the process gave up early, if it did
    churned: list = dataclasses.field(default_factory=list)


class Simulation:
    """The state one process keeps: world, listener model, population and agent."""

    def __init__(self, world, agent, seed, process=0, url=None, config=None, churned=(), processes=1):
        self.world = world if isinstance(world, World) else load_world(world)
        self.model = ListenerModel(self.world, config or ListenerConfig())
        self.population = Population(self.world, self.model.config, churned, share=(process % processes, processes))
        agent_seed = int(np.random.SeedSequence([seed, process]).generate_state(1)[0])
        self.agent = make_agent(agent, world=self.world, listeners=self.model, seed=agent_seed, url=url)
        self.seed, self.process = seed, process

    def run_day(self, day, first_episode, episodes, tick=None):
        """Play ``episodes`` sessions of ``day``; ``tick()`` is called after each one."""
        from sim.agents.remote import RemoteError

        self.model.set_day(day)
        rng = np.random.default_rng([self.seed, day, self.process])
        result, streak, before = DayResult(day=day, rows=[]), 0, set(self.population.churned)
        retried_before = getattr(self.agent, "retried", 0)
        for episode in range(first_episode, first_episode + episodes):
            try:
                session = play_session(self.model, self.agent, self.population.pick(rng), rng)
            except RemoteError as error:
                result.failed, streak = result.failed + 1, streak + 1
                if streak >= MAX_CONSECUTIVE_FAILURES:
                    result.stopped = f"{streak} sessions in a row failed, last: {error}"
                    break
            else:
                streak = 0
                result.rows.append(session_stats(session, day, episode))
                self.population.after_session(session, rng)
            if tick is not None:
                tick()
        result.retried = getattr(self.agent, "retried", 0) - retried_before
        result.churned = sorted(self.population.churned - before)
        return result


_progress = None


def _init_worker(progress):
    global _progress
    _progress = progress


def _run_task(task):
    """Worker entry point: one process's share of one day."""
    config = ListenerConfig(**task.config)
    simulation = Simulation(task.world, task.agent, task.seed, task.process, task.url, config, task.churned,
                            task.processes)
    return simulation.run_day(task.day, task.first_episode, task.episodes, tick=lambda: _progress.put(1))


def split(episodes, processes):
    """(first episode, count) per process, as even as possible."""
    base, extra = divmod(episodes, processes)
    counts = [base + (p < extra) for p in range(processes)]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).tolist()
    return list(zip(starts, counts))


def run_parallel_day(tasks, bar):
    """Run one day's tasks in worker processes, feeding the progress bar as sessions end."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    progress = context.Queue()
    with ProcessPoolExecutor(len(tasks), mp_context=context, initializer=_init_worker,
                             initargs=(progress,)) as pool:
        futures = [pool.submit(_run_task, task) for task in tasks]
        while not all(f.done() for f in futures):
            try:
                bar.update(progress.get(timeout=0.2))
            except queues.Empty:
                pass
        results = [f.result() for f in futures]
    while True:
        try:
            bar.update(progress.get_nowait())
        except queues.Empty:
            return results
