"""The world files: contract layout, determinism, learnable structure, clear load errors."""

import json

import pytest

from sim.errors import OutputError, WorldError
from sim.generator import generate_world
from sim.world import load_world, save_world

FILES = ["catalog/tracks.jsonl", "world/embeddings.npy", "world/users.jsonl", "world/manifest.json"]


def test_same_seed_gives_byte_identical_files(tmp_path, world_dir):
    save_world(generate_world(seed=7, n_tracks=3000, n_users=400), tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (world_dir / name).read_bytes(), name


def test_another_seed_gives_another_world(tmp_path, world_dir):
    save_world(generate_world(seed=8, n_tracks=3000, n_users=400), tmp_path)
    assert (tmp_path / FILES[0]).read_bytes() != (world_dir / FILES[0]).read_bytes()


def test_catalog_rows_follow_the_contract(world_dir):
    rows = [json.loads(line) for line in (world_dir / "catalog/tracks.jsonl").read_text().splitlines()]
    assert [row["track"] for row in rows] == list(range(3000))
    for row in rows[:50]:
        assert list(row) == ["track", "artist", "title", "genre", "duration", "year"]
        assert isinstance(row["duration"], int) and 45 <= row["duration"] <= 1200
        assert isinstance(row["year"], int) and 1955 <= row["year"] <= 2025


def test_users_file_has_the_listener_parameters(world_dir):
    user = json.loads((world_dir / "world/users.jsonl").read_text().splitlines()[0])
    assert set(user) == {"user", "interests", "consume_bias", "consume_sharpness", "session_budget",
                         "artist_discount_gamma", "activity"}
    manifest = json.loads((world_dir / "world/manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["tracks"] == 3000 and manifest["users"] == 400


def test_a_missing_world_names_the_file_and_the_fix(tmp_path):
    with pytest.raises(WorldError, match=r"manifest.json is missing; generate a world first: sim world"):
        load_world(tmp_path)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("world/manifest.json", b"{not json", "not valid JSON"),
        ("world/users.jsonl", b'{"user": 0, "interests": "rock"}\n', "interests should be list"),
        ("world/embeddings.npy", b"garbage", "not a readable .npy"),
        ("catalog/tracks.jsonl", b'{"track": 0}\n', "size differs"),
        ("world/users.jsonl", None, "an interest names an unknown track"),
    ],
)
def test_a_damaged_file_is_one_clear_error(tmp_path, world_dir, name, content, message):
    for file in FILES:
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_bytes((world_dir / file).read_bytes())
    if content is None:  # the first user's interests point outside the catalog
        lines = (tmp_path / name).read_text().splitlines()
        user = json.loads(lines[0])
        user["interests"] = [10**6]
        content = "\n".join([json.dumps(user), *lines[1:]]).encode() + b"\n"
    (tmp_path / name).write_bytes(content)
    with pytest.raises(WorldError, match=message):
        load_world(tmp_path)


def test_an_unwritable_folder_is_an_output_error(tmp_path, world):
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="cannot write the world to"):
        save_world(world, tmp_path / "file")
