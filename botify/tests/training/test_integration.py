"""Logs → ``botify train lightfm`` → ``botify upload`` into a real ``botify serve`` → Collaborative
serves the lists."""

import pathlib
import subprocess
import sys

import pytest
import requests

from botify.service.registry import BY_NAME
from botify.training import export, planted_logs

pytestmark = pytest.mark.slow
BOTIFY = str(pathlib.Path(sys.executable).with_name("botify"))


def botify(*argv):
    result = subprocess.run([BOTIFY, *map(str, argv)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_collaborative_serves_the_trained_lists(tmp_path, start_botify):
    data = tmp_path / "data"
    planted_logs.write_catalog(data, planted_logs.planted_catalog())
    (data / "artifacts").mkdir()
    planted_logs.write_logs(tmp_path / "log", n_sessions=300, seed=8)
    out = tmp_path / "collaborative.jsonl"
    botify("train", "lightfm", "--logs", tmp_path / "log", "--data", data, "--out", out, "--trials", 1,
           "--epochs", 3)
    lists = export.read_lists(out)

    service = start_botify(experiment="COLLABORATIVE", data=data)
    botify("upload", out, "--data", data)

    experiment = BY_NAME["COLLABORATIVE"]
    treated = next(user for user in sorted(lists) if experiment.treatment(user) == "T1")
    control = next(user for user in sorted(lists) if experiment.treatment(user) == "C")
    # 12 requests after 12 different tracks: the same request would get the same seeded draw every time
    served = {user: [_next(service.url, user, track) for track in range(12)] for user in (treated, control)}
    assert set(served[treated]) <= set(lists[treated])
    assert not set(served[control]) <= set(lists[control])  # Random: 12 draws from 200 tracks, list of 100


def _next(url, user, track):
    response = requests.post(f"{url}/next/{user}", json={"track": track, "time": 1.0}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["track"]
