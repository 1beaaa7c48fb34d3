"""The application factory: configuration layers, resources and blueprints; nothing connects here.

Configuration, lowest priority first: ``DEFAULTS``; a JSON config file named by
``CONFIG_FILE`` (override) or ``BOTIFY_CONFIG_FILE``; ``REDIS_URL``; every
``BOTIFY_<KEY>`` environment variable (values parsed as JSON when they can be);
then the explicit ``config`` mapping (the CLI, tests).
"""

import json
import os

from flask import Flask

from botify.service import active_experiment, event_log, http_errors, inspection, listening, registry, store

DEFAULTS = {
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "LOG_DIR": "log",
    "EXPERIMENT": registry.DEFAULT,
    "EVENT_LOG_MAX_BYTES": event_log.DEFAULT_MAX_BYTES,
    "MAX_CONTENT_LENGTH": 4096,  # a /next body is ~30 bytes; anything big is a mistake or an attack
    "SEED": 0,
}


def create_app(config=None):
    """Build the Flask app from the configuration layers; Redis is reached only by requests."""
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    config_file = (config or {}).get("CONFIG_FILE") or os.environ.get("BOTIFY_CONFIG_FILE")
    if config_file:
        app.config.from_file(os.path.abspath(config_file), load=json.load)
    if os.environ.get("REDIS_URL"):
        app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    app.config.from_prefixed_env("BOTIFY")
    app.config.from_mapping(config or {})
    app.config["DEBUG"] = False  # never: the debugger executes code sent by a client
    for resource in (store, event_log, active_experiment, http_errors):
        resource.init_app(app)
    app.register_blueprint(inspection.bp)
    app.register_blueprint(listening.bp)
    return app
