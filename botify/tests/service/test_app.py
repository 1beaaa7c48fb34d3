"""The application factory: configuration layers and no connection at creation."""

import json

import pytest

from botify.errors import ExperimentError
from botify.service import create_app
from botify.service.app import DEFAULTS


def test_defaults_apply_without_any_configuration(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app()
    assert (app.config["EXPERIMENT"] == DEFAULTS["EXPERIMENT"]
            and app.config["REDIS_URL"] == DEFAULTS["REDIS_URL"])
    assert app.debug is False


def test_layers_file_then_environment_then_overrides(tmp_path, monkeypatch):
    config_file = tmp_path / "botify.json"
    config_file.write_text(json.dumps({"LOG_DIR": "from-file", "SEED": 1, "EXPERIMENT": "TOP_POP"}))
    monkeypatch.setenv("BOTIFY_CONFIG_FILE", str(config_file))
    monkeypatch.setenv("BOTIFY_SEED", "2")
    monkeypatch.setenv("BOTIFY_EXPERIMENT", "STICKY_ARTIST")
    monkeypatch.setenv("REDIS_URL", "redis://example:1/0")
    app = create_app({"EXPERIMENT": "CONTEXTUAL"})
    assert app.config["LOG_DIR"] == "from-file"  # file beats defaults
    assert app.config["SEED"] == 2  # environment (parsed as JSON) beats the file
    assert app.config["EXPERIMENT"] == "CONTEXTUAL"  # explicit overrides beat everything
    assert app.config["REDIS_URL"] == "redis://example:1/0"


def test_botify_redis_url_beats_plain_redis_url(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://plain:1/0")
    monkeypatch.setenv("BOTIFY_REDIS_URL", "redis://prefixed:1/0")
    assert create_app().config["REDIS_URL"] == "redis://prefixed:1/0"


def test_creating_the_app_connects_to_nothing(tmp_path):
    app = create_app({"REDIS_URL": f"unix://{tmp_path}/absent.sock", "LOG_DIR": str(tmp_path / "log")})
    assert app.extensions["botify.store"] is None and app.extensions["botify.events"] is None
    assert not (tmp_path / "log").exists()


def test_an_unknown_experiment_fails_at_creation():
    with pytest.raises(ExperimentError, match="unknown experiment 'NOPE'"):
        create_app({"EXPERIMENT": "NOPE"})


def test_importing_the_service_loads_no_heavy_library():
    import subprocess
    import sys

    code = ("import sys, botify.service.master.serve_cli, botify.service.app; "
            "print(sorted({'pandas', 'torch', 'lightfm'} & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
