"""Endpoints that describe the service: liveness, Redis health, track metadata, experiments."""

from flask import Blueprint, current_app
from werkzeug.exceptions import NotFound

from botify.service import experiments
from botify.service.store import get_store
from botify.service.validation import parse_id

bp = Blueprint("status", __name__)


@bp.get("/")
def alive():
    """Answers without touching Redis: the process is up."""
    return {"status": "alive", "service": "botify", "experiment": current_app.config["EXPERIMENT"]}


@bp.get("/health")
def health():
    """Checks Redis and the catalog (503 if either is missing)."""
    store = get_store()
    store.ping()
    tracks = store.catalog_size()
    return {"status": "ok", "redis": "ok", "tracks": tracks, "artifacts": store.artifacts()}


@bp.get("/track/<track>")
def track(track):
    metadata = get_store().track(parse_id(track, "track"))
    if metadata is None:
        raise NotFound(f"unknown track {track}")
    return metadata


@bp.get("/experiments")
def listing():
    return {
        "active": current_app.config["EXPERIMENT"],
        "experiments": [experiment.describe() for experiment in experiments.EXPERIMENTS],
    }
