"""Interleaved experiments: the team-draft rule (balance, seeding, ties), serving both teams, the log."""

import collections
import json
import pathlib
import textwrap

import pytest
import requests

from botify import fields
from botify.fields import BOTH_TEAMS, TEAM_A, TEAM_B
from botify.service import registry
from botify.service.experiment import Interleaved
from botify.service.plugins import load_plugin
from botify.service.recommenders.base import Recommender
from botify.service.recommenders.random_track import Random
from botify.service.team_draft import DraftMemory, draft_session, session_seed, team_to_play

SESSIONS = 10_000


def test_the_team_with_fewer_picks_plays():
    assert team_to_play("any", 0, 1) == TEAM_A
    assert team_to_play("any", 3, 2) == TEAM_B


def test_the_opening_coin_is_fair_over_many_sessions():
    first = collections.Counter(team_to_play(session_seed(7, "X", user, 0), 0, 0) for user in range(SESSIONS))
    sigma = (SESSIONS / 4) ** 0.5
    assert abs(first[TEAM_A] - SESSIONS / 2) < 5 * sigma, first


@pytest.mark.parametrize("steps", [1, 2, 7, 30])
def test_within_a_session_the_teams_never_differ_by_more_than_one_pick(steps):
    for user in range(300):
        teams = draft_session(session_seed(7, "X", user, 0), [(1, 2)] * steps)
        for end in range(1, steps + 1):
            counts = collections.Counter(teams[:end])
            assert abs(counts[TEAM_A] - counts[TEAM_B]) <= 1, teams[:end]


def test_every_round_opens_with_its_own_coin():
    """Not A, B, A, B for ever: the team opening round 2 is independent of the one opening round 1."""
    openers = [draft_session(session_seed(7, "X", user, 0), [(1, 2)] * 4)[::2] for user in range(SESSIONS)]
    same = sum(first == second for first, second in openers)
    sigma = (SESSIONS / 4) ** 0.5
    assert abs(same - SESSIONS / 2) < 5 * sigma


def test_the_same_session_gets_the_same_draft_and_another_session_another():
    proposals = [(1, 2)] * 12
    seed = session_seed(7, "X", 42, 3)
    assert draft_session(seed, proposals) == draft_session(seed, proposals)
    drafts = {tuple(draft_session(session_seed(7, "X", 42, session), proposals)) for session in range(40)}
    assert len(drafts) > 20  # 2^6 possible drafts of 12 steps: sessions do not replay one draft


def test_a_track_both_propose_is_played_credited_to_neither_and_does_not_move_the_draft():
    seed = session_seed(7, "X", 5, 0)
    without = draft_session(seed, [(1, 2), (3, 4), (5, 6)])
    with_ties = draft_session(seed, [(1, 2), (9, 9), (3, 4), (9, 9), (9, 9), (5, 6)])
    assert with_ties[1] == with_ties[3] == with_ties[4] == BOTH_TEAMS
    assert [team for team in with_ties if team != BOTH_TEAMS] == without


def test_draft_memory_counts_picks_and_starts_over_each_session(redis_client):
    memory = DraftMemory(redis_client, "X")
    assert memory.read(9) == (0, 0, 0)
    memory.pick(9, TEAM_A)
    memory.pick(9, TEAM_B)
    memory.pick(9, TEAM_B)
    assert memory.read(9) == (0, 1, 2)
    memory.end_session(9)
    assert memory.read(9) == (1, 0, 0)
    assert 0 < redis_client.ttl(memory.key(9)) <= 24 * 3600


# serving: recommenders of a test interleaved experiment

class Seen(Recommender):
    """Counts the requests and session ends it sees per listener; proposes the track after the one heard."""

    def recommend_next(self, user, prev_track, prev_track_time):
        self.state.increment("seen", user)
        return (prev_track + 1) % self.store.catalog_size()

    def end_session(self, user, last_track, last_track_time):
        self.state.increment("ended", user)


