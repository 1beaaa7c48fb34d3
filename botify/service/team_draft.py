"""Team draft: how an interleaved experiment decides, request by request, whose track a listener hears.

Both recommenders (team A and team B) answer every ``/next``. If they propose
the same track it is played and credited to neither team. Otherwise the team
with fewer picks so far in this session plays its track; when both have as many
picks, a coin decides, seeded by the service's seed, the experiment, the
listener, the number of the listener's session and the round. So over a
session the teams take turns in pairs, each pair opened by a fair coin: the
same session gets the same draft in any worker or restart, and neither team
can be favoured by the position of its picks.

Both recommenders see every request and every ``/last`` (the track actually
played and how long it was heard, whichever team proposed it), so a stateful
recommender learns from what the listener really heard; the track it proposed
but that was not played reaches it only as its own answer. Two teams of one
class share that class's state (``self.state``), as two A/B arms do.

The draft's memory is one Redis hash per listener, ``draft:<EXPERIMENT>:<user>``
(the session number and the picks of each team in it), kept a day like a
recommender's session state.
"""

from __future__ import annotations

import mmh3

from botify import fields
from botify.fields import BOTH_TEAMS, TEAM_A, TEAM_B
from botify.service.recommenders.base import Answer

SESSION = "session"
DAY = 24 * 3600


def team_to_play(session_seed: str, picks_a: int, picks_b: int) -> str:
    """The team whose track is played next: the one with fewer picks, or the session's coin for this round."""
    if picks_a != picks_b:
        return TEAM_A if picks_a < picks_b else TEAM_B
    coin = mmh3.hash(f"{session_seed}:{picks_a}", signed=False)
    return TEAM_A if coin % 2 == 0 else TEAM_B


def draft_session(session_seed: str, proposals) -> list[str]:
    """The teams played over one session, given each step's (track of A, track of B): the rule, by hand."""
    picks = {TEAM_A: 0, TEAM_B: 0}
    teams = []
    for track_a, track_b in proposals:
        if track_a == track_b:
            teams.append(BOTH_TEAMS)
            continue
        team = team_to_play(session_seed, picks[TEAM_A], picks[TEAM_B])
        picks[team] += 1
        teams.append(team)
    return teams


def session_seed(seed, experiment: str, user: int, session: int) -> str:
    return f"{seed}:{experiment}:{user}:{session}"


class DraftMemory:
    """Per listener: the number of their current session and each team's picks in it."""

    def __init__(self, client, experiment: str, ttl: int = DAY):
        self.redis, self.experiment, self.ttl = client, experiment, ttl

    def key(self, user: int) -> str:
        return f"draft:{self.experiment}:{user}"

    def read(self, user: int) -> tuple[int, int, int]:
        """(session number, picks of A, picks of B); a new listener is at session 0 with no picks."""
        values = self.redis.hmget(self.key(user), SESSION, TEAM_A, TEAM_B)
        session, picks_a, picks_b = (int(value or 0) for value in values)
        return session, picks_a, picks_b

    def pick(self, user: int, team: str) -> None:
        key = self.key(user)
        self.redis.pipeline().hincrby(key, team, 1).expire(key, self.ttl).execute()

    def end_session(self, user: int) -> None:
        """The next ``/next`` starts a new session: a new seed and no picks."""
        key = self.key(user)
        pipeline = self.redis.pipeline()
        pipeline.hincrby(key, SESSION, 1).hdel(key, TEAM_A, TEAM_B).expire(key, self.ttl).execute()


class InterleavedArms:
    """Serves an ``Interleaved`` experiment: both teams answer, the draft picks, the log gets both."""

    def __init__(self, store, experiment, seed):
        self.experiment, self.seed = experiment, seed
        self.teams = {team: recommender(store, seed=f"{seed}:{experiment.name}:{team}")
                      for team, recommender in zip(experiment.treatments, experiment.recommenders)}
        self.memory = DraftMemory(store.redis, experiment.name)

    def answer(self, user: int, prev_track: int, prev_track_time: float) -> tuple[Answer, dict]:
        """The played answer, and the fields the log adds: both candidates, their fallbacks, the team."""
        session, picks_a, picks_b = self.memory.read(user)
        a = self.teams[TEAM_A].answer(user, prev_track, prev_track_time)
        b = self.teams[TEAM_B].answer(user, prev_track, prev_track_time)
        if a.track == b.track:
            team, played = BOTH_TEAMS, Answer(a.track, a.fallback and b.fallback)
        else:
            seed = session_seed(self.seed, self.experiment.name, user, session)
            team = team_to_play(seed, picks_a, picks_b)
            played = a if team == TEAM_A else b
            self.memory.pick(user, team)
        return played, {fields.CANDIDATE_A: a.track, fields.CANDIDATE_B: b.track,
                        fields.FALLBACK_A: a.fallback, fields.FALLBACK_B: b.fallback, fields.TEAM: team}

    def end_session(self, user: int, last_track: int, last_track_time: float) -> None:
        for recommender in self.teams.values():
            recommender.end_session(user, last_track, last_track_time)
        self.memory.end_session(user)
