"""The notebook helpers: a real service that always stops (block end, failed cell, exit, killed kernel)."""

import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import requests

from botify.errors import CatalogError
from botify.notebook import ensure_world, start_botify, upload
from botify.service.registry import BY_NAME

pytestmark = pytest.mark.slow


def botify_processes():
    """Pids of every live ``botify serve`` and embedded ``redis-server`` on the machine."""
    found = set()
    for cmdline in pathlib.Path("/proc").glob("[0-9]*/cmdline"):
        try:
            text = cmdline.read_bytes().replace(b"\0", b" ")
            state = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and (b"botify serve" in text or b"botify-redis-" in text):
            found.add(int(cmdline.parent.name))
    return found


def gone(pids, timeout=20):
    deadline = time.monotonic() + timeout
    while pids & botify_processes() and time.monotonic() < deadline:
        time.sleep(0.1)
    return not pids & botify_processes()


def test_a_with_block_serves_then_stops_everything_even_when_the_cell_fails(data_dir, tmp_path):
    before = botify_processes()
    with pytest.raises(ZeroDivisionError):
        with start_botify("STICKY_ARTIST", data=data_dir, log_dir=tmp_path / "log") as service:
            answer = requests.post(f"{service.url}/next/1", json={"track": 3, "time": 0.5})
            assert answer.status_code == 200 and service.health()["status"] == "ok"
            started = botify_processes() - before
            assert len(started) == 4  # the master, its 2 workers (forks: the same command line) and its Redis
            1 / 0
    assert not service.running and gone(started)
    assert "botify serves experiment STICKY_ARTIST" in (tmp_path / "log" / "serve.log").read_text()


def test_starting_again_on_the_same_data_replaces_the_previous_service(data_dir, tmp_path, capsys):
    first = start_botify("AA", data=data_dir, log_dir=tmp_path / "one")
    second = start_botify("STICKY_ARTIST", data=data_dir, log_dir=tmp_path / "two")
    try:
        assert not first.running and second.running
        assert "stopping the previous service" in capsys.readouterr().out
    finally:
        second.stop()


def test_an_arm_without_data_is_said_in_the_notebook_and_upload_gives_it_data(data_dir, tmp_path, capsys):
    with start_botify("COLLABORATIVE", data=data_dir, log_dir=tmp_path / "log") as service:
        assert "artifact 'collaborative' is not loaded" in capsys.readouterr().out
        assert service.health()["status"] == "degraded"
        lists = tmp_path / "lists.jsonl"
        users = [user for user in range(50) if BY_NAME["COLLABORATIVE"].treatment(user) == "T1"]
        lists.write_text("".join(f'{{"user": {user}, "tracks": [7]}}\n' for user in users))
        upload(service, lists, name="collaborative")
        assert service.health()["status"] == "ok"
        assert requests.post(f"{service.url}/next/{users[0]}",
                             json={"track": 3, "time": 0.5}).json()["track"] == 7


def test_a_world_that_is_not_there_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogError, match="ensure_world"):
        start_botify(data=tmp_path)


KERNEL = textwrap.dedent("""
    import sys, time
    from botify.notebook import start_botify
    service = start_botify("AA", data=sys.argv[1], log_dir=sys.argv[2])
    print(service.process.pid, flush=True)
    if sys.argv[3] == "exit":
        sys.exit(0)          # the interpreter leaves without stopping the service: atexit must
    time.sleep(300)          # killed outright: the service must notice and leave by itself
""")


@pytest.mark.parametrize("ending", ["exit", "kill"])
def test_no_service_outlives_the_kernel_that_started_it(data_dir, tmp_path, ending):
    before = botify_processes()
    kernel = subprocess.Popen([sys.executable, "-c", KERNEL, str(data_dir), str(tmp_path / "log"), ending],
                              stdout=subprocess.PIPE, text=True)
    service_pid = int(kernel.stdout.readline())
    started = botify_processes() - before
    assert service_pid in started
    if ending == "kill":
        os.kill(kernel.pid, signal.SIGKILL)
    kernel.wait(60)
    kernel.stdout.close()
    assert gone(started)


def test_ensure_world_makes_a_world_once(tmp_path, capsys):
    made = ensure_world(tmp_path / "data", seed=3, tracks=300, users=40)
    assert made["tracks"] == 300 and made["seed"] == 3
    assert ensure_world(tmp_path / "data", seed=99)["seed"] == 3  # kept, not regenerated
    assert "using the world in" in capsys.readouterr().out
