"""A Gymnasium environment: one simulated listener session per episode."""

import gymnasium as gym
from gymnasium import spaces

from sim.config import ListenerConfig
from sim.listener import ListenerModel
from sim.population import Population
from sim.world import World, load_world

ENV_ID = "sim/Listening-v0"


class ListeningEnv(gym.Env):
    """## Description

    A listener from the hidden world opens a session with a first track near
    one of their interests; the agent recommends one track per step and the
    listener plays part of it (see :mod:`sim.listener` for the rules). The
    goal is to keep the listener listening: long sessions, high time per track.

    ## Action space

    ``Discrete(n_tracks)``: the id of the recommended track.

    ## Observation space

    ``Dict(user=Discrete(n_users), track=Discrete(n_tracks))``: the session's
    user and the track they just listened to (the first track after reset).

    ## Rewards

    The listening time of the recommended track, in [0, 1] rounded to 0.01.
    A track already played in the session earns 0.

    ## Episode end

    ``terminated`` when the listener runs out of patience (the session's
    natural end); ``truncated`` when the config's ``max_tracks`` cap stops a
    listener who would go on. At most one of them is true: a listener who
    leaves on the capped track has ended the session.

    ## Arguments

    - ``world``: a :class:`sim.world.World` or the path of a data folder.
    - ``config``: a :class:`sim.config.ListenerConfig` (cap, fatigue, dynamics).
    - ``day``: the world day (matters only with hype or drift on).

    Made with ``gymnasium.make("sim/Listening-v0", world="data")`` once
    :mod:`sim.env` is imported, or directly as ``ListeningEnv(world)``.

    ``reset(options={"user": u})`` forces the session's user (else users come
    by activity); ``options={"day": d}`` moves the world to another day. With
    churn on, users who leave are never drawn again.

    ``info`` holds ``interest`` (hidden anchor), ``session_time`` (first track
    included), ``tracks`` (events so far, first track included) and ``budget``.
    """

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(self, world, config=None, day=0, render_mode=None):
        self.world = world if isinstance(world, World) else load_world(world)
        self.model = ListenerModel(self.world, config or ListenerConfig(), day)
        self.population = Population(self.world, self.model.config)
        self.action_space = spaces.Discrete(self.world.n_tracks)
        self.observation_space = spaces.Dict(
            {"user": spaces.Discrete(self.world.n_users), "track": spaces.Discrete(self.world.n_tracks)}
        )
        self.render_mode = render_mode
        self.session = None
        self._last = None

    def reset(self, *, seed=None, options=None):
        super().reset(seed=seed)
        options = options or {}
        if "day" in options and options["day"] != self.model.day:
            self.model.set_day(int(options["day"]))
        user = options.get("user")
        user = self.population.pick(self.np_random) if user is None else int(user)
        self.session = self.model.start(user, self.np_random)
        self._last = (self.session.first_track, 1.0)
        return self._observation(self.session.first_track), self._info()

    def step(self, action):
        if self.session is None or self.session.done:
            raise RuntimeError("call reset() before step() and after the episode ends")
        track = int(action)
        time = self.model.listen(self.session, track, self.np_random)
        self._last = (track, time)
        terminated = self.session.budget <= 0
        truncated = self.session.done and not terminated
        if self.session.done:
            self.population.after_session(self.session, self.np_random)
        return self._observation(track), time, terminated, truncated, self._info()

    def _observation(self, track):
        return {"user": self.session.user, "track": track}

    def _info(self):
        session = self.session
        return {
            "interest": session.interest, "session_time": session.time,
            "tracks": session.recommended + 1, "budget": session.budget,
        }

    def render(self):
        if self.render_mode != "ansi" or self.session is None:
            return None
        track, time = self._last
        row = self.world.catalog[track]
        heard = f"{row['artist']} - {row['title']} ({row['genre']})"
        return f"user {self.session.user}: {heard} listened {time:.2f}"


if ENV_ID not in gym.registry:
    gym.register(ENV_ID, entry_point="sim.env:ListeningEnv")
