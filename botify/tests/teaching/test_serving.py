"""check_served: a recommender task is judged by serving it beside its built-in control (real service, real
HTTP, a real simulated day)."""

import pathlib
import subprocess
import sys

import pytest

from botify.teaching import CheckFailed
from botify.teaching.serving import check_served

SIM = str(pathlib.Path(sys.executable).with_name("sim"))

PLUGIN = '''
from botify.service.experiment import Experiment
from botify.service.recommenders.base import Recommender
from botify.service.recommenders.sticky_artist import StickyArtist


class MySticky(Recommender):
    def recommend_next(self, user, prev_track, prev_track_time):
        {body}


EXPERIMENTS = [Experiment("MY_STICKY", StickyArtist, MySticky)]
'''

RIGHT = ("tracks = self.store.artist_tracks_of(prev_track)\n"
         "        return self.pick([t for t in tracks if t != prev_track] or tracks)")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    folder = tmp_path_factory.mktemp("teaching") / "data"
    subprocess.run([SIM, "world", "--out", str(folder), "--tracks", "1500", "--users", "300", "--seed", "3"],
                   check=True, capture_output=True, timeout=300)
    return folder


def plugin(tmp_path, body):
    path = tmp_path / "my_sticky.py"
    path.write_text(PLUGIN.format(body=body))
    return path


@pytest.mark.slow
def test_a_right_recommender_passes_and_says_its_effect(world, tmp_path, capsys):
    analysis = check_served("Task 9.9", plugin(tmp_path, RIGHT), "MY_STICKY", data=world, episodes=150,
                            log_dir=tmp_path / "log")
    assert analysis.arms == {"C": "StickyArtist", "T1": "MySticky"}
    assert "✔ Task 9.9 passed: served over HTTP against StickyArtist" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.parametrize("body, said", [
    ("raise NotImplementedError()", "your recommender raised: NotImplementedError"),
    ("return self.fallback_track()", "random fallback track for 100% of the requests"),
    ("return self.random_track()", "your arm is worse than StickyArtist"),
    ("return undefined_name", "your recommender raised: NameError"),
])
def test_a_wrong_recommender_fails_with_its_reason(world, tmp_path, body, said):
    with pytest.raises(CheckFailed, match=said):
        check_served("Task 9.9", plugin(tmp_path, body), "MY_STICKY", data=world, episodes=150,
                     log_dir=tmp_path / "log")


def test_a_plugin_that_does_not_load_or_names_another_experiment_is_one_line(tmp_path):
    with pytest.raises(CheckFailed, match=r"Task 9.9: my_sticky.py does not import: line 9: SyntaxError"):
        check_served("Task 9.9", plugin(tmp_path, "return ("), "MY_STICKY")
    with pytest.raises(CheckFailed, match="no experiment 'OTHER'; its EXPERIMENTS list gives MY_STICKY"):
        check_served("Task 9.9", plugin(tmp_path, RIGHT), "OTHER")
