"""Redis dies mid-run: the service answers 503 JSON (and logs nothing), then recovers by itself."""

import pytest
import requests

from botify.service.embedded_redis import EmbeddedRedis
from botify.service.store import connect

pytestmark = pytest.mark.slow


@pytest.fixture
def own_redis():
    server = EmbeddedRedis().start()
    yield server
    server.stop()


def test_redis_outage_is_503_and_the_service_recovers_when_redis_is_back(start_botify, own_redis):
    service = start_botify(experiment="CONTEXTUAL", redis_url=own_redis.url)
    body = {"track": 3, "time": 0.4}
    assert all(requests.post(f"{service.url}/next/{user}", json=body).status_code == 200 for user in range(20))
    client = connect(own_redis.url)
    client.save()  # the restarted server reloads the catalog from its dump, as a persistent Redis would
    client.close()
    own_redis.kill()

    for user in range(20):
        answer = requests.post(f"{service.url}/next/{user}", json=body, timeout=10)
        assert answer.status_code == 503 and "Redis is unavailable" in answer.json()["error"]
    assert requests.get(service.url + "/health", timeout=10).status_code == 503
    assert requests.get(service.url + "/").json()["status"] == "alive"

    own_redis.start()
    assert all(requests.post(f"{service.url}/next/{user}", json=body).status_code == 200 for user in range(20))
    assert requests.get(service.url + "/health").json()["redis"] == "ok"  # "degraded": Contextual has no data
    assert len(service.events()) == 40  # the failed requests were not logged
