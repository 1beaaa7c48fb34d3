"""Beyond-accuracy list metrics and the MMR re-ranker, on hand-made lists whose answers are known."""

import numpy as np
import pytest

from botify.training import diversity

# tracks 0-5; artists: 0,1 -> a(0); 2,3 -> b(1); 4 -> c(2); 5 -> d(3); genres: a,b rock(0), c,d jazz(1)
ARTIST = np.array([0, 0, 1, 1, 2, 3])
GENRE = np.array([0, 0, 0, 0, 1, 1])
LISTS = np.array([[0, 1, 2, -1],  # artists a, a, b (padded)
                  [2, 4, 5, 3]])  # artists b, c, d, b


def test_as_matrix_pads_with_minus_one():
    ids, matrix = diversity.as_matrix({7: [1, 2], 3: [4]})
    assert ids.tolist() == [3, 7]
    assert matrix.tolist() == [[4, -1], [1, 2]]


def test_unique_artists_ignore_padding():
    assert diversity.unique_labels(LISTS, ARTIST) == pytest.approx((2 + 3) / 2)
    assert diversity.unique_labels(LISTS, ARTIST, k=1) == 1


def test_intra_list_diversity_is_the_share_of_differing_pairs():
    # list 1: pairs (a,a) (a,b) (a,b) -> 2/3; list 2: 6 pairs, only (b,b) the same -> 5/6
    assert diversity.intra_list_diversity(LISTS, ARTIST) == pytest.approx((2 / 3 + 5 / 6) / 2)
    assert diversity.intra_list_diversity([[0, 1]], ARTIST) == 0
    assert diversity.intra_list_diversity([[0, 4]], GENRE) == 1


def test_novelty_is_mean_self_information():
    counts = np.array([6, 0, 0, 0, 0, 0])  # smoothed shares: 7/12 and 1/12
    assert diversity.novelty([[0, 1]], counts) == pytest.approx((-np.log2(7 / 12) - np.log2(1 / 12)) / 2)


def test_coverage_and_popularity_bias():
    assert diversity.coverage(LISTS, n_tracks=6) == 1.0
    assert diversity.coverage(LISTS, n_tracks=6, k=1) == 2 / 6
    counts = np.array([5, 1, 0, 0, 0, 0])  # catalog mean 1
    assert diversity.popularity_bias([[0, 1]], counts) == 3.0


def test_mmr_with_lambda_one_keeps_the_relevance_order():
    assert diversity.mmr(LISTS, ARTIST, lam=1.0, k=3).tolist() == [[0, 1, 2], [2, 4, 5]]


def test_mmr_with_small_lambda_puts_another_artist_second():
    # candidates a, a, b: the second a is more relevant but repeats the artist
    assert diversity.mmr([[0, 1, 2]], ARTIST, lam=0.3, k=3).tolist() == [[0, 2, 1]]
    assert diversity.mmr([[0, 1, 2]], ARTIST, lam=0.9, k=3).tolist() == [[0, 1, 2]]


def test_mmr_with_artist_and_genre_prefers_another_genre():
    # after track 0 (a, rock): track 2 (b, rock) is half similar, track 4 (c, jazz) not at all
    assert diversity.mmr([[0, 2, 4]], [ARTIST, GENRE], lam=0.4, k=2).tolist() == [[0, 4]]


def test_mmr_pads_short_lists_and_checks_lambda():
    assert diversity.mmr([[3, -1, -1]], ARTIST, lam=0.5, k=2).tolist() == [[3, -1]]
    with pytest.raises(ValueError):
        diversity.mmr(LISTS, ARTIST, lam=1.5)
