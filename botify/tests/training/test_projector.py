"""Projector files, and a real TensorBoard (no TensorFlow) serving them on loopback."""

import pathlib
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
import requests

from botify.training import data, planted_logs, projector


@pytest.fixture
def catalog(tmp_path):
    rows = planted_logs.planted_catalog(n_tracks=30)
    rows[3]["title"] = "tab\there\nand a line break"
    planted_logs.write_catalog(tmp_path / "data", rows)
    return data.read_catalog(tmp_path / "data")


def test_write_makes_vectors_labels_and_config(tmp_path, catalog):
    vectors = np.random.default_rng(0).random((30, 4))
    config = projector.write(tmp_path / "tb", vectors, catalog)
    np.testing.assert_allclose(np.loadtxt(tmp_path / "tb" / "tracks" / "tensors.tsv"), vectors, rtol=1e-5)
    labels = (tmp_path / "tb" / "tracks" / "metadata.tsv").read_text().splitlines()
    assert labels[0] == "track\tartist\ttitle\tgenre"
    assert labels[4] == "3\tartist 3\ttab here and a line break\tgenre 3"
    assert len(labels) == 31
    assert 'tensor_path: "tracks/tensors.tsv"' in config.read_text()


def test_rewriting_keeps_other_embeddings_once(tmp_path, catalog):
    vectors = np.zeros((30, 2))
    projector.write(tmp_path, vectors, catalog)
    projector.write(tmp_path, vectors, catalog, name="contextual")
    config = projector.write(tmp_path, vectors, catalog).read_text()
    assert config.count("embeddings {") == 2 and config.count('"tracks"') == 1


def test_vectors_and_rows_must_match(tmp_path, catalog):
    with pytest.raises(ValueError, match="29 vectors but 30"):
        projector.write(tmp_path, np.zeros((29, 2)), catalog)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def tensorboard(tmp_path, catalog):
    """A real TensorBoard on a free loopback port over a projector log dir; stopped afterwards."""
    projector.write(tmp_path / "tb", np.random.default_rng(1).random((30, 3)), catalog)
    port = free_port()
    executable = pathlib.Path(sys.executable).parent / "tensorboard"
    server = subprocess.Popen([str(executable), "--logdir", str(tmp_path / "tb"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/data/plugin/projector"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/runs", timeout=5)
                break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, "tensorboard did not start"
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_tensorboard_projector_serves_the_tracks(tensorboard):
    assert requests.get(f"{tensorboard}/runs", timeout=10).json() == ["."]
    info = requests.get(f"{tensorboard}/info", params={"run": "."}, timeout=10).json()
    assert info["embeddings"][0]["tensorName"] == "tracks"
    assert info["embeddings"][0]["tensorShape"] == [30, 3]
    labels = requests.get(f"{tensorboard}/metadata", params={"run": ".", "name": "tracks"}, timeout=10).text
    assert labels.splitlines()[1] == "0\tartist 0\ttitle 0\tgenre 0"
    tensor = requests.get(f"{tensorboard}/tensor", params={"run": ".", "name": "tracks"}, timeout=10).content
    assert len(tensor) == 30 * 3 * 4  # float32 rows
