"""The ceiling: an agent that reads the hidden world and the listener's rules.

It infers the session's interest from the first track (the first track is one
of the interest's nearest tracks), then always plays the unplayed track with
the highest discounted score. No recommender that learns from logs can beat
it, so the gap to it is the room left to improve.
"""

import numpy as np

from sim.agents.base import Agent


class OracleAgent(Agent):
    """Greedy best track for the session's true taste, artist discount included."""

    def __init__(self, listeners, shortlist=300):
        self.model = listeners
        self.shortlist = shortlist
        self.sessions = {}

    def start(self, user, track):
        anchor = self._interest(user, track)
        all_scores = self.model.scores(slice(None), self.model.content[anchor])
        size = min(self.shortlist, len(all_scores))
        best = np.argpartition(-all_scores, size - 1)[:size]
        self.sessions[user] = state = {
            "tracks": best, "value": all_scores[best].astype(np.float64),
            "artists": self.model.world.artist_of[best],
            "gamma": float(self.model.world.users["artist_discount_gamma"][user]), "played": set(),
        }
        self._listened(state, track, 1.0)

    def _interest(self, user, track):
        interests = [int(a) for a in self.model.world.users["interests"][user] if a >= 0]
        for anchor in interests:
            if track in self.model.first_candidates(anchor):
                return anchor
        return interests[0]

    def _listened(self, state, track, time):
        """Keep each shortlisted track's discounted value current: played -> -1, same artist -> * gamma."""
        if track in state["played"]:
            return
        state["played"].add(track)
        if time > 0:
            state["value"][state["artists"] == self.model.artist_of[track]] *= state["gamma"]
        state["value"][state["tracks"] == track] = -1.0

    def next(self, user, track, time):
        state = self.sessions[user]
        self._listened(state, track, time)
        return int(state["tracks"][int(np.argmax(state["value"]))])

    def last(self, user, track, time):
        self.sessions.pop(user, None)
