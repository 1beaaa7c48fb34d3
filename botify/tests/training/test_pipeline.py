"""The jobs behind ``botify train``: what each artifact holds and leaves out."""

import numpy as np
import pytest

from botify import fields
from botify.analysis import load_events
from botify.errors import TrainingError
from botify.training import data, export, pipeline, planted_logs


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("world")
    genres = planted_logs.write_logs(root / "log", n_sessions=600, seed=6)
    planted_logs.write_catalog(root / "data", planted_logs.planted_catalog())
    return root, genres


def quiet(*_):
    """Swallow progress lines."""


@pytest.mark.parametrize("exclude", ["seen", "skipped"])
def test_excluded_tracks_never_appear_in_the_lists(world, exclude, tmp_path):
    root, _ = world
    out = tmp_path / "collaborative.jsonl"
    pipeline.collaborative(root / "log", root / "data", out, trials=0, epochs=3, exclude=exclude, say=quiet)
    events = load_events(root / "log")
    banned = events if exclude == "seen" else data.skipped(events)
    lists = export.read_lists(out)
    for user, tracks in data.as_sets(banned).items():
        assert not tracks & set(lists[user])


def test_collaborative_lists_favour_each_listeners_genre(world, tmp_path):
    root, genres = world
    out = tmp_path / "collaborative.jsonl"
    summary = pipeline.collaborative(root / "log", root / "data", out, trials=2, epochs=15, seed=1, say=quiet)
    assert summary["precision@10"] > summary["popularity_precision@10"]
    lists = export.read_lists(out)
    matches = [np.mean(np.array(tracks[:10]) % 4 == genres[user]) for user, tracks in lists.items()]
    assert np.mean(matches) > 0.6  # random lists would give 0.25


def test_user_ids_missing_from_the_logs_get_the_most_liked_tracks(tmp_path):
    planted_logs.write_logs(tmp_path / "log", n_users=30, n_sessions=40, seed=2)
    planted_logs.write_catalog(tmp_path / "data", planted_logs.planted_catalog())
    events = load_events(tmp_path / "log")
    seen = set(events[fields.USER])
    out = tmp_path / "collaborative.jsonl"
    pipeline.collaborative(tmp_path / "log", tmp_path / "data", out, trials=0, epochs=2, say=quiet)
    lists = export.read_lists(out)
    assert set(lists) == set(range(max(seen) + 1)) and len(seen) < len(lists)
    top = data.top_tracks(events)
    assert all(lists[user] == top for user in set(lists) - seen)
    plain = tmp_path / "plain.jsonl"
    pipeline.collaborative(tmp_path / "log", tmp_path / "data", plain, trials=0, epochs=2, cold_start=False,
                           say=quiet)
    assert set(export.read_lists(plain)) == seen


def test_unknown_exclude_is_refused(world):
    root, _ = world
    with pytest.raises(ValueError, match="exclude"):
        pipeline.collaborative(root / "log", root / "data", exclude="all", say=quiet)


def test_contextual_lists_cover_every_catalog_track_and_skip_it(world, tmp_path):
    root, _ = world
    out = tmp_path / "contextual.jsonl"
    options = {"lr": 0.03, "weight_decay": 0.1}
    summary = pipeline.contextual_lists(root / "log", root / "data", out, epochs=5, dim=8, options=options,
                                        say=quiet)
    lists = export.read_lists(out)
    assert sorted(lists) == list(range(200))
    assert all(start not in tracks and len(tracks) == 100 for start, tracks in lists.items())
    assert summary["test_mse"] < summary["baseline_mse"]


def test_no_positives_is_a_clear_error(world):
    root, _ = world
    with pytest.raises(TrainingError, match="more than 1.0"):
        pipeline.collaborative(root / "log", root / "data", threshold=1.0, say=quiet)


def test_two_stage_serves_the_ranking_the_model_learnt(tmp_path, redis_client):
    """Through the service's own loader and recommender: the best candidate for a listener is the model's."""
    import torch

    from botify.service.loading.artifacts import load_artifact
    from botify.service.store import Store

    planted_logs.write_logs(tmp_path / "log", n_sessions=300, seed=4)
    planted_logs.write_catalog(tmp_path / "data", planted_logs.planted_catalog())
    summary = pipeline.two_stage(tmp_path / "log", tmp_path / "data", epochs=3, dim=8, say=lambda *_: None)
    load_artifact(redis_client, summary["out"], catalog_size=200)
    store, model = Store(redis_client), summary["model"]
    for user, track in [(3, 10), (17, 42), (40, 199)]:
        candidates, context, user_vector = store.two_stage_query("two_stage", track, user)
        items = store.item_vectors("two_stage", candidates)
        served = items[:, :-1] @ (context + user_vector) + items[:, -1]
        with torch.no_grad():
            learnt = model(torch.full((len(candidates),), track), torch.tensor(candidates),
                           torch.full((len(candidates),), user)).numpy()
        assert np.argmax(served) == np.argmax(learnt)
        np.testing.assert_allclose(served - served.mean(), learnt - learnt.mean(), atol=1e-3)
