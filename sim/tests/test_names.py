"""Catalog names: unique artists (the catalog promises it), readable titles, seeded."""

import numpy as np

from sim.names import artist_names, track_titles


def test_artist_names_are_unique_even_when_combinations_run_out():
    names = artist_names(np.random.default_rng(0), 20000)
    assert len(set(names)) == 20000


def test_titles_are_one_to_four_title_case_words_and_seeded():
    titles = track_titles(np.random.default_rng(1), 500)
    assert all(1 <= len(t.split()) <= 4 and t == t.title() for t in titles)
    assert all(len(set(t.split())) == len(t.split()) for t in titles)
    assert titles == track_titles(np.random.default_rng(1), 500)
