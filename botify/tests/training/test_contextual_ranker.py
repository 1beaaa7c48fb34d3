"""The torch contextual ranker on planted sessions: it beats the mean and ranks the mood first."""

import numpy as np
import pandas as pd
import pytest
import torch

from botify import fields
from botify.analysis import load_events
from botify.training import contextual_ranker, data, export, planted_logs

FAST = {"lr": 0.03, "weight_decay": 0.1}  # the planted logs are small and dense


@pytest.fixture(scope="module")
def pairs(tmp_path_factory):
    log = tmp_path_factory.mktemp("log")
    planted_logs.write_logs(log, n_sessions=500, seed=2)
    return data.contextual_pairs(load_events(log))


def test_split_is_seeded_and_complete(pairs):
    parts = contextual_ranker.split(pairs, seed=1)
    assert sum(map(len, parts)) == len(pairs)
    assert 0.7 < len(parts[0]) / len(pairs) < 0.9
    pd.testing.assert_frame_equal(parts[2], contextual_ranker.split(pairs, seed=1)[2])


def test_beats_the_mean_baseline_on_planted_data(pairs):
    result = contextual_ranker.train(pairs, n_tracks=200, dim=8, epochs=15, seed=0, **FAST)
    assert result.test_mse < 0.9 * result.baseline_mse
    assert result.curve[result.best_epoch - 1] == min(result.curve)


def test_user_aware_variant_learns_the_listener_too(pairs):
    plain = contextual_ranker.train(pairs, n_tracks=200, dim=8, epochs=15, seed=0, **FAST)
    aware = contextual_ranker.train(pairs, n_tracks=200, n_users=50, dim=8, epochs=15, seed=0, **FAST)
    assert aware.test_mse < plain.test_mse


def test_training_is_repeatable_for_a_seed(pairs):
    first, second = (contextual_ranker.train(pairs, n_tracks=200, dim=4, epochs=2, seed=3, **FAST)
                     for _ in range(2))
    assert first.curve == second.curve


@pytest.mark.parametrize("n_users", [0, 50])
def test_vectors_rank_like_the_model(pairs, n_users):
    codes = {"artists": np.arange(200) % 20, "genres": np.arange(200) % 4}
    model = contextual_ranker.train(pairs, n_tracks=200, n_users=n_users, dim=4, epochs=2, **FAST,
                                    **codes).model
    queries, items = model.vectors()
    with torch.no_grad():
        scores = model(torch.full((200,), 7), torch.arange(200), torch.zeros(200, dtype=torch.int64))
        if n_users:  # the lists use the average listener
            scores += ((model.user.weight.mean(0) - model.user.weight[0])
                       @ model._sum(model.candidate, torch.arange(200)).T)
        expected = (scores - model.mean).numpy()
    np.testing.assert_allclose(queries[7] @ items.T, expected, rtol=1e-4, atol=1e-5)


def test_artist_and_genre_levels_give_unseen_tracks_a_context(pairs):
    seen = set(pairs[fields.START])
    unseen = next(track for track in range(200) if track not in seen)
    codes = {"artists": np.arange(200) % 20, "genres": np.arange(200) % 4}
    model = contextual_ranker.train(pairs, n_tracks=200, dim=8, epochs=20, seed=0, **FAST, **codes).model
    queries, items = model.vectors()
    top = export.top_k(queries[[unseen]], items, k=10)[0]
    assert np.mean(top % 4 == unseen % 4) > 0.6


def test_top_tracks_after_a_start_share_its_genre(pairs):
    """Planted: time is highest for tracks of the start track's genre (genre = id % 4)."""
    model = contextual_ranker.train(pairs, n_tracks=200, dim=8, epochs=20, seed=0, **FAST).model
    starts = np.unique(pairs[fields.START])[:20]
    queries, items = model.vectors()
    top = export.top_k(queries[starts], items, k=10)
    assert np.mean(top % 4 == (starts % 4)[:, None]) > 0.6


def test_training_with_a_bar_counts_every_epoch_it_ran(pairs, capsys):
    result = contextual_ranker.train(pairs, n_tracks=200, dim=4, epochs=30, patience=1, seed=0, progress=True,
                                     lr=0.3, weight_decay=0.1)
    said = capsys.readouterr().err.split("\r")[-1]
    assert len(result.curve) < 30, "the planted case should stop early"
    assert f"stopped early at epoch {len(result.curve)}/30" in said and "100%" in said
