"""Listener config: defaults off, JSON files, one clear error per wrong name, type or range."""

import json

import pytest

from sim.config import ListenerConfig, config_from_dict, load_config
from sim.errors import ConfigError


def test_defaults_and_flag_overrides():
    assert load_config() == ListenerConfig()
    assert load_config(churn=True, hype=False).churn is True


def test_a_json_file_sets_fields_and_ints_count_as_floats(tmp_path):
    path = tmp_path / "listener.json"
    path.write_text(json.dumps({"max_tracks": 30, "fatigue": 0, "drift": True}))
    config = load_config(path)
    assert (config.max_tracks, config.fatigue, config.drift) == (30, 0.0, True)


@pytest.mark.parametrize(
    "values, message",
    [
        ({"max_tracks": "many"}, "max_tracks must be int, got 'many'"),
        ({"max_tracks": 2.5}, "max_tracks must be int"),
        ({"churn": 1}, "churn must be bool"),
        ({"fatigue": True}, "fatigue must be float"),
        ({"speed": 3}, "unknown setting 'speed'"),
        ({"fatigue": 1.5}, "fatigue must be in"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_wrong_settings_are_one_line_errors(values, message):
    with pytest.raises(ConfigError, match=message):
        config_from_dict(values)


def test_unreadable_files_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_config(tmp_path / "bad.json")
