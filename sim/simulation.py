"""One process's share of a day of listening sessions: ``Simulation``, and the records of a day.

Seeds: each session has a random stream of its own, ``session_stream(seed,
day, process, episode)``, which draws its listener, how they listen and
whether they churn; the agent is seeded from ``[seed, process]``. So the same
seed and process count give the same sessions, and what one session's
recommender does never moves another session's draws: in an A/B test the
control arm meets the same listeners, who listen the same way, whatever the
treatment (as long as the control itself keeps no state). Process ``p`` of
``P`` serves only users ``u % P == p``, so no user is in two sessions at once.

A session whose requests fail even after the remote agent's retries is
dropped and counted; after ``MAX_CONSECUTIVE_FAILURES`` failed sessions in a
row a process stops its day, so a dead service never hangs a run. Ctrl-C
ends the day at once; the day keeps its finished sessions and is marked partial.
"""


import dataclasses

import numpy as np

from sim.agents import make_agent
from sim.config import ListenerConfig
from sim.episodes import play_session, session_stats
from sim.interrupts import signal_name
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
    """One day's episode rows and what cut it short, if anything (then it is ``partial``)."""

    day: int
    rows: list
    failed: int = 0
    retried: int = 0
    stopped: str = ""  # why a process gave up early after service failures, if it did
    churned: list = dataclasses.field(default_factory=list)
    planned: int = 0  # sessions the day was meant to play
    interrupted: str = ""  # the signal that ended the day early (SIGINT, SIGTERM), if one did

    @property
    def why_partial(self):
        """Why the day played fewer sessions than planned; "" for a full day."""
        played = len(self.rows) + self.failed
        if played >= self.planned or not (self.interrupted or self.stopped):
            return ""
        cause = f"interrupted by {self.interrupted}" if self.interrupted else "stopped early"
        return f"{cause} after {played} of {self.planned} sessions"

    @property
    def partial(self):
        return bool(self.why_partial)


class Simulation:
    """The state one process keeps: world, listener model, population and agent."""

    def __init__(self, world, agent, seed, process=0, url=None, config=None, churned=(), processes=1):
        self.world = world if isinstance(world, World) else load_world(world)
        self.model = ListenerModel(self.world, config or ListenerConfig())
        self.population = Population(self.world, self.model.config, churned,
                                     share=(process % processes, processes))
        agent_seed = int(np.random.SeedSequence([seed, process]).generate_state(1)[0])
        self.agent = make_agent(agent, world=self.world, listeners=self.model, seed=agent_seed, url=url)
        self.seed, self.process = seed, process

    def run_day(self, day, first_episode, episodes, on_session=None):
        """Play ``episodes`` sessions of ``day``; ``on_session(row)`` follows each (None: dropped).

        A KeyboardInterrupt ends the day early: the result keeps the finished
        sessions and names the signal in ``interrupted``.
        """
        self.model.set_day(day)
        result = DayResult(day=day, rows=[], planned=episodes)
        churned_before, retried_before = set(self.population.churned), getattr(self.agent, "retried", 0)
        try:
            self._play(result, range(first_episode, first_episode + episodes),
                       on_session or (lambda row: None))
        except KeyboardInterrupt as interrupt:
            result.interrupted = signal_name(interrupt)
        result.retried = getattr(self.agent, "retried", 0) - retried_before
        result.churned = sorted(self.population.churned - churned_before)
        return result

    def _play(self, result, episodes, on_session):
        from sim.agents.remote import RemoteError

        streak = 0
        for episode in episodes:
            rng = session_stream(self.seed, result.day, self.process, episode)
            try:
                session = play_session(self.model, self.agent, self.population.pick(rng), rng)
            except RemoteError as error:
                result.failed, streak = result.failed + 1, streak + 1
                on_session(None)
                if streak >= MAX_CONSECUTIVE_FAILURES:
                    result.stopped = f"{streak} sessions in a row failed, last: {error}"
                    return
                continue
            streak, row = 0, session_stats(session, result.day, episode)
            result.rows.append(row)
            self.population.after_session(session, rng)
            on_session(row)


def session_stream(seed, day, process, episode):
    """The random stream of one session: its listener, their listening and their churn."""
    return np.random.default_rng([seed, day, process, episode])


def split(episodes, processes):
    """(first episode, count) per process, as even as possible."""
    base, extra = divmod(episodes, processes)
    counts = [base + (p < extra) for p in range(processes)]
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).tolist()
    return list(zip(starts, counts))
