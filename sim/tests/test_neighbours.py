"""The nearest-artist search returns the best-scored tracks among the nearest artists of a genre."""

import numpy as np

from sim.neighbours import NEAREST_ARTISTS, ArtistIndex


def test_nearest_tracks_are_the_top_scores_of_the_nearest_artists(world):
    column = world.manifest["appeal_column"]
    content, appeal = world.embeddings[:, :column], world.appeal
    index = ArtistIndex(content, world.artist_of, world.genre_of)
    anchor = 17
    found = index.nearest(content[anchor], world.genre_of[anchor], appeal, 5)
    assert len(found) == 5 and anchor in found
    artists = set(world.artist_of[found])
    assert len(artists) <= NEAREST_ARTISTS
    pool = np.flatnonzero(np.isin(world.artist_of, list(artists)))
    scores = content[pool] @ content[anchor] + appeal[pool]
    assert set(pool[np.argsort(-scores)[:5]]) == set(found)
