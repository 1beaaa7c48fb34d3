"""The torch contextual ranker on planted sessions: it beats the mean and ranks the mood first."""

import numpy as np
import pandas as pd
import pytest
import torch

from botify import fields
from botify.training import contextual, data, export, synthetic


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    log = tmp_path_factory.mktemp("log")
    synthetic.write_logs(log, n_sessions=500, seed=2)
    return data.contextual_pairs(data.read_events(log))


def test_split_is_seeded_and_complete(pairs):
    parts = contextual.split(pairs, seed=1)
    assert sum(map(len, parts)) == len(pairs)
    assert 0.7 < len(parts[0]) / len(pairs) < 0.9
    pd.testing.assert_frame_equal(parts[2], contextual.split(pairs, seed=1)[2])


def test_beats_the_mean_baseline_on_planted_data(pairs):
    result = contextual.train(pairs, n_tracks=200, dim=8, epochs=15, seed=0)
    assert result.test_mse < 0.9 * result.baseline_mse
    assert result.curve[result.best_epoch - 1] == min(result.curve)


def test_user_aware_variant_learns_the_listener_too(pairs):
    plain = contextual.train(pairs, n_tracks=200, dim=8, epochs=15, seed=0)
    aware = contextual.train(pairs, n_tracks=200, n_users=50, dim=8, epochs=15, seed=0)
    assert aware.test_mse < plain.test_mse


def test_training_is_repeatable_for_a_seed(pairs):
    first, second = (contextual.train(pairs, n_tracks=200, dim=4, epochs=2, seed=3) for _ in range(2))
    assert first.curve == second.curve


def test_vectors_rank_like_the_model(pairs):
    model = contextual.train(pairs, n_tracks=200, n_users=50, dim=4, epochs=2).model
    queries, items = model.vectors()
    start = torch.tensor([7])
    with torch.no_grad():
        scores = model.context(start) + model.user.weight.mean(0)
        expected = (scores @ model.track.weight.T + model.bias.weight.T).numpy()[0]
    np.testing.assert_allclose(queries[7] @ items.T, expected, rtol=1e-4, atol=1e-5)


def test_top_tracks_after_a_start_share_its_genre(pairs):
    """Planted: time is highest for tracks of the start track's genre (genre = id % 4)."""
    model = contextual.train(pairs, n_tracks=200, dim=8, epochs=30, seed=0).model
    starts = np.unique(pairs[fields.START])[:20]
    queries, items = model.vectors()
    top = export.top_k(queries[starts], items, k=10)
    assert np.mean(top % 4 == (starts % 4)[:, None]) > 0.6
