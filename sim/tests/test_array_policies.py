"""The array policies pick what their agents would, for many sessions at once."""

import numpy as np

from sim.array_policies import RandomPolicy, StickyArtistPolicy


def test_sticky_artist_policy_stays_with_the_artist(world):
    tracks = np.arange(0, world.n_tracks, 7)
    picked = StickyArtistPolicy(world, 1)(tracks, tracks, None)
    assert np.array_equal(world.artist_of[picked], world.artist_of[tracks])


def test_random_policy_gives_one_valid_track_per_session(world):
    picked = RandomPolicy(world.n_tracks, 0)(np.arange(500), None, None)
    assert picked.shape == (500,) and 0 <= picked.min() and picked.max() < world.n_tracks