class SeenToo(Seen):
    """The same, in a namespace of its own; proposes the track before the one heard."""

    def recommend_next(self, user, prev_track, prev_track_time):
        self.state.increment("seen", user)
        return (prev_track - 1) % self.store.catalog_size()


class Agrees(Seen):
    """Proposes what Seen proposes: every step is a track both teams proposed."""


@pytest.fixture
def registered(monkeypatch):
    """Registers test experiments for one test."""
    def register(*experiments):
        monkeypatch.setattr(registry, "BY_NAME", {**registry.BY_NAME, **{e.name: e for e in experiments}})
    return register


def _session(client, user, steps, start=3):
    track = start
    for _ in range(steps):
        answer = client.post(f"/next/{user}", json={"track": track, "time": 0.5})
        assert answer.status_code == 200
        track = answer.json["track"]
    assert client.post(f"/last/{user}", json={"track": track, "time": 0.2}).status_code == 200


def _logged(app):
    folder = pathlib.Path(app.config["LOG_DIR"])
    events = [json.loads(line) for path in sorted(folder.glob("events*.jsonl*"))
              for line in path.read_text().splitlines()]
    return sorted(events, key=lambda event: event[fields.TIMESTAMP])


def test_both_teams_answer_and_see_every_request_and_session_end(make_app, registered, redis_client):
    registered(Interleaved("SEEN", Seen, SeenToo))
    app = make_app(EXPERIMENT="SEEN")
    client = app.test_client()
    _session(client, 11, steps=6)
    assert redis_client.get("state:Seen:seen:11") == redis_client.get("state:SeenToo:seen:11") == b"6"
    assert redis_client.get("state:Seen:ended:11") == b"1"
    assert redis_client.get("state:SeenToo:ended:11") == b"1"
    nexts = [event for event in _logged(app) if event[fields.MESSAGE] == fields.NEXT]
    for event in nexts:
        assert event[fields.CANDIDATE_A] == (event[fields.TRACK] + 1) % 30
        assert event[fields.CANDIDATE_B] == (event[fields.TRACK] - 1) % 30
        played = {TEAM_A: event[fields.CANDIDATE_A], TEAM_B: event[fields.CANDIDATE_B]}[event[fields.TEAM]]
        assert event[fields.RECOMMENDATION] == played
        assert event[fields.FALLBACK_A] is event[fields.FALLBACK_B] is event[fields.FALLBACK] is False
    assert collections.Counter(event[fields.TEAM] for event in nexts) == {TEAM_A: 3, TEAM_B: 3}


def test_a_track_both_teams_propose_is_logged_as_theirs_and_counts_for_neither(make_app, registered,
                                                                               redis_client):
    registered(Interleaved("AGREE", Seen, Agrees))
    app = make_app(EXPERIMENT="AGREE")
    _session(app.test_client(), 4, steps=3)
    teams = [event[fields.TEAM] for event in _logged(app) if event[fields.MESSAGE] == fields.NEXT]
    assert teams == [BOTH_TEAMS] * 3
    assert DraftMemory(redis_client, "AGREE").read(4) == (1, 0, 0)


def test_the_same_traffic_gets_the_same_draft_from_two_services(make_app, registered, tmp_path, redis_client):
    registered(Interleaved("SEEN", Seen, SeenToo))
    drafts = []
    for run in range(2):
        for key in [*redis_client.scan_iter("draft:*"), *redis_client.scan_iter("state:*")]:
            redis_client.delete(key)  # the second service starts without the first one's memory
        app = make_app(EXPERIMENT="SEEN", LOG_DIR=str(tmp_path / f"log{run}"))
        for user in range(20):
            _session(app.test_client(), user, steps=5)
        drafts.append([event.get(fields.TEAM) for event in _logged(app)])
    assert drafts[0] == drafts[1]
    assert set(drafts[0]) == {TEAM_A, TEAM_B, None}  # None: the `last` lines


def test_an_interleaved_experiment_needs_two_recommender_classes():
    from botify.errors import ExperimentError

    with pytest.raises(ExperimentError, match=r"test_team_draft.py:\d+: interleaved experiment X needs 2"):
        Interleaved("X", Random, Random, Random)
    with pytest.raises(ExperimentError, match=r"experiment X, treatment B: .* is not a Recommender"):
        Interleaved("X", Random, "Random")


