"""The README's recipe, word for word: a new recommender module, two registry lines, its artifact,
serve, traffic, report. Run on a copy of the package, as a student's checkout would be."""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
import requests

import botify

pytestmark = pytest.mark.slow

PYTHON = sys.executable
SIM = str(pathlib.Path(sys.executable).with_name("sim"))

NEW_MODULE = '''"""NextDoor: the track whose id follows the one just heard (a per-track list)."""

from botify.service.recommenders.base import Recommender


class NextDoor(Recommender):
    ARTIFACT = "next_door"
    ARTIFACT_KIND = "per-track"

    def recommend_next(self, user: int, prev_track: int, prev_track_time: float) -> int:
        return self.pick(self.store.tracks_for(self.ARTIFACT, prev_track))
'''


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    """A copy of the botify package with the recipe's two edits, importable through PYTHONPATH."""
    root = tmp_path_factory.mktemp("checkout")
    shutil.copytree(pathlib.Path(botify.__file__).parent, root / "botify",
                    ignore=shutil.ignore_patterns("tests", "benchmarks", "__pycache__"))
    (root / "botify/service/recommenders/next_door.py").write_text(NEW_MODULE)
    registry = root / "botify/service/registry.py"
    source = registry.read_text()
    source = source.replace("from botify.service.recommenders.top_pop import TopPop\n",
                            "from botify.service.recommenders.top_pop import TopPop\n"
                            "from botify.service.recommenders.next_door import NextDoor\n")
    source = source.replace("\n]\n", '\n    Experiment("NEXT_DOOR", Random, NextDoor),\n]\n')
    assert "NEXT_DOOR" in source and "import NextDoor" in source
    registry.write_text(source)
    return root


def run(checkout, *command, **options):
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    environment["PYTHONPATH"] = str(checkout)
    return subprocess.run([*map(str, command)], capture_output=True, text=True, timeout=300,
                          env=environment, check=True, **options)


def test_the_recipe_serves_the_new_arm_and_the_report_names_it(checkout, tmp_path):
    data, log = tmp_path / "data", tmp_path / "log"
    run(checkout, SIM, "world", "--out", data, "--tracks", 300, "--users", 200, "--seed", 5)
    artifacts = data / "artifacts"
    artifacts.mkdir()
    with open(artifacts / "next_door.jsonl", "w") as file:  # step 3: the data the recommender reads
        for track in range(300):
            file.write(json.dumps({"track": track, "tracks": [(track + 1) % 300]}) + "\n")
    botify_cli = [PYTHON, "-m", "botify.cli"]
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    with open(tmp_path / "serve.stderr", "w") as stderr:  # cwd elsewhere: `-m` puts the cwd first on the path
        service = subprocess.Popen(
            [*botify_cli, "serve", "--data", data, "--port", "0", "--experiment", "NEXT_DOOR",
             "--log-dir", log],
            env={**environment, "PYTHONPATH": str(checkout)}, stderr=stderr, cwd=tmp_path)
    try:
        url = _wait_for_url(data, service, tmp_path / "serve.stderr")
        assert requests.get(url + "/health", timeout=10).json()["status"] == "ok"
        run(checkout, SIM, "run", "--world", data, "--episodes", 150, "--url", url, "--quiet", "--seed", 1)
    finally:
        service.terminate()
        service.wait(30)
    report = run(checkout, *botify_cli, "report", "--logs", log, "--experiment", "NEXT_DOOR",
                 "--out", tmp_path / "report", cwd=tmp_path)
    assert report.stdout.startswith("NEXT_DOOR (C = Random, T1 = NextDoor)\n")
    assert "random fallbacks (no data for the request): C: 0%, T1: 0%" in report.stdout
    page = (tmp_path / "report" / "report.md").read_text()
    assert "Arms: C = Random, T1 = NextDoor." in page and "| T1 | NextDoor |" in page


def _wait_for_url(data, service, stderr, timeout=60):
    import time

    deadline = time.monotonic() + timeout
    state = data / "run" / "serve.json"
    while time.monotonic() < deadline:
        assert service.poll() is None, stderr.read_text()
        if state.exists():
            url = json.loads(state.read_text())["url"]
            try:
                if requests.get(url + "/health", timeout=5).status_code == 200:
                    return url
            except requests.ConnectionError:
                pass
        time.sleep(0.1)
    raise AssertionError("the service did not become healthy")
