"""`sim world`: writes the catalog and the hidden world, refuses impossible sizes in one line."""

from sim.cli import main
from sim.world import load_world


def test_writes_a_loadable_world_and_says_what_it_made(tmp_path, capsys):
    assert main(["world", "--out", str(tmp_path), "--seed", "3", "--tracks", "400", "--users", "30"]) == 0
    world = load_world(tmp_path)
    assert (world.n_tracks, world.n_users, world.manifest["seed"]) == (400, 30, 3)
    assert "400 tracks" in capsys.readouterr().out


def test_too_small_sizes_are_one_line_and_exit_2(tmp_path, capsys):
    assert main(["world", "--out", str(tmp_path), "--tracks", "5"]) == 2
    assert capsys.readouterr().err == "sim world: error: a world needs at least 20 tracks and 1 user\n"


def test_an_unwritable_folder_is_one_line_and_exit_2(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    assert main(["world", "--out", str(tmp_path / "file"), "--tracks", "100", "--users", "5"]) == 2
    assert "cannot write the world" in capsys.readouterr().err
