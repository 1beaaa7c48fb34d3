"""StickyArtistImproved: StickyArtist that stops repeating mistakes (homework 1, worked example).

StickyArtist plays the artist just heard, forever. This one sticks to an
artist only right after one of their tracks was liked, and for one more
track: the listener's interest in an artist fades with every play. Then it
moves to another artist of the Contextual list of the last liked track. It
never plays a track twice in a session, never again plays an artist whose
track was disliked, and after ``FAILURES`` dislikes in a row it gives up on
its own rules and answers as Contextual does. See README.md beside this file.
"""

from botify.service.experiment import Experiment
from botify.service.recommenders.contextual import Contextual


class StickyArtistImproved(Contextual):
    """One more track by a liked artist, then a new artist from the Contextual list; Contextual after
    failures.

    State (``self.state``, namespace ``StickyArtistImproved``), all forgotten when the session ends:
        avoid:<user>     set      tracks not to play: played, disliked, and the artists used up or disliked
        liked:<user>     list     the session's liked tracks, newest first (new artists are looked for
                                  near the newest)
        failures:<user>  counter  dislikes in a row
    """

    DISLIKED = 0.2  # listened at most this share: disliked, a failure
    LIKED = 0.8  # listened at least this share: liked, worth one more track by the artist
    FAILURES = 3  # dislikes in a row before answering as Contextual (sweep.py: fewer is worse here)

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        artist = self.store.artist_tracks_of(prev_track) or []
        failures = self._listened(user, prev_track, prev_track_time, artist)
        avoid = self.state.members("avoid", user)
        if failures >= self.FAILURES:
            return self._contextual(prev_track, avoid)
        if prev_track_time >= self.LIKED:
            same = [track for track in artist if track not in avoid]
            if same:
                self.state.add("avoid", user, *artist)  # diversity: the artist is used up after this track
                return self.random.choice(same)
            anchor = prev_track
        else:
            anchor = (self.state.recent("liked", user, 1) or [prev_track])[0]
        return self._contextual(anchor, avoid)

    def end_session(self, user: int, last_track: int, last_track_time: float) -> None:
        for name in ("avoid", "liked", "failures"):
            self.state.forget(name, user)

    def _listened(self, user, track, time, artist):
        """Record what the listener did with ``track``; return the dislikes in a row so far."""
        if time <= self.DISLIKED:
            self.state.add("avoid", user, track, *artist)
            return self.state.increment("failures", user)
        self.state.add("avoid", user, track)
        self.state.forget("failures", user)
        if time >= self.LIKED:
            self.state.push("liked", user, track)
        return 0

    def _contextual(self, track, avoid):
        """Contextual's answer for ``track`` without the tracks to avoid (all of its list if none is left)."""
        tracks = self.store.tracks_for(self.ARTIFACT, track) or []
        return self.pick([other for other in tracks if other not in avoid] or tracks)


EXPERIMENTS = [Experiment("HW1", Contextual, StickyArtistImproved)]
