"""The lossless event log under real load: several gunicorn workers, thousands of concurrent requests,
rotation forced small; every request appears exactly once as one parseable line."""

import collections
import concurrent.futures
import json
import signal

import pytest
import requests

pytestmark = pytest.mark.slow

REQUESTS = 2000
CLIENTS = 16


def test_every_request_is_logged_exactly_once_across_workers_and_rotation(start_botify):
    service = start_botify(workers=3, env={"BOTIFY_EVENT_LOG_MAX_BYTES": "5000"})

    def send(client):
        with requests.Session() as session:  # keep-alive, as the simulator does; the kernel spreads sessions
            for user in range(client, REQUESTS, CLIENTS):
                message = "next" if user % 2 else "last"
                answer = session.post(f"{service.url}/{message}/{user}",
                                      json={"track": user % 30, "time": 0.5}, timeout=30)
                assert answer.status_code == 200, answer.text

    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(send, range(CLIENTS)))
    assert service.stop() == 128 + signal.SIGTERM  # stopped by a signal, as interrupted commands report

    files = sorted(service.log_dir.glob("events*.jsonl*"))
    lines = [line for path in files for line in path.read_text().split("\n")[:-1]]
    events = [json.loads(line) for line in lines]  # every line parses: nothing interleaved
    seen = collections.Counter((event["message"], event["user"]) for event in events)
    expected = {("next" if user % 2 else "last", user) for user in range(REQUESTS)}
    assert set(seen) == expected and set(seen.values()) == {1}
    assert all(path.read_text().endswith("\n") and path.stat().st_size <= 5000 for path in files)
    writers = {path.name.split(".")[0] for path in files}
    # several workers wrote (16 sessions all on one of 3 workers: ~1 run in 10^7), and rotated many times
    assert len(writers) >= 2 and sum(path.suffix != ".jsonl" for path in files) > 15
