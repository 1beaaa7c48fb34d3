"""Every recommender honours the contract; each built-in one does its own job and falls back without data."""

import json

import pytest

from botify.service.loading.artifacts import KINDS, PER_TRACK, PER_USER, POPULARITY, TWO_STAGE, load_artifact
from botify.service.loading.catalog import load_catalog
from botify.service.recommenders import discover
from botify.service.recommenders.collaborative import Collaborative
from botify.service.recommenders.contextual import Contextual
from botify.service.recommenders.random_track import Random
from botify.service.recommenders.sticky_artist import StickyArtist
from botify.service.recommenders.top_pop import TopPop
from botify.service.store import Store, connect

RECOMMENDERS = discover()
READS_DATA = sorted(name for name, cls in RECOMMENDERS.items() if cls.ARTIFACT)

# an artifact of each kind, with some ids outside the 30-track catalog mixed in
ARTIFACT_TEXT = {
    POPULARITY: json.dumps([29, 28, 999, 27]),
    PER_USER: "\n".join(json.dumps({"user": user, "tracks": [user % 30, 5000]}) for user in range(5)),
    PER_TRACK: "\n".join(json.dumps({"track": track, "tracks": [(track + 1) % 30]}) for track in range(30)),
    TWO_STAGE: "\n".join(
        [json.dumps({"table": "candidates", "id": t, "tracks": [(t + 1) % 30, (t + 2) % 30, 5000]})
         for t in range(30)]
        + [json.dumps({"table": table, "id": t, "vector": [t / 30, 1 - t / 30]})
           for table in ("context", "user") for t in range(30)]
        + [json.dumps({"table": "item", "id": t, "vector": [1.0, -1.0], "bias": t / 100})
           for t in range(30)]),
}


@pytest.fixture
def store(redis_url, data_dir):
    client = connect(redis_url)
    load_catalog(client, data_dir / "catalog" / "tracks.jsonl")
    yield Store(client)
    client.close()


@pytest.fixture
def artifacts(store, tmp_path):
    """Every discovered recommender gets the artifact it declares (``ARTIFACT``, of ``ARTIFACT_KIND``),
    so a new recommender's data path is tested, not only its fallback."""
    for cls in RECOMMENDERS.values():
        if cls.ARTIFACT:
            path = tmp_path / f"{cls.ARTIFACT}{'.json' if cls.ARTIFACT_KIND == POPULARITY else '.jsonl'}"
            path.write_text(ARTIFACT_TEXT[cls.ARTIFACT_KIND] + "\n")
            load_artifact(store.redis, path, store.catalog_size())


def test_discovery_finds_every_built_in_recommender():
    assert {Random, TopPop, StickyArtist, Collaborative, Contextual} <= set(RECOMMENDERS.values())


@pytest.mark.parametrize("name", sorted(RECOMMENDERS))
def test_contract_a_recommender_that_reads_data_says_which_and_of_what_kind(name):
    cls = RECOMMENDERS[name]
    assert (cls.ARTIFACT is None) == (cls.ARTIFACT_KIND is None)
    assert cls.ARTIFACT_KIND is None or cls.ARTIFACT_KIND in KINDS


@pytest.mark.parametrize("name", READS_DATA)
def test_contract_answers_from_data_are_not_fallbacks_and_answers_without_are(store, request, name):
    def answers():
        recommender = RECOMMENDERS[name](store, seed=2)
        return [recommender.answer(user, 0, 0.5) for user in range(3)]

    assert all(answer.fallback for answer in answers())  # nothing uploaded yet
    request.getfixturevalue("artifacts")
    assert not any(answer.fallback for answer in answers())  # users 0-2 and track 0 are covered


@pytest.mark.parametrize("recommender", [Random, StickyArtist])
def test_policies_that_need_no_artifact_never_report_a_fallback(store, recommender):
    assert not any(recommender(store, seed=0).answer(user, user % 30, 1.0).fallback for user in range(30))


