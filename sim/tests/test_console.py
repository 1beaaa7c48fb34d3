"""The console agent: a person types ids, searches, or takes a random track; track info is shown."""

from sim.agents.console import ConsoleAgent


def scripted(world, answers):
    said = []
    agent = ConsoleAgent(world.catalog, seed=0, ask=lambda prompt: answers.pop(0), say=said.append)
    return agent, said


def test_shows_the_track_and_takes_a_typed_id(world):
    agent, said = scripted(world, ["12"])
    agent.start(3, 5)
    assert agent.next(3, 5, 1.0) == 12
    row = world.catalog[5]
    assert row["artist"] in said[0] and row["title"] in said[1] and "listened 1.00" in said[1]


def test_search_then_pick_and_enter_for_random(world):
    artist = world.catalog[7]["artist"]
    agent, said = scripted(world, [f"/{artist.lower()}", "abc", "99999999", ""])
    track = agent.next(0, 7, 0.4)
    assert 0 <= track < world.n_tracks
    assert any(artist in line for line in said[1:]) and any("not a track id" in line for line in said)


def test_last_says_the_session_is_over(world):
    agent, said = scripted(world, [])
    agent.last(0, 1, 0.2)
    assert "session over" in said[-1]
