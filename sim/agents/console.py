"""A person at the keyboard plays the recommender: read the listener's reaction, pick a track.

It is how a learner feels the listener model before writing code: type a
track id, ``/word`` to search titles, artists and genres, or Enter for a
random track.
"""

import numpy as np

from sim.agents.base import Agent

PROMPT = "next track id (Enter = random, /word = search): "


class ConsoleAgent(Agent):
    """Shows each listened track and asks the person for the next one."""

    def __init__(self, catalog, seed=0, ask=input, say=print):
        self.catalog = catalog
        self.rng = np.random.default_rng(seed)
        self.ask, self.say = ask, say

    def describe(self, track):
        row = self.catalog[track]
        return (f"#{track} {row['artist']} - {row['title']} "
                f"[{row['genre']}, {row['year']}, {row['duration'] // 60}:{row['duration'] % 60:02d}]")

    def start(self, user, track):
        self.say(f"\nuser {user} starts a session with {self.describe(track)}")

    def next(self, user, track, time):
        self.say(f"  listened {time:.2f} of {self.describe(track)}")
        while True:
            answer = self.ask(PROMPT).strip()
            if not answer:
                return int(self.rng.integers(len(self.catalog)))
            if answer.startswith("/"):
                self._search(answer[1:].lower())
            elif answer.isdigit() and int(answer) < len(self.catalog):
                return int(answer)
            else:
                self.say(f"  not a track id in 0..{len(self.catalog) - 1}")

    def _search(self, word, limit=10):
        found = [row["track"] for row in self.catalog
                 if word in f"{row['artist']} {row['title']} {row['genre']}".lower()][:limit]
        for track in found:
            self.say("    " + self.describe(track))
        if not found:
            self.say("    nothing found")

    def last(self, user, track, time):
        self.say(f"  listened {time:.2f} of {self.describe(track)}\nsession over: the listener left")