@pytest.mark.parametrize("name", sorted(RECOMMENDERS))
@pytest.mark.parametrize("with_data", [True, False], ids=["with-data", "without-data"])
def test_contract_always_a_known_track(request, store, name, with_data):
    if with_data:
        request.getfixturevalue("artifacts")
    recommender = RECOMMENDERS[name](store, seed=1)
    for user in range(20):
        track = recommender.recommend_next(user, user % 30, 0.5)
        assert type(track) is int and 0 <= track < 30


@pytest.mark.parametrize("name", sorted(RECOMMENDERS))
def test_contract_deterministic_under_a_seed(store, artifacts, name):
    def run(seed):
        recommender = RECOMMENDERS[name](store, seed=seed)
        return [recommender.recommend_next(user, user % 30, 0.9) for user in range(30)]

    assert run(3) == run(3)


@pytest.mark.parametrize("name", sorted(RECOMMENDERS))
def test_contract_the_same_request_gets_the_same_answer_in_any_worker(store, artifacts, name):
    def answers(recommender):
        return [recommender.answer(user, user % 30, 0.25) for user in range(30)]

    one_worker, another = RECOMMENDERS[name](store, seed=5), RECOMMENDERS[name](store, seed=5)
    first = answers(one_worker)
    one_worker.recommend_next(0, 0, 1.0)  # a worker that served other requests in between
    assert answers(one_worker) == first == answers(another)


def test_random_answers_depend_on_the_seed_and_the_request(store):
    answers = {seed: [Random(store, seed=seed).answer(user, 0, 1.0) for user in range(30)] for seed in (5, 6)}
    assert answers[5] != answers[6]
    assert len(set(answers[5])) > 10


def test_random_covers_the_catalog(store):
    recommender = Random(store, seed=0)
    assert len({recommender.recommend_next(1, 0, 1.0) for _ in range(600)}) == 30


def test_top_pop_answers_only_known_popular_tracks(store, artifacts):
    recommender = TopPop(store, seed=0)
    assert {recommender.recommend_next(user, 0, 1.0) for user in range(100)} == {27, 28, 29}


def test_sticky_artist_stays_with_the_artist_of_the_previous_track(store):
    recommender = StickyArtist(store, seed=0)
    answers = {recommender.recommend_next(1, 4, 1.0) for _ in range(100)}
    assert answers == {14, 24}  # artist 4's other tracks


def test_sticky_artist_with_a_single_track_artist_replays_it(redis_url, tmp_path, write_catalog):
    client = connect(redis_url)
    load_catalog(client, write_catalog(tmp_path, tracks=3, artists=3))
    assert StickyArtist(Store(client), seed=0).recommend_next(1, 2, 1.0) == 2
    client.close()


def test_collaborative_serves_the_users_list_and_falls_back_for_others(store, artifacts):
    recommender = Collaborative(store, seed=0)
    assert {recommender.recommend_next(3, 0, 1.0) for _ in range(20)} == {3}  # 5000 is not in the catalog
    assert len({recommender.recommend_next(7, 0, 1.0) for _ in range(100)}) > 5  # no list: random


def test_contextual_serves_the_previous_tracks_list(store, artifacts):
    recommender = Contextual(store, seed=0)
    assert [recommender.recommend_next(1, track, 1.0) for track in (0, 10, 29)] == [1, 11, 0]


def test_a_subclass_serves_another_artifact(store, artifacts, tmp_path):
    class Other(Contextual):
        ARTIFACT = "other"

    (tmp_path / "other.jsonl").write_text(json.dumps({"track": 0, "tracks": [17]}) + "\n")
    load_artifact(store.redis, tmp_path / "other.jsonl", 30)
    assert Other(store, seed=0).recommend_next(1, 0, 1.0) == 17


def test_ids_outside_the_catalog_are_never_answered_even_if_stored(store):
    store.redis.hset("artifact:contextual", mapping={0: "[999, 998, 5]", 1: "[999]"})  # bypassing the loader
    recommender = Contextual(store, seed=0)
    assert {recommender.recommend_next(1, 0, 1.0) for _ in range(30)} == {5}
    assert all(0 <= recommender.recommend_next(1, 1, 1.0) < 30 for _ in range(30))
