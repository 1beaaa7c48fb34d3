"""``botify train lightfm|contextual|top`` end to end on planted logs, and its errors."""

import json

import pytest

from botify import cli
from botify.training import export, planted_logs


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("world")
    planted_logs.write_logs(root / "log", n_sessions=300, seed=5)
    planted_logs.write_catalog(root / "data", planted_logs.planted_catalog())
    return root


def train(world, *argv):
    return cli.main(["train", *argv, "--logs", str(world / "log"), "--data", str(world / "data")])


def test_lightfm_writes_per_user_lists_and_prints_the_comparison(world, capsys):
    assert train(world, "lightfm", "--trials", "2", "--epochs", "3", "--projector", str(world / "tb")) == 0
    lists = export.read_lists(world / "data" / "artifacts" / "collaborative.jsonl")
    assert len(lists) == 50 and all(len(tracks) == 100 for tracks in lists.values())
    printed = capsys.readouterr().out
    assert "LightFM precision@10" in printed and "popularity precision@10" in printed
    assert (world / "tb" / "projector_config.pbtxt").exists()


def test_lightfm_without_item_features_and_an_explicit_out(world):
    out = world / "plain.jsonl"
    assert train(world, "lightfm", "--trials", "0", "--epochs", "2", "--no-item-features",
                 "--out", str(out)) == 0
    assert json.loads(out.read_text().splitlines()[0]).keys() == {"user", "tracks"}


def test_contextual_writes_per_track_lists(world, capsys):
    assert train(world, "contextual", "--epochs", "3", "--dim", "8", "--user-aware") == 0
    lists = export.read_lists(world / "data" / "artifacts" / "contextual.jsonl")
    assert all(track not in tracks for track, tracks in lists.items())
    assert "mean baseline MSE" in capsys.readouterr().out


def test_top_writes_the_popularity_array(world):
    assert train(world, "top", "--size", "7") == 0
    top = json.loads((world / "data" / "artifacts" / "top_tracks.json").read_text())
    assert len(top) == 7 and len(set(top)) == 7


def test_missing_logs_are_one_line_and_exit_2(tmp_path, capsys):
    assert cli.main(["train", "top", "--logs", str(tmp_path / "nowhere")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("botify train: error: ") and "nowhere" in error and error.count("\n") == 1


def test_logs_of_another_world_are_refused(world, tmp_path, capsys):
    planted_logs.write_catalog(tmp_path, planted_logs.planted_catalog(n_tracks=20))
    argv = ["train", "lightfm", "--logs", str(world / "log"), "--data", str(tmp_path), "--trials", "0"]
    assert cli.main(argv) == 2
    assert "different worlds" in capsys.readouterr().err


def test_two_stage_writes_candidates_and_vectors(world, capsys):
    assert train(world, "two-stage", "--epochs", "2", "--dim", "8") == 0
    rows = [json.loads(line)
            for line in (world / "data" / "artifacts" / "two_stage.jsonl").read_text().splitlines()]
    tables = {}
    for row in rows:
        tables.setdefault(row["table"], []).append(row)
    assert len(tables["candidates"]) == len(tables["context"]) == len(tables["item"]) == 200
    assert 0 < len(tables["user"]) <= 50 and len(tables["item"][0]["vector"]) == 8
    assert "mean baseline MSE" in capsys.readouterr().out
