"""Where a session starts: the tracks nearest to an interest, found through the nearest artists.

Scoring every track of a genre for each new interest costs a few hundred
microseconds; listeners start sessions with music they know, so the search
first ranks the genre's artists by their centroid and then scores only the
tracks of the ``NEAREST_ARTISTS`` best ones. That keeps opening a session
around 30 microseconds, which the env's speed depends on.
"""

import numpy as np

NEAREST_ARTISTS = 8


class ArtistIndex:
    """Tracks grouped by artist, artists grouped by genre, with unit centroids."""

    def __init__(self, content, artist_of, genre_of):
        order = np.argsort(artist_of, kind="stable")
        counts = np.bincount(artist_of)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        self.tracks_of = np.split(order, starts[1:])
        centroids = np.add.reduceat(content[order], starts)
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        artist_genre = genre_of[order[starts]]
        self.genre_artists = [np.flatnonzero(artist_genre == g) for g in range(genre_of.max() + 1)]
        self.genre_centroids = [centroids[artists] for artists in self.genre_artists]
        self.content = content

    def nearest(self, taste, genre, appeal, k):
        """The ``k`` tracks of ``genre`` with the best score (content . taste + appeal)."""
        artists = self.genre_artists[genre]
        closeness = self.genre_centroids[genre] @ taste
        if len(artists) > NEAREST_ARTISTS:
            artists = artists[np.argpartition(-closeness, NEAREST_ARTISTS - 1)[:NEAREST_ARTISTS]]
        pool = np.concatenate([self.tracks_of[a] for a in artists.tolist()])
        scores = self.content[pool] @ taste + appeal[pool]
        k = min(k, len(pool))
        return np.sort(pool[np.argpartition(-scores, k - 1)[:k]])
