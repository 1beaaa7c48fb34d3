"""The gymnasium environment: passes check_env, seeds reproduce rollouts, episodes end right, info, render."""

import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from sim.config import ListenerConfig
from sim.env import ENV_ID, ListeningEnv


@pytest.mark.parametrize("render_mode", [None, "ansi"])
def test_passes_the_gymnasium_checker(world_dir, render_mode):
    env = gym.make(ENV_ID, world=str(world_dir), render_mode=render_mode).unwrapped
    check_env(env)


def test_a_capped_env_passes_the_gymnasium_checker(world_dir):
    # a cap of 2, not 1: the checker refuses any env that truncates at its first step
    check_env(gym.make(ENV_ID, world=str(world_dir), config=ListenerConfig(max_tracks=2)).unwrapped)


def rollout(env, seed, steps=300):
    rng = np.random.default_rng(seed)
    obs, _ = env.reset(seed=seed)
    trace = [(int(obs["user"]), int(obs["track"]))]
    for _ in range(steps):
        obs, reward, terminated, truncated, _ = env.step(int(rng.integers(env.action_space.n)))
        trace.append((int(obs["user"]), int(obs["track"]), reward, terminated, truncated))
        if terminated or truncated:
            obs, _ = env.reset()
            trace.append((int(obs["user"]), int(obs["track"])))
    return trace


def test_same_seed_gives_the_same_rollout(world):
    assert rollout(ListeningEnv(world), 3) == rollout(ListeningEnv(world), 3)
    assert rollout(ListeningEnv(world), 3) != rollout(ListeningEnv(world), 4)


def test_a_listener_who_leaves_terminates_the_episode(world):
    env = ListeningEnv(world)
    env.reset(seed=0)
    for steps in range(1, 200):
        _, reward, terminated, truncated, info = env.step(0)
        assert not truncated and 0.0 <= reward <= 1.0
        if terminated:
            break
    assert terminated and info["tracks"] == steps + 1 and info["budget"] == 0


def test_the_track_cap_truncates_the_episode(world):
    env = ListeningEnv(world, ListenerConfig(max_tracks=2))  # a budget of 3 or more outlasts 2 tracks
    env.reset(seed=0)
    assert env.step(0)[2:4] == (False, False)
    _, _, terminated, truncated, info = env.step(0)
    assert truncated and not terminated and info["tracks"] == 3 and info["budget"] > 0


def test_options_pick_the_user_and_the_day(world):
    env = ListeningEnv(world)
    obs, info = env.reset(seed=0, options={"user": 42, "day": 3})
    assert int(obs["user"]) == 42 and env.model.day == 3 and info["session_time"] == 1.0


def test_step_before_reset_is_an_error(world):
    with pytest.raises(RuntimeError, match="reset"):
        ListeningEnv(world).step(0)


def test_ansi_render_names_the_track(world):
    env = ListeningEnv(world, render_mode="ansi")
    obs, _ = env.reset(seed=1)
    assert world.catalog[int(obs["track"])]["title"] in env.render()
