"""User-based CF: the neighbourhood formula on hand-made matrices, and the planted genres found."""

import numpy as np
import scipy.sparse as sp

from botify.analysis import load_events
from botify.training import data, lightfm_model, planted_logs, user_based

# listeners 0 and 1 share track 0; listener 2 shares nothing with anyone
LIKED = sp.csr_matrix(np.array([
    [1, 1, 0, 0],
    [1, 0, 1, 0],
    [0, 0, 0, 1],
]))


def test_similarity_is_the_cosine_of_two_listeners_without_themselves():
    weights = user_based.similarities(LIKED).toarray()
    np.testing.assert_allclose(weights, [[0, 0.5, 0], [0.5, 0, 0], [0, 0, 0]])


def test_only_the_k_most_similar_neighbours_are_kept():
    liked = sp.csr_matrix(np.array([[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 1]]))
    weights = user_based.similarities(liked, neighbours=1)
    assert np.diff(weights.indptr).tolist() == [1, 1, 1, 1]
    assert weights[0].indices.tolist() == [1]  # cos 0.82 beats 0.58 and 0.58


def test_scores_follow_the_neighbourhood_formula():
    weights = sp.csr_matrix(np.array([[0, 0.5, 0.25], [0.5, 0, 0], [0, 0, 0]]))
    scored = user_based.scores(LIKED, weights).toarray()
    # listener 0: (0.5 * row 1 + 0.25 * row 2) / 0.75
    np.testing.assert_allclose(scored[0], [0.5 / 0.75, 0, 0.5 / 0.75, 0.25 / 0.75])
    np.testing.assert_allclose(scored[2], 0)  # no neighbours, no scores


def test_top_k_ranks_excludes_and_fills_from_the_fallback_order():
    scored = sp.csr_matrix(np.array([[0.2, 0.9, 0.5, 0.0, 0.0], [0, 0, 0, 0, 0]]))
    exclude = sp.csr_matrix(np.array([[0, 1, 0, 0, 0], [0, 0, 0, 0, 1]]))
    top = user_based.top_k(scored, k=4, exclude=exclude, fill=[4, 2, 3, 0, 1])
    assert top.tolist() == [[2, 0, 4, 3], [2, 3, 0, 1]]
    assert user_based.top_k(scored, k=4).tolist()[1] == [-1, -1, -1, -1]


def test_neighbours_recommend_the_listeners_planted_genre(tmp_path):
    genres = planted_logs.write_logs(tmp_path / "log", n_sessions=600, seed=1)
    train, test = data.split_positives(load_events(tmp_path / "log"))
    built = lightfm_model.interactions(train, test, items=range(200))
    scored = user_based.scores(built.train, user_based.similarities(built.train, neighbours=10))
    top = user_based.top_k(scored, k=10, exclude=built.train)
    picked = top[top >= 0]
    rows = np.repeat(np.arange(len(top)), (top >= 0).sum(axis=1))
    own_genre = built.item_ids[picked] % 4 == genres[built.user_ids[rows]]
    assert own_genre.mean() > 0.9  # planted genres: 4, so chance is 0.25
