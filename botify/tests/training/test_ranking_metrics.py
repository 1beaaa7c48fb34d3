"""Offline metrics of top lists and the shuffled TopPop baseline."""

import pytest

from botify.training import ranking_metrics

LISTS = {1: [10, 11, 12, 13], 2: [20, 21, 22, 23]}
RELEVANT = {1: {11, 13, 99}, 2: {40}, 3: {10}}  # user 3 has no list: a miss


def test_precision_counts_hits_in_the_first_k_over_users_with_answers():
    assert ranking_metrics.precision_at_k(LISTS, RELEVANT, k=2) == pytest.approx((1 / 2) / 3)
    assert ranking_metrics.precision_at_k(LISTS, RELEVANT, k=4) == pytest.approx((2 / 4) / 3)


def test_recall_divides_by_each_users_answers():
    assert ranking_metrics.recall_at_k(LISTS, RELEVANT, k=4) == pytest.approx((2 / 3) / 3)


def test_mrr_uses_the_first_relevant_rank():
    assert ranking_metrics.mrr(LISTS, RELEVANT) == pytest.approx((1 / 2) / 3)
    assert ranking_metrics.mrr(LISTS, RELEVANT, k=1) == 0.0


def test_coverage_is_the_share_of_the_catalogue_shown():
    assert ranking_metrics.coverage(LISTS, n_tracks=16) == 0.5
    assert ranking_metrics.coverage(LISTS, n_tracks=16, k=1) == 2 / 16


def test_shuffled_top_is_a_seeded_permutation_of_the_head():
    lists = ranking_metrics.shuffled_top(list(range(100)), users=[1, 2], k=10, seed=3)
    assert sorted(lists[1]) == list(range(10)) and sorted(lists[2]) == list(range(10))
    assert lists[1] != lists[2]
    assert lists == ranking_metrics.shuffled_top(list(range(100)), users=[1, 2], k=10, seed=3)


def test_report_names_every_metric():
    row = ranking_metrics.report(LISTS, RELEVANT, n_tracks=16, k=2)
    assert set(row) == {"precision@2", "recall@2", "mrr", "coverage"}


def test_empty_answers_score_zero():
    assert ranking_metrics.precision_at_k(LISTS, {}) == 0.0
