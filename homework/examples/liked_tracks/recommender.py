"""LikedTracks: play what other fans of the track just liked went on to like (homework 1, worked example).

While sessions run, botify remembers in Redis who liked what (listened to at
least ``THRESHOLD`` of it). After each request it takes the session's last
liked track (the one just heard, if it was liked) and asks a few other fans
of that track what they liked right after it; one of those tracks is
played. With no fan to ask, it plays from that track's Contextual list.
Either way it never repeats a track in a session and avoids the artists of
tracks listened to less than ``THRESHOLD``. See README.md beside this file.
"""

from botify.service.experiment import Experiment
from botify.service.recommenders.contextual import Contextual


class LikedTracks(Contextual):
    """Fans' next likes first, then the Contextual list of the last liked track; all cheap Redis reads.

    State (``self.state``, namespace ``LikedTracks``):
        liked:<user>   list   tracks the listener liked, newest first (kept a day: it is what fans share)
        fans:<track>   set    listeners who liked the track
        avoid:<user>   set    this session's played tracks and every track of an artist it skipped
    """

    THRESHOLD = 0.68  # listened at least this share: liked; less: skipped (ternary search in tune.py)
    FANS = 3  # fans asked per request
    FOLLOWERS = 3  # tracks each fan liked right after the shared track

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        if prev_track_time >= self.THRESHOLD:
            anchor = self._liked(user, prev_track)
        else:
            anchor = self._skipped(user, prev_track)
        avoid, followers = self._avoid_and_fans_next(user, anchor)
        followers = [track for track in followers if track not in avoid]
        if followers:
            return self.random.choice(sorted(set(followers)))
        tracks = self.store.tracks_for(self.ARTIFACT, anchor) or []
        return self.pick([track for track in tracks if track not in avoid] or tracks)

    def end_session(self, user: int, last_track: int, last_track_time: float) -> None:
        self.state.forget("avoid", user)  # liked and fans stay: other listeners learn from them

    def _liked(self, user, track):
        """Remember the like (the listener's list, the track's fans); the track is the new anchor."""
        self.state.add("avoid", user, track)
        self.state.push("liked", user, track)
        self.state.add("fans", track, user)
        return track

    def _skipped(self, user, track):
        """Avoid the track's artist from now on; the anchor stays the session's last liked track."""
        self.state.add("avoid", user, track, *(self.store.artist_tracks_of(track) or []))
        last_liked = self.state.recent("liked", user, 1)  # the first track always counts as liked (time 1.0)
        return last_liked[0] if last_liked else track

    def _avoid_and_fans_next(self, user, track):
        """(tracks to avoid, what up to ``FANS`` fans of ``track`` liked right after it), in two round trips.

        The listener counts as a fan too: what they liked after ``track`` in an earlier session.
        """
        pipeline = self.state.redis.pipeline(transaction=False)
        pipeline.smembers(self.state.key("avoid", user)).smembers(self.state.key("fans", track))
        avoid, fans = pipeline.execute()
        asked = self.random.sample(sorted(int(fan) for fan in fans), min(self.FANS, len(fans)))
        for fan in asked:
            pipeline.lrange(self.state.key("liked", fan), 0, -1)
        followers = []
        for liked in pipeline.execute():
            liked = [int(value) for value in liked]  # newest first: what came after track is before it
            if track in liked:
                at = liked.index(track)
                followers += liked[max(0, at - self.FOLLOWERS):at]
        return {int(value) for value in avoid}, followers


EXPERIMENTS = [Experiment("HW1", Contextual, LikedTracks)]
