"""TwoStage ranks the candidates of the track just heard with the listener's vector, in numpy."""

import json

import pytest

from botify.service.loading.artifacts import load_artifact
from botify.service.loading.catalog import load_catalog
from botify.service.recommenders.two_stage import TwoStage
from botify.service.store import Store, connect


class Best(TwoStage):
    TOP_K = 1  # the single best candidate, so the ranking itself is visible


@pytest.fixture
def store(redis_url, data_dir, tmp_path):
    """Track 0's candidates 1, 2, 3 point three ways; user 7 likes direction y, user 8 direction z."""
    client = connect(redis_url)
    load_catalog(client, data_dir / "catalog" / "tracks.jsonl")
    rows = [{"table": "candidates", "id": 0, "tracks": [1, 2, 3]},
            {"table": "context", "id": 0, "vector": [1.0, 0.0, 0.0]},
            {"table": "user", "id": 7, "vector": [-1.0, 2.0, 0.0]},
            {"table": "user", "id": 8, "vector": [-1.0, 0.0, 2.0]},
            {"table": "item", "id": 1, "vector": [1.0, 0.0, 0.0], "bias": 0.0},
            {"table": "item", "id": 2, "vector": [0.0, 1.0, 0.0], "bias": 0.0},
            {"table": "item", "id": 3, "vector": [0.0, 0.0, 1.0], "bias": 0.1}]
    path = tmp_path / "two_stage.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    load_artifact(client, path, 30)
    yield Store(client)
    client.close()


def test_each_listener_gets_the_candidate_that_fits_them(store):
    recommender = Best(store, seed=0)
    assert recommender.answer(7, 0, 1.0) == (2, False)  # <ctx + user7, item2> = 2 is the best
    assert recommender.answer(8, 0, 1.0) == (3, False)  # <ctx + user8, item3> + 0.1 = 2.1


def test_a_listener_the_model_never_saw_gets_the_context_ranking(store):
    assert Best(store, seed=0).answer(12345, 0, 1.0) == (1, False)  # <ctx, item1> = 1 beats 0 and 0.1


def test_answers_come_from_the_top_k_candidates(store):
    recommender = TwoStage(store, seed=0)  # TOP_K = 10 > 3 candidates: any candidate, never another track
    assert {recommender.answer(user, 0, 0.5).track for user in range(40)} == {1, 2, 3}


def test_a_track_without_candidates_falls_back(store):
    answer = TwoStage(store, seed=0).answer(7, 5, 1.0)
    assert answer.fallback and 0 <= answer.track < 30