def test_the_registry_holds_the_course_pairs_a_baseline_then_a_challenger():
    described = {name: experiment.describe() for name, experiment in registry.BY_NAME.items()}
    assert described["INTERLEAVED_STICKY_ARTIST"]["treatments"] == {"A": "Random", "B": "StickyArtist"}
    assert described["INTERLEAVED_TOP_POP"]["treatments"] == {"A": "TopPop", "B": "Collaborative"}
    assert described["INTERLEAVED_CONTEXTUAL"]["treatments"] == {"A": "StickyArtist", "B": "Contextual"}
    assert all(described[e.name]["kind"] == "interleaving" for e in registry.INTERLEAVED)


def test_a_plugin_registers_an_interleaved_pair(tmp_path):
    plugin = tmp_path / "mine.py"
    plugin.write_text(textwrap.dedent('''
        from botify.service.experiment import Interleaved
        from botify.service.recommenders.base import Recommender
        from botify.service.recommenders.random_track import Random


        class Mine(Recommender):
            def recommend_next(self, user, prev_track, prev_track_time):
                return prev_track

        EXPERIMENTS = [Interleaved("MINE_INTERLEAVED", Random, Mine)]
    '''))
    saved = list(registry.EXPERIMENTS), list(registry.INTERLEAVED), dict(registry.BY_NAME)
    try:
        assert load_plugin(plugin) == ["MINE_INTERLEAVED"]
        assert registry.INTERLEAVED[-1] is registry.BY_NAME["MINE_INTERLEAVED"]
        assert "MINE_INTERLEAVED" not in [experiment.name for experiment in registry.EXPERIMENTS]
    finally:
        registry.EXPERIMENTS[:], registry.INTERLEAVED[:] = saved[0], saved[1]
        registry.BY_NAME.clear()
        registry.BY_NAME.update(saved[2])


def test_a_real_service_logs_both_candidates_the_team_and_describes_the_pair(start_botify):
    service = start_botify(experiment="INTERLEAVED_STICKY_ARTIST")
    with requests.Session() as http:
        for user in range(6):
            track = user
            for _ in range(4):
                track = http.post(f"{service.url}/next/{user}", json={"track": track, "time": 0.9},
                                  timeout=10).json()["track"]
            assert http.post(f"{service.url}/last/{user}", json={"track": track, "time": 0.3},
                             timeout=10).status_code == 200
    events = service.events()
    nexts = [event for event in events if event[fields.MESSAGE] == fields.NEXT]
    assert len(nexts) == 24 and len(events) == 30
    for event in nexts:
        assert list(event)[-len(fields.INTERLEAVED_FIELDS):] == list(fields.INTERLEAVED_FIELDS)
        assert event[fields.EXPERIMENTS]["INTERLEAVED_STICKY_ARTIST"] == BOTH_TEAMS
        team = event[fields.TEAM]
        if team == BOTH_TEAMS:
            assert event[fields.CANDIDATE_A] == event[fields.CANDIDATE_B] == event[fields.RECOMMENDATION]
        else:
            assert event[fields.RECOMMENDATION] == event[{TEAM_A: fields.CANDIDATE_A,
                                                          TEAM_B: fields.CANDIDATE_B}[team]]
        assert event[fields.CANDIDATE_B] % 10 == event[fields.TRACK] % 10  # B is StickyArtist: same artist
    assert "INTERLEAVED_TOP_POP" not in nexts[0][fields.EXPERIMENTS]  # inactive pairs are not logged
    described = json.loads((service.log_dir / fields.DESCRIPTION_FILE).read_text())
    assert described["active"] == "INTERLEAVED_STICKY_ARTIST"
    pair = described["experiments"]["INTERLEAVED_STICKY_ARTIST"]
    assert pair["kind"] == "interleaving" and pair["treatments"] == {"A": "Random", "B": "StickyArtist"}
