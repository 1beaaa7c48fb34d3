"""The runner's pieces: splitting work over processes and one process's day."""

from sim.runner import Simulation, split


def test_split_covers_every_episode_once():
    assert split(10, 3) == [(0, 4), (4, 3), (7, 3)]
    assert split(2, 3) == [(0, 1), (1, 1), (2, 0)]


def test_a_day_numbers_its_episodes_from_the_given_start(world):
    result = Simulation(world, "random", seed=0, process=1).run_day(day=2, first_episode=100, episodes=5)
    assert [row["episode"] for row in result.rows] == list(range(100, 105))
    assert {row["day"] for row in result.rows} == {2}


def test_processes_draw_different_sessions(world):
    rows = [Simulation(world, "random", seed=0, process=p).run_day(0, 0, 20).rows for p in (0, 1)]
    assert [r["user"] for r in rows[0]] != [r["user"] for r in rows[1]]


def test_a_learning_agent_keeps_its_state_across_days(world):
    simulation = Simulation(world, "top_pop", seed=0)
    simulation.run_day(0, 0, 50)
    seen = simulation.agent.listened.sum()
    simulation.run_day(1, 0, 50)
    assert simulation.agent.listened.sum() > seen > 0


def test_processes_serve_disjoint_users(world):
    rows = [Simulation(world, "random", seed=0, process=p, processes=2).run_day(0, 0, 40).rows for p in (0, 1)]
    assert {r["user"] % 2 for r in rows[0]} == {0} and {r["user"] % 2 for r in rows[1]} == {1}
