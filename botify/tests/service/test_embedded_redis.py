"""The embedded Redis: a real redis-server that starts, survives a crash after SAVE, and cleans up."""

import pytest

from botify.service.master.embedded_redis import EmbeddedRedis
from botify.service.store import UNAVAILABLE, connect


def test_embedded_redis_starts_survives_a_crash_after_save_and_cleans_up():
    server = EmbeddedRedis().start()
    client = connect(server.url, timeout=1)
    client.set("kept", "yes")
    client.save()
    server.kill()
    with pytest.raises(UNAVAILABLE):
        client.get("kept")
    server.start()
    assert client.get("kept") == b"yes"  # the pooled client reconnects by itself
    client.close()
    server.stop()
    assert not server.directory.exists()
