"""``botify upload`` into a running service: found through serve.json or --redis-url, visible at once,
kept."""

import json
import os
import pathlib
import subprocess
import sys

import pytest
import requests

from botify.service.registry import BY_NAME

BOTIFY = str(pathlib.Path(sys.executable).with_name("botify"))  # the console script, as users run it

pytestmark = pytest.mark.slow


def upload(*args):
    environment = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    command = [BOTIFY, "upload", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env=environment)


@pytest.fixture(scope="module")
def service(start_botify_shared):
    return start_botify_shared(experiment="COLLABORATIVE", workers=1)


def test_an_upload_changes_the_next_recommendations_of_a_running_service(service, tmp_path):
    users = [user for user in range(100) if BY_NAME["COLLABORATIVE"].treatment(user) == "T1"][:5]
    path = tmp_path / "lightfm_top.jsonl"
    path.write_text("".join(json.dumps({"user": user, "tracks": [21]}) + "\n" for user in users))
    result = upload(path, "--name", "collaborative", "--data", service.data)
    assert result.returncode == 0, result.stderr
    assert "'collaborative' (per-user, 5 entries)" in result.stdout
    kept = service.data / "artifacts" / "collaborative.jsonl"
    assert f"kept as {kept}" in result.stdout and kept.read_text() == path.read_text()
    for user in users:
        assert requests.post(f"{service.url}/next/{user}", json={"track": 0, "time": 1}).json()["track"] == 21


def test_upload_by_redis_url_with_the_file_stem_as_name(service, tmp_path):
    (tmp_path / "top_tracks.json").write_text("[1, 2]")
    result = upload(tmp_path / "top_tracks.json", "--redis-url", service.redis_url, "--data", service.data)
    assert result.returncode == 0, result.stderr
    assert requests.get(service.url + "/health").json()["artifacts"]["top_tracks"]["kind"] == "popularity"


def test_upload_without_a_running_service_is_one_line_and_exit_2(tmp_path, write_catalog):
    write_catalog(tmp_path)
    (tmp_path / "top_tracks.json").write_text("[1]")
    result = upload(tmp_path / "top_tracks.json", "--data", tmp_path)
    assert result.returncode == 2 and "no running service found" in result.stderr


def test_upload_to_a_folder_that_is_not_a_data_folder_is_one_line_and_exit_2(service, tmp_path):
    (tmp_path / "top_tracks.json").write_text("[1]")
    result = upload(tmp_path / "top_tracks.json", "--redis-url", service.redis_url,
                    "--data", tmp_path / "nowhere")
    assert result.returncode == 2 and "is not a service's data folder" in result.stderr


def test_a_bad_file_is_neither_loaded_nor_kept(service, tmp_path):
    (tmp_path / "broken.jsonl").write_text('{"user": 1, "tracks": [1]}\n{oops\n')
    result = upload(tmp_path / "broken.jsonl", "--data", service.data)
    assert result.returncode == 2 and "broken.jsonl:2: not JSON" in result.stderr
    assert not (service.data / "artifacts" / "broken.jsonl").exists()
    assert "broken" not in requests.get(service.url + "/health").json()["artifacts"]


def test_uploaded_lists_survive_a_restart_of_the_service(start_botify, tmp_path, write_catalog):
    data = tmp_path / "data"
    write_catalog(data)
    users = [user for user in range(100) if BY_NAME["COLLABORATIVE"].treatment(user) == "T1"][:5]
    lists = tmp_path / "elsewhere" / "lists.jsonl"
    lists.parent.mkdir()
    lists.write_text("".join(json.dumps({"user": user, "tracks": [13]}) + "\n" for user in users))
    first = start_botify(experiment="COLLABORATIVE", data=data, workers=1)
    assert upload(lists, "--name", "collaborative", "--data", data).returncode == 0
    first.stop()
    lists.unlink()  # the service must not need the uploaded file itself

    second = start_botify(experiment="COLLABORATIVE", data=data, workers=1)
    assert requests.get(second.url + "/health").json()["status"] == "ok"
    for user in users:
        assert requests.post(f"{second.url}/next/{user}", json={"track": 0, "time": 1}).json()["track"] == 13


def test_upload_of_a_bad_file_is_one_line_and_exit_2(service, tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"user": "x", "tracks": []}\n')
    result = upload(tmp_path / "bad.jsonl", "--data", service.data)
    assert (result.returncode == 2 and "bad.jsonl:1: expected" in result.stderr
            and "Traceback" not in result.stderr)


def test_upload_of_a_missing_file_is_one_line_and_exit_2(service, tmp_path):
    result = upload(tmp_path / "absent.jsonl", "--data", service.data)
    assert result.returncode == 2 and "cannot read artifact" in result.stderr
